import { trace } from "@opentelemetry/api";
import { recordRateLimitHit, type RateLimitScopeLabel } from "../observability/metrics";
import type { Runtime } from "../runtime";
import { errorResponse } from "./responses";
import { requestIdFor } from "./request-input";

// Token limits (ROUTER_RATE_LIMIT_TOKENS_PER_MINUTE): a budget of prompt + completion tokens per
// minute for each client IP and each API key. Usage is known only when the answer ends, so a
// request is let in while its buckets have budget left, and its tokens are charged when it is done
// (the request that crosses the limit completes; the next one is refused).

const WINDOW_MS = 60_000;

/** What a request is accounted under: its client API key and the token buckets it draws on. */
export type RequestAccount = { keyId?: string; tokenBuckets: string[] };

const accounts = new WeakMap<Request, RequestAccount>();

export function accountOf(request: Request): RequestAccount | undefined {
  return accounts.get(request);
}

export function accountFor(request: Request): RequestAccount {
  let account = accounts.get(request);
  if (!account) accounts.set(request, (account = { tokenBuckets: [] }));
  return account;
}

/** Undefined when the bucket has tokens left (or token limits are off), else the 429 to answer. */
export async function checkTokenBudget(request: Request, runtime: Runtime, bucket: { scope: "client" | "api_key"; id: string; endpoint: string }): Promise<Response | undefined> {
  const { config } = runtime;
  const limit = config.ROUTER_RATE_LIMIT_TOKENS_PER_MINUTE;
  if (!config.ROUTER_RATE_LIMIT_ENABLED || limit === undefined || bucket.endpoint !== "/v1/chat/completions") return undefined;
  const key = `tokens:${bucket.scope}:${bucket.id}`;
  const decision = await runtime.rateLimiter.hit(key, limit, WINDOW_MS, 0);
  if (decision.remaining > 0) {
    accountFor(request).tokenBuckets.push(key);
    return undefined;
  }
  const resetSeconds = Math.max(1, Math.ceil(decision.resetMs / 1000));
  const scope: RateLimitScopeLabel = bucket.scope === "client" ? "client_tokens" : "api_key_tokens";
  recordRateLimitHit(scope, bucket.endpoint);
  trace.getActiveSpan()?.addEvent("rate_limit.rejected", { "smarterrouter.rate_limit.scope": scope, "smarterrouter.rate_limit.limit": limit });
  return errorResponse(429, `Token rate limit reached: ${limit} tokens per minute. Retry after ${resetSeconds} s.`, {
    requestId: requestIdFor(request),
    code: "rate_limit_exceeded",
    headers: { "retry-after": String(resetSeconds), "x-ratelimit-limit-tokens": String(limit), "x-ratelimit-remaining-tokens": "0" },
  });
}

/** Charges a finished request's tokens to every bucket it drew on (off the response path). */
export function chargeTokens(account: RequestAccount | undefined, runtime: Runtime, tokens: number): void {
  const limit = runtime.config.ROUTER_RATE_LIMIT_TOKENS_PER_MINUTE;
  if (!account?.tokenBuckets.length || limit === undefined || tokens <= 0) return;
  for (const key of account.tokenBuckets) void runtime.rateLimiter.hit(key, limit, WINDOW_MS, tokens).catch(() => undefined);
}
