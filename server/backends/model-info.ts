import type { BackendConfig } from "../config/backends";
import { backendRequest } from "./http";

export const CAPABILITIES = ["completion", "vision", "tools", "embedding", "thinking"] as const;
export type Capability = (typeof CAPABILITIES)[number];

export type ModelDetails = {
  /** Undefined when the backend cannot say (OpenAI-compatible servers). */
  capabilities?: Capability[];
  contextLength?: number;
};

type OllamaShow = { capabilities?: string[]; model_info?: Record<string, unknown> };

/** Ollama's /api/show: what a model can do and its context window. Other kinds cannot tell. */
export async function fetchModelDetails(backend: BackendConfig, model: string, timeoutMs = 3000): Promise<ModelDetails> {
  if (backend.kind !== "ollama") return {};
  const { url, headers } = backendRequest(backend, "/api/show");
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: { ...headers, "content-type": "application/json" },
      body: JSON.stringify({ model: `${backend.modelPrefix}${model}` }),
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (!response.ok) return {};
    const show = (await response.json()) as OllamaShow;
    const contextKey = Object.keys(show.model_info ?? {}).find((key) => key.endsWith(".context_length"));
    const contextLength = contextKey ? Number(show.model_info?.[contextKey]) : undefined;
    return {
      capabilities: show.capabilities?.filter((value): value is Capability => (CAPABILITIES as readonly string[]).includes(value)),
      contextLength: Number.isFinite(contextLength) ? contextLength : undefined,
    };
  } catch {
    return {};
  }
}

/** "8.0B" → 8, "137M" → 0.137 (billions of parameters). */
export function parseParameterSize(size: string | undefined): number | undefined {
  const match = size?.trim().match(/^(\d+(?:\.\d+)?)\s*([KMBT])$/i);
  if (!match) return undefined;
  const scale: Record<string, number> = { K: 1e-6, M: 1e-3, B: 1, T: 1e3 };
  return Number(match[1]) * scale[match[2].toUpperCase()];
}

/** "qwen2.5-coder:14b" → 14, "mixtral:8x7b" → 56: the size OpenAI-compatible servers do not report. */
export function sizeFromName(name: string): number | undefined {
  const match = name.toLowerCase().match(/(?:^|[^a-z0-9.])(?:(\d+)x)?(\d+(?:\.\d+)?)([bm])(?![a-z0-9])/);
  if (!match) return undefined;
  const size = Number(match[2]) * (match[3] === "m" ? 1e-3 : 1);
  return match[1] ? size * Number(match[1]) : size;
}
