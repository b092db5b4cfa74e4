import { adminEndpoint, boolParam } from "./admin-endpoint";
import { WireError } from "./wire/errors";

const TYPES = ["routing", "response"] as const;

/**
 * POST /admin/cache/invalidate. SmarterRouter's `model` and `response_cache_only` plus its
 * documented `type=routing|response` and `all=true`:
 * - `model` (or `response_cache_only=true`, or `type=response`): that model's cached answers, or
 *   every answer; the routing cache is kept.
 * - `type=routing`: every cached routing decision (they are not kept per model).
 * - `all=true`, or no parameter: both caches, with the counts in `cleared`.
 */
export const handleCacheInvalidate = adminEndpoint("/admin/cache/invalidate", async (request, runtime) => {
  const url = new URL(request.url);
  const model = url.searchParams.get("model") ?? undefined;
  if (model !== undefined && model.trim() === "") throw new WireError(400, "'model' must not be empty", "model");
  const type = url.searchParams.get("type") ?? undefined;
  if (type !== undefined && !TYPES.includes(type as (typeof TYPES)[number])) throw new WireError(400, "'type' must be routing or response", "type");
  const responseOnly = boolParam(url, "response_cache_only");
  const all = boolParam(url, "all");
  if (all && (model !== undefined || type !== undefined || responseOnly)) throw new WireError(400, "'all=true' clears both caches: do not combine it with model, type or response_cache_only", "all");
  if (type === "routing" && (model !== undefined || responseOnly)) {
    throw new WireError(400, "the routing cache is not kept per model: 'type=routing' takes no model or response_cache_only", "type");
  }

  const { caches } = runtime;
  if (type === "routing") {
    return Response.json({ invalidated: await caches.routing.clear(), model: null, response_cache_only: false, type });
  }
  if (model !== undefined || responseOnly || type === "response") {
    return Response.json({ invalidated: await caches.invalidateResponses(model), model: model ?? null, response_cache_only: true, ...(type ? { type } : {}) });
  }
  const cleared = await caches.clear();
  return Response.json({ invalidated: cleared.routing + cleared.responses, model: null, response_cache_only: false, cleared });
});
