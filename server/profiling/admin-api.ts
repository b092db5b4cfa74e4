import { adminEndpoint, intParam } from "../gateway/admin-endpoint";
import { readJsonBody } from "../gateway/request-input";
import { errorResponse } from "../gateway/responses";
import { WireError } from "../gateway/wire/errors";
import type { Runtime } from "../runtime";
import { getJob, listProfiles, ProfilingInputError, startProfilingJob } from "./service";

// SmarterRouter's /admin profiling endpoints. Unlike the original, reprofile only queues a job and
// answers at once (202 with its id); GET /admin/profiling_status/{id} follows it.

function profilingInputError(error: unknown, requestId: string): Response | undefined {
  return error instanceof ProfilingInputError ? errorResponse(400, error.message, { requestId }) : undefined;
}

/** POST /admin/reprofile?force=true&models=a,b (or the same as a JSON body). */
export const handleReprofile = adminEndpoint(
  "/admin/reprofile",
  async (req, runtime) => {
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
    return Response.json({ job_id: job.id, task_id: job.id, status: job.status, models: job.models, force: job.force }, { status: 202 });
  },
  profilingInputError,
);

/** GET /admin/profiling_status/{id} */
export function handleProfilingStatus(request: Request, runtime: Runtime, id: string): Promise<Response> {
  const endpoint = adminEndpoint(
    "/admin/profiling_status/{id}",
    async (_req, rt, requestId) => {
      const job = await getJob(rt, id);
      return job ? Response.json(job) : errorResponse(404, `No profiling job ${id}`, { requestId });
    },
    profilingInputError,
  );
  return endpoint(request, runtime);
}

/** GET /admin/profiles?limit=&offset= (limit clamped to 1…1000, offset ≥ 0, as the original). */
export const handleProfiles = adminEndpoint("/admin/profiles", async (req, runtime) => {
    const url = new URL(req.url);
    const limit = intParam(url, "limit", 100, 1, 1000);
    const offset = intParam(url, "offset", 0, 0, Number.MAX_SAFE_INTEGER);
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
    return Response.json({ total, limit, offset, profiles: body });
});
