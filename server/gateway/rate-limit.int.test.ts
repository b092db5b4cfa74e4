import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrateDatabase, openDatabase, type DatabaseHandle } from "../db";
import { sampleValue } from "../observability/test-metrics";
import { startHarness, type Harness } from "./test-harness";

// Rate limits over real HTTP: per client IP, separate /v1 and /admin buckets, and (with Redis)
// one limit for the whole cluster.

const ADMIN_KEY = "admin-secret";
let database: DatabaseHandle;
beforeAll(async () => {
  database = await openDatabase("memory://");
  await migrateDatabase(database);
});
afterAll(async () => database?.close());

const chat = (url: string, headers: Record<string, string> = {}) =>
  fetch(`${url}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify({ messages: [{ role: "user", content: "Say hi." }] }) });
const explain = (url: string) => fetch(`${url}/admin/explain?prompt=hello`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
const scrape = async (url: string) => (await fetch(`${url}/metrics`)).text();

describe("rate limits in memory", () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({
      database,
      env: (url) => ({ ROUTER_OLLAMA_URL: url, ROUTER_ADMIN_API_KEY: ADMIN_KEY, ROUTER_RATE_LIMIT_ENABLED: "true", ROUTER_RATE_LIMIT_REQUESTS_PER_MINUTE: "3", ROUTER_RATE_LIMIT_ADMIN_REQUESTS_PER_MINUTE: "2", ROUTER_TRUSTED_PROXIES: "127.0.0.1" }),
    });
  });
  afterAll(async () => harness?.close());

  it("refuses the 4th request in a minute with an OpenAI 429 and Retry-After, leaving admin untouched", async () => {
    const before = sampleValue(await scrape(harness.url), "smarterrouter_rate_limit_hits_total", { scope: "client", endpoint: "/v1/chat/completions" });
    const client = { "x-forwarded-for": "198.51.100.1" };
    const answers = [];
    for (let i = 0; i < 4; i += 1) answers.push(await chat(harness.url, client));
    expect(answers.map((answer) => answer.status)).toEqual([200, 200, 200, 429]);
    expect(answers.map((answer) => answer.headers.get("x-ratelimit-remaining"))).toEqual(["2", "1", "0", "0"]);
    expect(answers[0]?.headers.get("x-ratelimit-limit")).toBe("3");
    const refused = answers[3]!;
    const retryAfter = Number(refused.headers.get("retry-after"));
    expect(retryAfter).toBeGreaterThanOrEqual(1);
    expect(retryAfter).toBeLessThanOrEqual(60);
    const body = (await refused.json()) as { error: { type: string; message: string; code: string } };
    expect(body.error).toMatchObject({ type: "rate_limit_error", code: "rate_limit_exceeded" });
    expect(body.error.message).toMatch(/3 requests per minute/);
    const after = sampleValue(await scrape(harness.url), "smarterrouter_rate_limit_hits_total", { scope: "client", endpoint: "/v1/chat/completions" });
    expect(after - before).toBe(1);

    // the admin bucket is its own: chat traffic did not use it up
    const admin = [await explain(harness.url), await explain(harness.url), await explain(harness.url)];
    expect(admin.map((answer) => answer.status)).toEqual([200, 200, 429]);
    expect((await chat(harness.url, { "x-forwarded-for": "198.51.100.2" })).status).toBe(200); // another client
  });
});

describe("token limits", () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({
      database,
      env: (url) => ({ ROUTER_OLLAMA_URL: url, ROUTER_RATE_LIMIT_ENABLED: "true", ROUTER_RATE_LIMIT_TOKENS_PER_MINUTE: "40", ROUTER_TRUSTED_PROXIES: "127.0.0.1" }),
    });
  });
  afterAll(async () => harness?.close());

  it("lets a client in while it has token budget, charges what each answer used, then refuses with a 429", async () => {
    const client = { "x-forwarded-for": "198.51.100.7" };
    let used = 0;
    const statuses: number[] = [];
    for (let i = 0; i < 20 && used < 40; i++) {
      const response = await chat(harness.url, client);
      statuses.push(response.status);
      const body = (await response.json()) as { usage: { total_tokens: number } };
      used += body.usage.total_tokens;
    }
    expect(used).toBeGreaterThanOrEqual(40);
    expect(statuses.every((status) => status === 200)).toBe(true);
    const refused = await chat(harness.url, client);
    expect(refused.status).toBe(429);
    expect(Number(refused.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
    const body = (await refused.json()) as { error: { type: string; message: string } };
    expect(body.error.type).toBe("rate_limit_error");
    expect(body.error.message).toMatch(/40 tokens per minute/);
    expect(sampleValue(await scrape(harness.url), "smarterrouter_rate_limit_hits_total", { scope: "client_tokens", endpoint: "/v1/chat/completions" })).toBeGreaterThanOrEqual(1);
    expect((await chat(harness.url, { "x-forwarded-for": "198.51.100.8" })).status).toBe(200); // another client's budget is its own
  });
});

describe("rate limits in Redis, shared by instances", () => {
  const redisUrl = process.env.TEST_REDIS_URL || "redis://127.0.0.1:6379";

  it("holds one limit across two instances: 2N requests spread over both, exactly N succeed", async () => {
    const limit = 5;
    const rateLimitKeyPrefix = `smarterrouter-test:${process.pid}:${Date.now()}:`;
    const env = (url: string) => ({ ROUTER_OLLAMA_URL: url, REDIS_URL: redisUrl, ROUTER_RATE_LIMIT_ENABLED: "true", ROUTER_RATE_LIMIT_REQUESTS_PER_MINUTE: String(limit) });
    const a = await startHarness({ database, env, rateLimitKeyPrefix });
    const b = await startHarness({ database, env: () => env(a.sim.url), rateLimitKeyPrefix });
    try {
      // No offline queue: wait until both connections are up, else the limiter fails open.
      await Promise.all([a, b].map(({ runtime }) => (runtime.redis?.status === "ready" ? undefined : new Promise((resolve) => runtime.redis?.once("ready", resolve)))));
      expect(a.runtime.rateLimiter.kind).toBe("redis");
      const answers = await Promise.all(Array.from({ length: 2 * limit }, (_, i) => chat(i % 2 ? a.url : b.url)));
      const statuses = answers.map((answer) => answer.status);
      expect(statuses.filter((status) => status === 200)).toHaveLength(limit);
      expect(statuses.filter((status) => status === 429)).toHaveLength(limit);
    } finally {
      await b.close();
      await a.close();
    }
  });
});
