import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { DEFAULT_FLEET_PATH, loadConfigFile, parseConfig, parseKeepAlive, type SimConfig, type SimConfigInput } from "./config";
import { controlRoutes, RequestLog } from "./control-api";
import { type Api, FaultBook } from "./faults";
import { FleetState } from "./fleet-state";
import { type HttpCall, openAiError, readBody, sendJson, sendText } from "./http-io";
import { applyRequestFault, type SimContext } from "./model-run";
import { OLLAMA_VERSION, ollamaError, ollamaRoutes } from "./ollama-api";
import { openAiErrorSender, openAiRoutes } from "./openai-api";
import { AbortedError } from "./timing";

export interface SimulatorOptions {
  /** Inline config (validated); otherwise `configPath`, otherwise the default fleet. */
  config?: SimConfigInput;
  configPath?: string;
  port?: number; // 0 picks a free port
  host?: string;
  seed?: number;
  timeScale?: number;
  apiKey?: string;
  /** Clock for keep-alive expiry; tests pass a fake one to expire models without waiting. */
  now?: () => number;
  log?: (line: string) => void;
}

export interface Simulator {
  url: string;
  host: string;
  port: number;
  config: SimConfig;
  close(): Promise<void>;
}

const BODY_LIMIT = 64 * 1024 * 1024;

// Model-less endpoints: only faults with a matching `path` apply to them.
const STATIC_ROUTES: Partial<Record<string, (call: HttpCall) => void>> = {
  "GET /": (call) => sendText(call.res, 200, "Ollama is running"),
  "GET /health": (call) => sendJson(call.res, 200, { status: "ok" }),
  "GET /api/version": (call) => sendJson(call.res, 200, { version: OLLAMA_VERSION }),
};

export function resolveConfig(options: SimulatorOptions): SimConfig {
  const base = options.config !== undefined ? parseConfig(options.config) : loadConfigFile(options.configPath ?? DEFAULT_FLEET_PATH);
  return parseConfig({
    ...base,
    ...(options.seed !== undefined ? { seed: options.seed } : {}),
    ...(options.timeScale !== undefined ? { timeScale: options.timeScale } : {}),
    ...(options.apiKey !== undefined ? { apiKey: options.apiKey } : {}),
  });
}

function routeKey(method: string, path: string): { key: string; params: Record<string, string> } {
  const modelPath = /^\/v1\/models\/(.+)$/.exec(path);
  if (modelPath) return { key: `${method} /v1/models/:id`, params: { id: decodeURIComponent(modelPath[1]) } };
  return { key: `${method} ${path}`, params: {} };
}

function authorized(config: SimConfig, req: IncomingMessage): boolean {
  return config.apiKey === undefined || req.headers.authorization === `Bearer ${config.apiKey}`;
}

export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  const config = resolveConfig(options);
  const now = options.now ?? Date.now;
  const models = new Map(config.models.map((m) => [m.name, m]));
  const ctx: SimContext = {
    config,
    models,
    fleet: new FleetState(now, config.timeScale, config.gpuVramGb),
    faults: new FaultBook(config.faults, config.seed),
    generation: { seed: config.seed, models },
    defaultKeepAliveMs: parseKeepAlive(config.keepAlive),
    now,
    counters: { activeRuns: 0, abortedRuns: 0, stalled: 0 },
  };
  const log = new RequestLog(config.requestLogSize);
  const report = options.log ?? ((line: string) => console.error(line));

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://simulator");
    const method = req.method ?? "GET";
    const path = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, "") : url.pathname;
    const api: Api = path.startsWith("/v1/") ? "openai" : "ollama";
    const controller = new AbortController();
    res.on("close", () => {
      if (!res.writableFinished) controller.abort();
    });
    const { key, params } = routeKey(method, path);
    const call: HttpCall = { req, res, method, path, query: url.searchParams, params, body: undefined, signal: controller.signal };
    const sendError = api === "openai" ? openAiErrorSender(call) : ollamaError(call);

    let text: string;
    try {
      text = await readBody(req, BODY_LIMIT);
    } catch (error) {
      return sendError(413, (error as Error).message);
    }
    let badJson: string | undefined;
    if (text.trim() !== "") {
      try {
        call.body = JSON.parse(text);
      } catch (error) {
        badJson = (error as Error).message;
        call.body = text;
      }
    }

    const control = controlRoutes[key];
    if (control) return control(ctx, call, log);
    if (path.startsWith("/__sim/")) return sendJson(res, 404, { error: `unknown control endpoint ${method} ${path}` });
    log.record(call, req.headers, now());

    if (badJson !== undefined) {
      if (api === "openai") {
        return sendJson(res, 400, openAiError(400, `We could not parse the JSON body of your request: ${badJson}`));
      }
      return sendJson(res, 400, { error: `invalid JSON body: ${badJson}` });
    }
    if (api === "openai" && !authorized(config, req)) {
      const message = req.headers.authorization ? "Incorrect API key provided." : "You didn't provide an API key. Provide it in the Authorization header as 'Bearer YOUR_KEY'.";
      return sendJson(res, 401, openAiError(401, message, null, "invalid_api_key"));
    }

    const staticRoute = STATIC_ROUTES[key];
    const handler = ollamaRoutes[key] ?? openAiRoutes[key];
    if (!staticRoute && !handler) {
      if (api === "openai") return sendJson(res, 404, openAiError(404, `Unknown request URL: ${method} ${path}.`, null, "unknown_url"));
      return sendText(res, 404, "404 page not found");
    }
    try {
      if (staticRoute || key.startsWith("GET ") || key === "POST /api/show") {
        const body = (call.body ?? {}) as { model?: unknown; name?: unknown };
        const named = key === "POST /api/show" ? (body.model ?? body.name) : undefined;
        const fault = ctx.faults.take({ api, path, model: typeof named === "string" ? named : undefined });
        if (!(await applyRequestFault(ctx, fault, call, sendError))) return;
      }
      if (staticRoute) return staticRoute(call);
      await handler?.(ctx, call);
    } catch (error) {
      if (error instanceof AbortedError) return;
      report(`simulator: ${method} ${path} failed: ${(error as Error).stack ?? String(error)}`);
      if (!res.headersSent) sendError(500, `internal simulator error: ${(error as Error).message}`);
      else res.destroy();
    }
  }

  const server = createServer((req, res) => void handle(req, res));
  const host = options.host ?? "127.0.0.1";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port ?? 0, host, () => {
      server.off("error", reject);
      resolve();
    });
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://${host.includes(":") ? `[${host}]` : host}:${port}`,
    host,
    port,
    config,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
