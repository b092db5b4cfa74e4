// Test-only: the gateway behind a plain node:http server (the same handlers the Next route files
// call), wired to an in-process simulated fleet and an embedded database.
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";
import { parseConfig, type Env } from "../config/env";
import { migrateDatabase, openDatabase, type DatabaseHandle } from "../db";
import { UNMATCHED_ENDPOINT, withObservability, type RouteHandler } from "../observability/http";
import { createLogger, type Logger } from "../observability/logger";
import { serveMetrics } from "../observability/metrics-endpoint";
import { checkHealth, healthHttpStatus } from "../health";
import { corsHeaders, corsPreflight } from "../limits/cors";
import { assembleRuntime, type Runtime } from "../runtime";
import { handleProfiles, handleProfilingStatus, handleReprofile } from "../profiling/admin-api";
import { startSimulator, type Simulator, type SimulatorOptions } from "../simulator/server";
import { handleVram } from "./admin-vram";
import { handleCacheInvalidate } from "./admin-cache";
import { handleStats } from "./admin-stats";
import { handleBenchmarkAliases, handleImportBenchmarks, handleListBenchmarks, handleSyncBenchmarks } from "./admin-benchmarks";
import { handleChatCompletions } from "./chat";
import { handleEmbeddings } from "./embeddings";
import { handleCreateApiKey, handleListApiKeys, handleRevokeApiKey } from "./admin-api-keys";
import { handleExplain } from "./explain";
import { handleFeedback } from "./feedback";
import { handleListModels } from "./models";
import { handleUnknownPath } from "./unknown-path";

export type Harness = {
  url: string;
  sim: Simulator;
  runtime: Runtime;
  /** What the fleet received, newest last. */
  received: (path?: string) => Promise<{ path: string; body: Record<string, unknown> }[]>;
  setFaults: (faults: unknown[]) => Promise<void>;
  close: () => Promise<void>;
};

