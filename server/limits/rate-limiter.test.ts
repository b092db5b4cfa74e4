import { describe, expect, it } from "vitest";
import type { Redis } from "ioredis";
import { createLogger } from "../observability/logger";
import { createMemoryRateLimiter, createRedisRateLimiter } from "./rate-limiter";

describe("createMemoryRateLimiter", () => {
  it("allows `limit` hits per window, then refuses until the window resets", async () => {
    let now = 1_000;
    const limiter = createMemoryRateLimiter({ now: () => now });
    const hits = [];
    for (let i = 0; i < 4; i += 1) hits.push(await limiter.hit("a", 3, 60_000));
    expect(hits.map((hit) => hit.allowed)).toEqual([true, true, true, false]);
    expect(hits.map((hit) => hit.remaining)).toEqual([2, 1, 0, 0]);
    now += 30_000;
    expect(await limiter.hit("a", 3, 60_000)).toMatchObject({ allowed: false, resetMs: 30_000 });
    now += 30_000;
    expect(await limiter.hit("a", 3, 60_000)).toMatchObject({ allowed: true, remaining: 2, resetMs: 60_000 });
  });

  it("counts an amount (tokens), and reads without counting when the amount is 0", async () => {
    const limiter = createMemoryRateLimiter();
    expect(await limiter.hit("tokens", 100, 60_000, 0)).toMatchObject({ allowed: true, remaining: 100 });
    expect(await limiter.hit("tokens", 100, 60_000, 60)).toMatchObject({ allowed: true, remaining: 40 });
    expect(await limiter.hit("tokens", 100, 60_000, 0)).toMatchObject({ remaining: 40 });
    expect(await limiter.hit("tokens", 100, 60_000, 60)).toMatchObject({ allowed: false, remaining: 0 });
  });

  it("keeps separate keys apart", async () => {
    const limiter = createMemoryRateLimiter();
    expect((await limiter.hit("client:1.1.1.1", 1, 60_000)).allowed).toBe(true);
    expect((await limiter.hit("admin:1.1.1.1", 1, 60_000)).allowed).toBe(true);
    expect((await limiter.hit("client:1.1.1.1", 1, 60_000)).allowed).toBe(false);
  });

  it("never tracks more than maxKeys clients: expired windows go first, then the oldest", async () => {
    let now = 0;
    const limiter = createMemoryRateLimiter({ maxKeys: 100, now: () => now });
    for (let i = 0; i < 100; i += 1) await limiter.hit(`old-${i}`, 5, 1_000);
    now = 500;
    for (let i = 0; i < 1_000; i += 1) await limiter.hit(`new-${i}`, 5, 1_000);
    expect(limiter.size()).toBe(100);
    now = 2_000;
    await limiter.hit("late", 5, 1_000);
    expect(limiter.size()).toBeLessThanOrEqual(100);
  });
});

describe("createRedisRateLimiter", () => {
  it("fails open when Redis fails, logging a warning", async () => {
    const lines: string[] = [];
    const logger = createLogger({ level: "WARNING", format: "text", write: (line: string) => lines.push(line) });
    const broken = { eval: () => Promise.reject(new Error("connection refused")) } as unknown as Redis;
    const limiter = createRedisRateLimiter(broken, { logger });
    expect(await limiter.hit("client:1.1.1.1", 1, 60_000)).toMatchObject({ allowed: true, remaining: 1 });
    expect(await limiter.hit("client:1.1.1.1", 1, 60_000)).toMatchObject({ allowed: true });
    expect(lines.filter((line) => /redis failed/.test(line))).toHaveLength(1); // throttled, not one per request
  });
});
