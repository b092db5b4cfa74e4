import { checkAdminKey } from "../auth/admin-key";
import { ImportError } from "../benchmarks/import-file";
import { AliasInputError, importBenchmarks, listAliases, listBenchmarks, removeAlias, setAlias, syncBenchmarks } from "../benchmarks/service";
import type { Runtime } from "../runtime";
import { withRateLimit } from "./rate-limit";
import { readJsonBody, readTextBody, requestIdFor } from "./request-input";
import { errorResponse, gatewayHeaders, unexpectedErrorResponse } from "./responses";
import { WireError } from "./wire/errors";

// /admin/benchmarks, /admin/benchmarks/import, /admin/sync-benchmarks, /admin/benchmark-aliases:
// admin key, admin rate limit, then one domain call each.

const IMPORT_MAX_BYTES = 1024 * 1024;

type Handler = (request: Request, runtime: Runtime) => Promise<Response>;

function adminEndpoint(endpoint: string, handler: Handler) {
  return (request: Request, runtime: Runtime): Promise<Response> =>
    withRateLimit(request, runtime, { scope: "admin", endpoint }, async () => {
      const requestId = requestIdFor(request);
      const auth = checkAdminKey(request, runtime.adminKey.key);
      if (!auth.ok) return errorResponse(auth.status, auth.message, { requestId, headers: { "www-authenticate": "Bearer" } });
      try {
        const response = await handler(request, runtime);
        for (const [name, value] of Object.entries(gatewayHeaders({ requestId }))) response.headers.set(name, value);
        return response;
      } catch (error) {
        if (error instanceof ImportError) return errorResponse(400, `Benchmark file refused, nothing was stored: ${error.message}`, { requestId, code: "invalid_benchmark_file" });
        if (error instanceof AliasInputError) return errorResponse(400, error.message, { requestId });
        return unexpectedErrorResponse(error, { requestId, logger: runtime.logger, what: `${endpoint} request` });
      }
    });
}

export const handleListBenchmarks = adminEndpoint("/admin/benchmarks", async (request, runtime) => {
  const url = new URL(request.url);
  const limit = intParam(url, "limit", 100, 1, 1000);
  const offset = intParam(url, "offset", 0, 0, Number.MAX_SAFE_INTEGER);
  return Response.json(await listBenchmarks(runtime.database, { limit, offset }));
});

export const handleSyncBenchmarks = adminEndpoint("/admin/sync-benchmarks", async (request, runtime) => {
  await runtime.registry.ensureFresh(runtime.config.ROUTER_POLLING_INTERVAL * 1000);
  const result = await syncBenchmarks(runtime);
  // Every source failing is an upstream problem; the run is still recorded.
  return Response.json(result, { status: result.status === "failed" ? 502 : 200 });
});

export const handleImportBenchmarks = adminEndpoint("/admin/benchmarks/import", async (request, runtime) => {
  const type = (request.headers.get("content-type") ?? "").toLowerCase();
  const format = /^application\/json\b/.test(type) ? "json" : /^text\/csv\b/.test(type) ? "csv" : undefined;
  if (!format) throw new WireError(415, "Content-Type must be text/csv or application/json");
  const text = await readTextBody(request, IMPORT_MAX_BYTES);
  await runtime.registry.ensureFresh(runtime.config.ROUTER_POLLING_INTERVAL * 1000);
  return Response.json(await importBenchmarks(runtime, text, format));
});

export const handleBenchmarkAliases = adminEndpoint("/admin/benchmark-aliases", async (request, runtime) => {
  if (request.method === "GET") return Response.json({ aliases: await listAliases(runtime.database) });
  if (request.method === "PUT") {
    const body = (await readJsonBody(request, 64 * 1024)) as { model?: unknown; benchmark_names?: unknown } | null;
    if (!body || typeof body !== "object" || Array.isArray(body)) throw new AliasInputError('expected {"model": "...", "benchmark_names": ["..."]}');
    return Response.json({ alias: await setAlias(runtime.database, body.model, body.benchmark_names) });
  }
  if (request.method === "DELETE") {
    const model = new URL(request.url).searchParams.get("model");
    if (!model) throw new WireError(400, "Missing required parameter: 'model'.", "model");
    const removed = await removeAlias(runtime.database, model);
    if (!removed) throw new WireError(404, `No alias for model '${model.slice(0, 256)}'`, "model");
    return Response.json({ removed: true, model });
  }
  throw new WireError(405, "Use GET, PUT or DELETE");
});

function intParam(url: URL, name: string, fallback: number, min: number, max: number): number {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === "") return fallback;
  if (!/^-?\d+$/.test(raw.trim())) throw new WireError(400, `'${name}' must be an integer`, name);
  return Math.min(max, Math.max(min, Number(raw)));
}
