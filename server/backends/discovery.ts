import type { BackendConfig } from "../config/backends";
import { backendRequest, describeFetchError } from "./http";

// Model discovery: which models a backend serves right now. The only module (with the adapters
// that will join it) that calls model servers.

export type DiscoveredModel = {
  name: string;
  backend: string;
  sizeBytes?: number;
  family?: string;
  parameterSize?: string;
  quantization?: string;
};

export type DiscoveryResult =
  | { ok: true; backend: string; models: DiscoveredModel[]; latencyMs: number }
  | { ok: false; backend: string; error: string; latencyMs: number };

type OllamaTags = {
  models?: { name?: string; model?: string; size?: number; details?: { family?: string; parameter_size?: string; quantization_level?: string } }[];
};
type OpenAIModels = { data?: { id?: string }[]; models?: { name?: string; model?: string }[] };

const MODELS_PATH: Record<BackendConfig["kind"], string> = { ollama: "/api/tags", llamacpp: "/v1/models", openai: "/models" };

export async function discoverModels(backend: BackendConfig, timeoutMs = 3000): Promise<DiscoveryResult> {
  const started = performance.now();
  const elapsed = () => Math.round(performance.now() - started);
  try {
    const { url, headers } = backendRequest(backend, MODELS_PATH[backend.kind]);
    const response = await fetch(url, { headers, signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) return { ok: false, backend: backend.name, error: `HTTP ${response.status}`, latencyMs: elapsed() };
    const body = (await response.json()) as OllamaTags & OpenAIModels;
    const models = backend.kind === "ollama" ? fromOllama(backend, body) : fromOpenAI(backend, body);
    return { ok: true, backend: backend.name, models, latencyMs: elapsed() };
  } catch (error) {
    return { ok: false, backend: backend.name, error: describeFetchError(error, timeoutMs), latencyMs: elapsed() };
  }
}

function fromOllama(backend: BackendConfig, body: OllamaTags): DiscoveredModel[] {
  return (body.models ?? []).flatMap((model) => {
    const name = model.name ?? model.model;
    if (!name) return [];
    return [
      {
        name: stripPrefix(name, backend.modelPrefix),
        backend: backend.name,
        sizeBytes: model.size,
        family: model.details?.family,
        parameterSize: model.details?.parameter_size,
        quantization: model.details?.quantization_level,
      },
    ];
  });
}

function fromOpenAI(backend: BackendConfig, body: OpenAIModels): DiscoveredModel[] {
  const ids = body.data?.map((model) => model.id) ?? body.models?.map((model) => model.name ?? model.model) ?? [];
  return ids.flatMap((id) => (id ? [{ name: stripPrefix(id, backend.modelPrefix), backend: backend.name }] : []));
}

function stripPrefix(name: string, prefix: string): string {
  return prefix && name.startsWith(prefix) ? name.slice(prefix.length) : name;
}

export type LoadedModel = { name: string; backend: string; vramBytes?: number; sizeBytes?: number; expiresAt?: string };

type OllamaPs = { models?: { name?: string; model?: string; size?: number; size_vram?: number; expires_at?: string }[] };

/** Models resident in memory now (Ollama /api/ps). Other kinds cannot tell: an empty list. */
export async function listLoadedModels(backend: BackendConfig, timeoutMs = 2000): Promise<LoadedModel[]> {
  const result = await readLoadedModels(backend, timeoutMs);
  return result.ok ? result.models : [];
}

/** Like listLoadedModels, but a failed read is an error rather than "nothing loaded" (for reconciling). */
export async function readLoadedModels(backend: BackendConfig, timeoutMs = 2000): Promise<{ ok: true; models: LoadedModel[] } | { ok: false; error: string }> {
  if (backend.kind !== "ollama") return { ok: true, models: [] };
  try {
    const { url, headers } = backendRequest(backend, "/api/ps");
    const response = await fetch(url, { headers, signal: AbortSignal.timeout(timeoutMs) });
    if (!response.ok) return { ok: false, error: `HTTP ${response.status}` };
    const body = (await response.json()) as OllamaPs;
    const models = (Array.isArray(body.models) ? body.models : []).flatMap((model) => {
      const name = model.name ?? model.model;
      return name
        ? [{ name: stripPrefix(name, backend.modelPrefix), backend: backend.name, vramBytes: finite(model.size_vram), sizeBytes: finite(model.size), expiresAt: model.expires_at }]
        : [];
    });
    return { ok: true, models };
  } catch (error) {
    return { ok: false, error: describeFetchError(error, timeoutMs) };
  }
}

function finite(value: unknown): number | undefined {
  return typeof value === "number" && Number.isFinite(value) && value >= 0 ? value : undefined;
}
