import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { BackendConfig } from "../config/backends";
import type { FaultInput } from "../simulator/config";
import { type Simulator, startSimulator } from "../simulator/server";
import { createAdapter } from "./adapters";
import { type BackendAdapter, BackendFailure, type BackendError, type ChatEvent, type ChatRequest } from "./types";

export type Kind = BackendConfig["kind"];
export const KINDS: Kind[] = ["ollama", "llamacpp", "openai"];

/** The adapter for a simulator, pointed where each kind expects its base URL. */
export function adapterFor(kind: Kind, baseUrl: string, extra: Partial<BackendConfig> = {}): BackendAdapter {
  return createAdapter({ name: `sim-${kind}`, kind, url: kind === "openai" ? `${baseUrl}/v1` : baseUrl, modelPrefix: "", ...extra });
}

export function chatRequest(model: string, content: string, extra: Partial<ChatRequest> = {}): ChatRequest {
  return { model, messages: [{ role: "user", content }], stream: false, includeUsage: false, ...extra };
}

export const WEATHER_TOOL = {
  type: "function" as const,
  function: {
    name: "get_weather",
    description: "Get the current weather for a city",
    parameters: { type: "object", properties: { city: { type: "string" }, unit: { type: "string", enum: ["celsius", "fahrenheit"] } }, required: ["city"] },
  },
};

export type Outcome = { events: ChatEvent[]; failure?: BackendError };

/** Runs a chat to the end: the events it yielded, and the BackendFailure it threw, if any. */
export async function runChat(adapter: BackendAdapter, request: ChatRequest, signal = new AbortController().signal): Promise<Outcome> {
  const result = await adapter.chat(request, { signal });
  if (!result.ok) throw new Error(`chat failed before streaming: ${JSON.stringify(result.error)}`);
  return drain(result.value);
}

export async function drain(stream: AsyncIterable<ChatEvent>): Promise<Outcome> {
  const events: ChatEvent[] = [];
  try {
    for await (const event of stream) events.push(event);
  } catch (error) {
    if (!(error instanceof BackendFailure)) throw error;
    return { events, failure: error.error };
  }
  return { events };
}

export const textOf = (events: ChatEvent[]): string => events.map((e) => (e.type === "delta" ? (e.content ?? "") : "")).join("");
export const doneOf = (events: ChatEvent[]) => events.filter((e) => e.type === "done");

type LoggedRequest = { path: string; body: Record<string, unknown> };

/** The simulator's control API. */
export function control(sim: Simulator) {
  const call = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const response = await fetch(`${sim.url}${path}`, { method, headers: { "content-type": "application/json" }, body: body === undefined ? undefined : JSON.stringify(body) });
    return (await response.json()) as T;
  };
  return {
    reset: () => call("POST", "/__sim/reset", {}),
    faults: (faults: FaultInput[]) => call("POST", "/__sim/faults", { faults }),
    requests: async (path?: string) => (await call<{ requests: LoggedRequest[] }>("GET", `/__sim/requests${path ? `?path=${encodeURIComponent(path)}` : ""}`)).requests,
    lastBody: async (path: string) => (await call<{ requests: LoggedRequest[] }>("GET", `/__sim/requests?path=${encodeURIComponent(path)}`)).requests.at(-1)?.body ?? {},
    state: () => call<{ activeRequests: number; abortedRequests: number }>("GET", "/__sim/state"),
    /** Posts a body straight to the simulator, bypassing the adapter (to compare against). */
    raw: (path: string, body: unknown) => call<Record<string, unknown>>("POST", path, body),
  };
}

export function startFleet(): Promise<Simulator> {
  return startSimulator({ port: 0, timeScale: 0, log: () => undefined });
}

/** A real-time fleet for abort tests: a slow model and a prefixed one. */
export function startSlowFleet(): Promise<Simulator> {
  return startSimulator({
    port: 0,
    log: () => undefined,
    config: {
      seed: 1,
      timeScale: 1,
      models: [
        { name: "slow:1b", ttftMs: 0, loadMs: 0, tokensPerSecond: 20 },
        { name: "lab/tiny:1b", ttftMs: 0, loadMs: 0, tokensPerSecond: 10_000 },
      ],
    },
  });
}

/** A URL nothing listens on (a port just released; not 1 or 9, which fetch refuses as "bad port"). */
export async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}`;
}

/** A one-off server answering every request with the given handler (for wire shapes the simulator never sends). */
export async function startScripted(handler: (req: IncomingMessage, res: ServerResponse) => void): Promise<{ url: string; close: () => Promise<void> }> {
  const server = createServer((req, res) => {
    req.resume();
    req.on("end", () => handler(req, res));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Polls a condition the server reaches asynchronously (no fixed sleeps). */
export async function eventually(check: () => Promise<boolean>, timeoutMs = 3000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error("condition not met in time");
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
