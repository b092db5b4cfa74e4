import { trace } from "@opentelemetry/api";
import { API_KEY_PREFIX, type VerifiedKey } from "../auth/api-keys";
import { bearerToken } from "../auth/bearer";
import { recordApiKeyRejection, recordRateLimitHit } from "../observability/metrics";
import type { Runtime } from "../runtime";
import { errorResponse } from "./responses";
import { requestIdFor } from "./request-input";
import { accountFor, checkTokenBudget } from "./token-limit";

const WINDOW_MS = 60_000;

/**
 * With ROUTER_REQUIRE_API_KEY, /v1/* needs `Authorization: Bearer sr-…`: a missing, unknown or
 * revoked key gets an OpenAI-shaped 401 (as OpenAI answers `invalid_api_key`). Each key then has its
 * own bucket: its own limit when set, else ROUTER_RATE_LIMIT_REQUESTS_PER_MINUTE when rate limits are
 * on. The request is counted in the key's usage totals; tokens are added from its decision row.
 * Without it, a valid key is still attributed (usage, its own limit); no key or any other is served.
 */
export async function withClientKey(request: Request, runtime: Runtime, endpoint: string, handler: () => Promise<Response>): Promise<Response> {
  const { config } = runtime;
  const secret = bearerToken(request)?.trim();
  if (!config.ROUTER_REQUIRE_API_KEY) {
    // Accepted but not required: a client key that verifies still gets its usage and its limit;
    // anything else is served as before (many OpenAI clients send a placeholder key).
    if (!secret?.startsWith(API_KEY_PREFIX)) return handler();
    const check = await runtime.apiKeys.verify(secret);
    return check.ok ? serveWithKey(request, runtime, endpoint, check.key, handler) : handler();
  }
  const requestId = requestIdFor(request);
  const check = secret === undefined ? ({ ok: false, reason: "missing" } as const) : await runtime.apiKeys.verify(secret);
  if (!check.ok) {
    if (check.reason === "unavailable") {
      return errorResponse(503, "Cannot check the API key right now: the key store is unavailable. Retry shortly.", { requestId, headers: { "retry-after": "5" } });
    }
    recordApiKeyRejection(check.reason);
    const message =
      check.reason === "missing"
        ? "You didn't provide an API key. Send it as Authorization: Bearer <key> (keys are created in the console)."
        : check.reason === "revoked"
          ? "This API key has been revoked."
          : "Incorrect API key provided.";
    return errorResponse(401, message, { requestId, code: "invalid_api_key", headers: { "www-authenticate": 'Bearer realm="smarterrouter"' } });
  }
  return serveWithKey(request, runtime, endpoint, check.key, handler);
}

async function serveWithKey(request: Request, runtime: Runtime, endpoint: string, key: VerifiedKey, handler: () => Promise<Response>): Promise<Response> {
  const { config } = runtime;
  const requestId = requestIdFor(request);
  const limit = key.rateLimitPerMinute ?? (config.ROUTER_RATE_LIMIT_ENABLED ? config.ROUTER_RATE_LIMIT_REQUESTS_PER_MINUTE : undefined);
  if (limit !== undefined) {
    const decision = await runtime.rateLimiter.hit(`key:${key.id}`, limit, WINDOW_MS);
    if (!decision.allowed) {
      const resetSeconds = Math.max(1, Math.ceil(decision.resetMs / 1000));
      recordRateLimitHit("api_key", endpoint);
      trace.getActiveSpan()?.addEvent("rate_limit.rejected", { "smarterrouter.rate_limit.scope": "api_key", "smarterrouter.rate_limit.limit": limit });
      return errorResponse(429, `Rate limit reached for this API key: ${limit} requests per minute. Retry after ${resetSeconds} s.`, {
        requestId,
        code: "rate_limit_exceeded",
        headers: { "retry-after": String(resetSeconds), "x-ratelimit-limit": String(limit), "x-ratelimit-remaining": "0", "x-ratelimit-reset": String(resetSeconds) },
      });
    }
  }
  const overBudget = await checkTokenBudget(request, runtime, { scope: "api_key", id: key.id, endpoint });
  if (overBudget) return overBudget;
  // The decision row carries the key: that is where its token totals come from.
  accountFor(request).keyId = key.id;
  runtime.apiKeyUsage.add(key.id, { requests: 1 });
  return handler();
}
