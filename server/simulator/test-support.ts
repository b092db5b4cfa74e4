import type { SimConfigInput } from "./config";
import { type Simulator, type SimulatorOptions, startSimulator } from "./server";

/** A small fleet with extreme qualities so quality effects are obvious in a few samples. */
export const TEST_FLEET: SimConfigInput = {
  seed: 7,
  timeScale: 0,
  models: [
    { name: "small:1b", family: "llama", parameterSize: "1B", quality: 0.2, vramGb: 1.2, loadMs: 500, ttftMs: 30, tokensPerSecond: 100 },
    { name: "big:14b", family: "qwen2", parameterSize: "14B", quality: 0.95, vramGb: 9, loadMs: 3000, ttftMs: 150, tokensPerSecond: 30, capabilities: ["completion", "tools"] },
    { name: "vision:7b", family: "qwen25vl", quality: 0.6, vramGb: 6, capabilities: ["completion", "vision"] },
    { name: "thinker:14b", family: "qwen2", quality: { math: 0.9, general: 0.6 }, vramGb: 9, capabilities: ["completion", "thinking"] },
    { name: "embed:latest", family: "nomic-bert", parameterSize: "137M", quantization: "F16", vramGb: 0.3, capabilities: ["embedding"], embeddingDim: 64, contextLength: 2048 },
    { name: "sim-judge", role: "judge", quality: 0.8, capabilities: ["completion"] },
  ],
};

export function startTestSimulator(overrides: Partial<SimConfigInput> = {}, options: SimulatorOptions = {}): Promise<Simulator> {
  return startSimulator({ port: 0, config: { ...TEST_FLEET, ...overrides }, ...options });
}

export async function post(base: string, path: string, body: unknown, init: RequestInit = {}): Promise<Response> {
  return fetch(`${base}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(init.headers as Record<string, string> | undefined) },
    body: typeof body === "string" ? body : JSON.stringify(body),
    signal: init.signal,
  });
}

export async function postJson<T = Record<string, unknown>>(base: string, path: string, body: unknown): Promise<{ status: number; body: T }> {
  const res = await post(base, path, body);
  return { status: res.status, body: (await res.json()) as T };
}

export async function getJson<T = Record<string, unknown>>(base: string, path: string): Promise<T> {
  return (await (await fetch(`${base}${path}`)).json()) as T;
}

/** Raw NDJSON lines (unparsed, so malformed lines can be inspected). */
export async function ndjsonLines(res: Response): Promise<string[]> {
  return (await res.text()).split("\n").filter((line) => line !== "");
}

/** The `data:` payloads of an SSE body. */
export async function sseData(res: Response): Promise<string[]> {
  return (await res.text())
    .split("\n\n")
    .filter((event) => event.startsWith("data: "))
    .map((event) => event.slice("data: ".length));
}

/** Polls until `check` passes; for conditions the server reaches asynchronously (no fixed sleeps). */
export async function eventually(check: () => Promise<boolean>, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export function chatBody(model: string, content: string, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { model, messages: [{ role: "user", content }], ...extra };
}
