import { checkAdminKey } from "../auth/admin-key";
import { withRateLimit } from "../gateway/rate-limit";
import { readJsonBody, requestIdFor } from "../gateway/request-input";
import { errorResponse, gatewayHeaders, unexpectedErrorResponse } from "../gateway/responses";
import { WireError } from "../gateway/wire/errors";
import type { Runtime } from "../runtime";
import { getJob, listProfiles, ProfilingInputError, startProfilingJob } from "./service";

// SmarterRouter's /admin profiling endpoints. Unlike the original, reprofile only queues a job and
// answers at once (202 with its id); GET /admin/profiling_status/{id} follows it.

type Handler = (request: Request, requestId: string) => Promise<Response>;

function adminEndpoint(request: Request, runtime: Runtime, endpoint: string, handler: Handler): Promise<Response> {
  return withRateLimit(request, runtime, { scope: "admin", endpoint }, async () => {
    const requestId = requestIdFor(request);
    const auth = checkAdminKey(request, runtime.adminKey.key);
    if (!auth.ok) return errorResponse(auth.status, auth.message, { requestId, headers: { "www-authenticate": "Bearer" } });
    try {
      return await handler(request, requestId);
    } catch (error) {
      if (error instanceof ProfilingInputError) return errorResponse(400, error.message, { requestId });
      return unexpectedErrorResponse(error, { requestId, logger: runtime.logger, what: `${endpoint} request` });
    }
  });
}

/** POST /admin/reprofile?force=true&models=a,b (or the same as a JSON body). */
export function handleReprofile(request: Request, runtime: Runtime): Promise<Response> {
  return adminEndpoint(request, runtime, "/admin/reprofile", async (req, requestId) => {
    const url = new URL(req.url);
    // SmarterRouter took query parameters only; a JSON body is optional.
    const isJson = /^application\/json\b/i.test(req.headers.get("content-type") ?? "");
    const body = isJson ? await readJsonBody(req, runtime.config.ROUTER_MAX_BODY_BYTES) : {};
    if (typeof body !== "object" || body === null || Array.isArray(body)) throw new WireError(400, "The body must be a JSON object");
    const fields = body as { models?: unknown; force?: unknown };
    if (fields.models !== undefined && !(Array.isArray(fields.models) && fields.models.every((m) => typeof m === "string"))) throw new WireError(400, "'models' must be a list of model names", "models");
    if (fields.force !== undefined && typeof fields.force !== "boolean") throw new WireError(400, "'force' must be true or false", "force");
    const queryForce = url.searchParams.get("force");
    if (queryForce !== null && !/^(true|false|1|0)$/i.test(queryForce)) throw new WireError(400, "'force' must be true or false", "force");
    const models = (fields.models as string[] | undefined) ?? url.searchParams.get("models")?.split(",");
    const force = (fields.force as boolean | undefined) ?? (queryForce !== null && /^(true|1)$/i.test(queryForce));
    const job = await startProfilingJob(runtime, { models, force });
    return Response.json({ job_id: job.id, task_id: job.id, status: job.status, models: job.models, force: job.force }, { status: 202, headers: gatewayHeaders({ requestId }) });
  });
}

/** GET /admin/profiling_status/{id} */
export function handleProfilingStatus(request: Request, runtime: Runtime, id: string): Promise<Response> {
  return adminEndpoint(request, runtime, "/admin/profiling_status/{id}", async (_req, requestId) => {
    const job = await getJob(runtime, id);
    if (!job) return errorResponse(404, `No profiling job ${id}`, { requestId });
    return Response.json(job, { headers: gatewayHeaders({ requestId }) });
  });
}

/** GET /admin/profiles?limit=&offset= (limit clamped to 1…1000, offset ≥ 0, as the original). */
export function handleProfiles(request: Request, runtime: Runtime): Promise<Response> {
  return adminEndpoint(request, runtime, "/admin/profiles", async (req, requestId) => {
    const url = new URL(req.url);
    const limit = Math.min(1000, Math.max(1, integerParam(url, "limit", 100)));
    const offset = Math.max(0, integerParam(url, "offset", 0));
    const { profiles, total } = await listProfiles(runtime, { limit, offset });
    const body = profiles.map((p) => ({
      name: p.name,
      backend: p.backend,
      // SmarterRouter's flat fields, then everything measured
      reasoning: p.scores.reasoning ?? null,
      coding: p.scores.coding ?? null,
      creativity: p.scores.creative ?? null,
      factual: p.scores.factual ?? null,
      speed: p.speed,
      avg_response_time_ms: p.avgResponseTimeMs,
      last_profiled: p.lastProfiled?.toISOString() ?? null,
      scores: p.scores,
      score_provenance: p.scoreProvenance,
      tokens_per_second: p.tokensPerSecond,
      time_to_first_token_ms: p.timeToFirstTokenMs,
      load_time_ms: p.loadTimeMs,
      vision: p.vision,
      tool_calling: p.toolCalling,
      vram_required_gb: p.vramRequiredGb,
    }));
    return Response.json({ total, limit, offset, profiles: body }, { headers: gatewayHeaders({ requestId }) });
  });
}

function integerParam(url: URL, name: string, fallback: number): number {
  const raw = url.searchParams.get(name);
  if (raw === null) return fallback;
  if (!/^-?\d+$/.test(raw.trim())) throw new WireError(422, `'${name}' must be an integer`, name);
  return Number(raw);
}
