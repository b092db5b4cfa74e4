import type { Redis } from "ioredis";
import type { Logger } from "../observability/logger";

export type RateLimitDecision = { allowed: boolean; limit: number; remaining: number; /** ms until the window resets */ resetMs: number };

export type RateLimiter = {
  kind: "memory" | "redis";
  /**
   * Counts `amount` (default 1: one request; tokens for token limits) for `key` against `limit` per
   * `windowMs` (fixed window). `amount` 0 reads the count without adding to it.
   */
  hit: (key: string, limit: number, windowMs: number, amount?: number) => Promise<RateLimitDecision>;
};

const DEFAULT_MAX_KEYS = 100_000;

/**
 * Fixed-window counters in process memory. Memory is bounded: expired windows are swept when the
 * table is full, and if it is still full the oldest window is dropped (that client starts afresh,
 * which is the cheap failure mode compared to growing without bound as the original did).
 */
export function createMemoryRateLimiter(options: { maxKeys?: number; now?: () => number } = {}): RateLimiter & { size: () => number } {
  const maxKeys = options.maxKeys ?? DEFAULT_MAX_KEYS;
  const now = options.now ?? Date.now;
  const windows = new Map<string, { count: number; resetAt: number }>();
  let lastSweep = -Infinity;
  const makeRoom = (at: number) => {
    // A full sweep at most once a second, so a flood of new addresses cannot make every request O(n).
    if (at - lastSweep >= 1_000) {
      lastSweep = at;
      for (const [key, entry] of windows) if (entry.resetAt <= at) windows.delete(key);
    }
    while (windows.size >= maxKeys) {
      const oldest = windows.keys().next().value;
      if (oldest === undefined) break;
      windows.delete(oldest);
    }
  };
  return {
    kind: "memory",
    size: () => windows.size,
    hit: async (key, limit, windowMs, amount = 1) => {
      const at = now();
      let entry = windows.get(key);
      if (!entry || entry.resetAt <= at) {
        windows.delete(key);
        if (windows.size >= maxKeys) makeRoom(at);
        entry = { count: 0, resetAt: at + windowMs };
        windows.set(key, entry);
      }
      entry.count += amount;
      return { allowed: entry.count <= limit, limit, remaining: Math.max(0, limit - entry.count), resetMs: entry.resetAt - at };
    },
  };
}

// INCRBY and PEXPIRE in one script, so a crash between them cannot leave a key without a TTL.
const HIT_SCRIPT = `local count = redis.call('INCRBY', KEYS[1], ARGV[2])
if count == tonumber(ARGV[2]) then redis.call('PEXPIRE', KEYS[1], ARGV[1]) end
local ttl = redis.call('PTTL', KEYS[1])
if ttl < 0 then redis.call('PEXPIRE', KEYS[1], ARGV[1]); ttl = tonumber(ARGV[1]) end
return {count, ttl}`;

/**
 * Fixed-window counters in Redis, so the limit holds across every instance. When Redis fails the
 * request is allowed (fail open): an outage of the limiter must not become an outage of the router.
 */
export function createRedisRateLimiter(redis: Redis, options: { prefix?: string; logger: Logger }): RateLimiter {
  const prefix = options.prefix ?? "smarterrouter:ratelimit:";
  let lastWarning = -Infinity;
  let failures = 0;
  return {
    kind: "redis",
    hit: async (key, limit, windowMs, amount = 1) => {
      try {
        const [count, ttl] = (await redis.eval(HIT_SCRIPT, 1, `${prefix}${key}`, String(windowMs), String(Math.max(0, Math.round(amount))))) as [number, number];
        return { allowed: count <= limit, limit, remaining: Math.max(0, limit - count), resetMs: Math.max(0, ttl) };
      } catch (error) {
        failures += 1;
        // One line per 10 s with the count since the last one, not one per request during an outage.
        if (Date.now() - lastWarning >= 10_000) {
          options.logger.warn("rate limiter: redis failed, allowing requests unlimited", { error, failures });
          lastWarning = Date.now();
          failures = 0;
        }
        return { allowed: true, limit, remaining: limit, resetMs: windowMs };
      }
    },
  };
}
