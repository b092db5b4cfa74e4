import { trace } from "@opentelemetry/api";
import { resolveClientIp } from "../limits/client-ip";
import { recordRateLimitHit } from "../observability/metrics";
import type { Runtime } from "../runtime";
import { errorResponse, withHeaders } from "./responses";
import { requestIdFor } from "./request-input";
import { withClientKey } from "./client-key";
import { checkTokenBudget } from "./token-limit";

export type RateLimitScope = "client" | "admin";

const WINDOW_MS = 60_000;

/**
 * Runs `handler` unless the client has used up its allowance for this scope. /v1 and /admin have
 * separate buckets (the original shared one list, so chat traffic locked a client out of admin).
 * Answers carry X-RateLimit-* headers; a refusal is an OpenAI-shaped 429 with Retry-After.
 */
export async function withRateLimit(request: Request, runtime: Runtime, target: { scope: RateLimitScope; endpoint: string }, handler: () => Promise<Response>): Promise<Response> {
  const { config } = runtime;
  // /v1 requests also pass the client API key check (and its own bucket) once past the IP limit.
  const guarded = target.scope === "client" ? () => withClientKey(request, runtime, target.endpoint, handler) : handler;
  if (!config.ROUTER_RATE_LIMIT_ENABLED) return guarded();
  const limit = target.scope === "admin" ? config.ROUTER_RATE_LIMIT_ADMIN_REQUESTS_PER_MINUTE : config.ROUTER_RATE_LIMIT_REQUESTS_PER_MINUTE;
  const client = resolveClientIp(request.headers.get("x-forwarded-for"), runtime.trustedProxies);
  const decision = await runtime.rateLimiter.hit(`${target.scope}:${client}`, limit, WINDOW_MS);
  const resetSeconds = Math.max(1, Math.ceil(decision.resetMs / 1000));
  const headers = {
    "x-ratelimit-limit": String(decision.limit),
    "x-ratelimit-remaining": String(decision.remaining),
    "x-ratelimit-reset": String(resetSeconds),
  };
  if (!decision.allowed) {
    recordRateLimitHit(target.scope, target.endpoint);
    trace.getActiveSpan()?.addEvent("rate_limit.rejected", { "smarterrouter.rate_limit.scope": target.scope, "smarterrouter.rate_limit.limit": limit });
    return errorResponse(429, `Rate limit reached: ${limit} requests per minute. Retry after ${resetSeconds} s.`, {
      requestId: requestIdFor(request),
      code: "rate_limit_exceeded",
      headers: { ...headers, "retry-after": String(resetSeconds) },
    });
  }
  if (target.scope === "client") {
    const overBudget = await checkTokenBudget(request, runtime, { scope: "client", id: client, endpoint: target.endpoint });
    if (overBudget) return overBudget;
  }
  return withHeaders(await guarded(), headers);
}
