import { ImportError } from "../benchmarks/import-file";
import { AliasInputError, importBenchmarks, listAliases, listBenchmarks, removeAlias, setAlias, syncBenchmarks } from "../benchmarks/service";
import { adminEndpoint, intParam, type AdminHandler } from "./admin-endpoint";
import { readJsonBody, readTextBody } from "./request-input";
import { errorResponse } from "./responses";
import { WireError } from "./wire/errors";

// /admin/benchmarks, /admin/benchmarks/import, /admin/sync-benchmarks, /admin/benchmark-aliases:
// admin key, admin rate limit, then one domain call each.

const IMPORT_MAX_BYTES = 1024 * 1024;

function benchmarkInputError(error: unknown, requestId: string): Response | undefined {
  if (error instanceof ImportError) return errorResponse(400, `Benchmark file refused, nothing was stored: ${error.message}`, { requestId, code: "invalid_benchmark_file" });
  if (error instanceof AliasInputError) return errorResponse(400, error.message, { requestId });
  return undefined;
}

const benchmarkEndpoint = (endpoint: string, handler: AdminHandler) => adminEndpoint(endpoint, handler, benchmarkInputError);

export const handleListBenchmarks = benchmarkEndpoint("/admin/benchmarks", async (request, runtime) => {
  const url = new URL(request.url);
  const limit = intParam(url, "limit", 100, 1, 1000);
  const offset = intParam(url, "offset", 0, 0, Number.MAX_SAFE_INTEGER);
  return Response.json(await listBenchmarks(runtime.database, { limit, offset }));
});

export const handleSyncBenchmarks = benchmarkEndpoint("/admin/sync-benchmarks", async (request, runtime) => {
  await runtime.registry.ensureFresh(runtime.config.ROUTER_POLLING_INTERVAL * 1000);
  const result = await syncBenchmarks(runtime);
  // Every source failing is an upstream problem; the run is still recorded.
  return Response.json(result, { status: result.status === "failed" ? 502 : 200 });
});

export const handleImportBenchmarks = benchmarkEndpoint("/admin/benchmarks/import", async (request, runtime) => {
  const type = (request.headers.get("content-type") ?? "").toLowerCase();
  const format = /^application\/json\b/.test(type) ? "json" : /^text\/csv\b/.test(type) ? "csv" : undefined;
  if (!format) throw new WireError(415, "Content-Type must be text/csv or application/json");
  const text = await readTextBody(request, IMPORT_MAX_BYTES);
  await runtime.registry.ensureFresh(runtime.config.ROUTER_POLLING_INTERVAL * 1000);
  return Response.json(await importBenchmarks(runtime, text, format));
});

export const handleBenchmarkAliases = benchmarkEndpoint("/admin/benchmark-aliases", async (request, runtime) => {
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