/** `env(simUrl)` gives the router's environment; by default one Ollama backend on the fleet. */
export async function startHarness(
  options: { env?: (simUrl: string) => Env; sim?: SimulatorOptions; database?: DatabaseHandle; logger?: Logger; rateLimitKeyPrefix?: string } = {},
): Promise<Harness> {
  const sim = await startSimulator({ port: 0, timeScale: 0, ...options.sim });
  const database = options.database ?? (await openDatabase("memory://"));
  if (!options.database) await migrateDatabase(database);
  const config = parseConfig(options.env?.(sim.url) ?? { ROUTER_OLLAMA_URL: sim.url });
  const logger = options.logger ?? createLogger({ level: "CRITICAL", format: "text", write: () => {} });
  const runtime = assembleRuntime({ config, logger, database, rateLimitKeyPrefix: options.rateLimitKeyPrefix });
  const { registry, redis } = runtime;
  await registry.refresh();

  // The route files' wrapper, so metrics, spans and log lines are the ones the app produces.
  const route = (endpoint: string, handler: RouteHandler, quiet = false) => withObservability(endpoint, handler, { logger, quiet });
  const routes: Record<string, RouteHandler> = {
    "/v1/chat/completions": route("/v1/chat/completions", (request) => handleChatCompletions(request, runtime)),
    "/v1/embeddings": route("/v1/embeddings", (request) => handleEmbeddings(request, runtime)),
    "/v1/feedback": route("/v1/feedback", (request) => handleFeedback(request, runtime)),
    "/v1/models": route("/v1/models", (request) => handleListModels(request, runtime)),
    "/admin/explain": route("/admin/explain", (request) => handleExplain(request, runtime)),
    "/admin/vram": route("/admin/vram", (request) => handleVram(request, runtime)),
    "/admin/stats": route("/admin/stats", (request) => handleStats(request, runtime)),
    "/admin/cache/invalidate": route("/admin/cache/invalidate", (request) => handleCacheInvalidate(request, runtime)),
    "/admin/benchmarks": route("/admin/benchmarks", (request) => handleListBenchmarks(request, runtime)),
    "/admin/benchmarks/import": route("/admin/benchmarks/import", (request) => handleImportBenchmarks(request, runtime)),
    "/admin/sync-benchmarks": route("/admin/sync-benchmarks", (request) => handleSyncBenchmarks(request, runtime)),
    "/admin/benchmark-aliases": route("/admin/benchmark-aliases", (request) => handleBenchmarkAliases(request, runtime)),
    "/admin/reprofile": route("/admin/reprofile", (request) => handleReprofile(request, runtime)),
    "/admin/profiles": route("/admin/profiles", (request) => handleProfiles(request, runtime)),
    "/admin/api-keys": route("/admin/api-keys", (request) => (request.method === "POST" ? handleCreateApiKey(request, runtime) : handleListApiKeys(request, runtime))),
    "/metrics": route("/metrics", (request) => serveMetrics(request, config.ROUTER_METRICS_TOKEN), true),
    "/health": route(
      "/health",
      async () => {
        const report = await checkHealth(runtime);
        return Response.json(report, { status: healthHttpStatus(report) });
      },
      true,
    ),
  };
  const unmatched = route(UNMATCHED_ENDPOINT, handleUnknownPath);

  const server: Server = createServer(async (req, res) => {
    const controller = new AbortController();
    res.on("close", () => {
      if (!res.writableFinished) controller.abort();
    });
    const hasBody = req.method !== "GET" && req.method !== "HEAD";
    // As Next's server does: X-Forwarded-For gets the socket address only when the request has none.
    req.headers["x-forwarded-for"] ??= req.socket.remoteAddress;
    const request = new Request(`http://127.0.0.1${req.url}`, {
      method: req.method,
      headers: req.headers as Record<string, string>,
      body: hasBody ? (Readable.toWeb(req) as ReadableStream<Uint8Array>) : undefined,
      signal: controller.signal,
      // @ts-expect-error Node's fetch needs duplex for streamed request bodies
      duplex: "half",
    });
    const pathname = new URL(request.url).pathname;
    const statusId = /^\/admin\/profiling_status\/([^/]+)$/.exec(pathname)?.[1];
    const status = statusId === undefined ? undefined : route("/admin/profiling_status/{id}", (r) => handleProfilingStatus(r, runtime, decodeURIComponent(statusId)));
    const keyId = request.method === "DELETE" ? /^\/admin\/api-keys\/([^/]+)$/.exec(pathname)?.[1] : undefined;
    const revoke = keyId === undefined ? undefined : route("/admin/api-keys/{id}", (inner) => handleRevokeApiKey(inner, runtime, keyId));
    // As proxy.ts does for /v1/* in the app.
    const cors = pathname.startsWith("/v1/") ? config.ROUTER_CORS_ALLOWED_ORIGINS : [];
    const response = (cors.length ? corsPreflight(request, cors) : undefined) ?? (await (status ?? revoke ?? routes[pathname] ?? unmatched)(request));
    res.writeHead(response.status, { ...Object.fromEntries(response.headers), ...(cors.length && request.method !== "OPTIONS" ? corsHeaders(request, cors) : {}) });
    if (!response.body) return res.end();
    const reader = response.body.getReader();
    res.on("close", () => void reader.cancel().catch(() => undefined));
    try {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        res.write(value);
      }
    } catch {
      // the client left mid-stream; cancel() above already stopped the upstream
    }
    res.end();
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    sim,
    runtime,
    received: async (path) => {
      const log = (await (await fetch(`${sim.url}/__sim/requests${path ? `?path=${encodeURIComponent(path)}` : ""}`)).json()) as { requests: { path: string; body: Record<string, unknown> }[] };
      return log.requests;
    },
    setFaults: async (faults) => {
      await fetch(`${sim.url}/__sim/faults`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ faults }) });
    },
    close: async () => {
      await runtime.stop();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      await sim.close();
      redis?.disconnect();
      if (!options.database) await database.close();
    },
  };
}
