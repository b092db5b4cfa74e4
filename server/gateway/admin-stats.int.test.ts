import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { migrateDatabase, openDatabase, type DatabaseHandle } from "../db";
import { startHarness, type Harness } from "./test-harness";

// GET /admin/stats and POST /admin/cache/invalidate over real HTTP against the simulated fleet,
// with the in-memory caches (the Redis store is covered in admin-cache-redis.int.test.ts).

const ADMIN_KEY = "stats-admin-key";
const CODING = "Write a TypeScript function that debounces another function, with unit tests.";
const MATH = "A train travels 240 km in 3 hours, then 180 km in 2 hours. What is its average speed over the whole trip? Show the steps.";
let database: DatabaseHandle;
let harness: Harness;

beforeAll(async () => {
  database = await openDatabase("memory://");
  await migrateDatabase(database);
});
afterAll(async () => {
  await database?.close();
});

async function start(env: Record<string, string> = {}) {
  harness = await startHarness({ database, env: (url) => ({ ROUTER_OLLAMA_URL: url, ROUTER_ADMIN_API_KEY: ADMIN_KEY, ...env }) });
}

async function ask(content: string) {
  const response = await fetch(`${harness.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model: "smarterrouter/main", messages: [{ role: "user", content }], temperature: 0 }),
  });
  expect(response.status).toBe(200);
  await response.json();
  return response.headers.get("x-smarterrouter-model");
}

async function admin(method: string, path: string, key: string | null = ADMIN_KEY) {
  const response = await fetch(`${harness.url}${path}`, { method, headers: key ? { authorization: `Bearer ${key}` } : {} });
  return { status: response.status, headers: response.headers, json: await response.json() };
}

const backendCalls = async () => (await harness.received("/api/chat")).length;

describe("GET /admin/stats", () => {
  afterEach(async () => harness?.close());

  it("counts this instance's requests by model and category, and the cache's hits", async () => {
    await start();
    expect(await ask(CODING)).toBe("qwen2.5-coder:14b");
    await ask(CODING); // the same deterministic request: answered from the response cache
    expect(await ask(MATH)).toBe("deepseek-r1:14b");
    await harness.runtime.knowledge.refresh(); // the fleet now reports both models loaded

    const { status, json } = await admin("GET", "/admin/stats");
    expect(status).toBe(200);
    expect(json).toMatchObject({
      total_requests: 3,
      total_errors: 0,
      requests_by_model: { "qwen2.5-coder:14b": 2, "deepseek-r1:14b": 1 },
      requests_by_category: { coding: 2, math: 1 },
      current_loaded_model: "deepseek-r1:14b",
    });
    expect(json.uptime_seconds).toBeGreaterThanOrEqual(0);
    expect(json.cache.response).toEqual({ size: 2, max_size: harness.runtime.config.ROUTER_CACHE_RESPONSE_MAX_SIZE, hits: 1, misses: 2, hit_rate: 1 / 3 });
    expect(json.cache.routing).toMatchObject({ size: 2, max_size: harness.runtime.config.ROUTER_CACHE_MAX_SIZE, hits: 1, misses: 2, similarity_hits: 0 });
  });

  it("counts a request no model could answer as an error", async () => {
    await start();
    await harness.setFaults([{ model: "*", status: 500, message: "boom" }]);
    const failed = await fetch(`${harness.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "smarterrouter/main", messages: [{ role: "user", content: CODING }] }),
    });
    expect(failed.status).toBe(502);
    await failed.text();
    const { json } = await admin("GET", "/admin/stats");
    expect(json).toMatchObject({ total_requests: 1, total_errors: 1, requests_by_category: { coding: 1 } });
  });

  it("shows no cache when caches are off, and nothing loaded before any request", async () => {
    await start({ ROUTER_CACHE_ENABLED: "false" });
    const { json } = await admin("GET", "/admin/stats");
    expect(json).toMatchObject({ total_requests: 0, requests_by_model: {}, requests_by_category: {}, cache: {}, current_loaded_model: null });
  });

  it("needs the admin key", async () => {
    await start();
    const missing = await admin("GET", "/admin/stats", null);
    expect(missing.status).toBe(401);
    expect(missing.headers.get("www-authenticate")).toBe("Bearer");
    expect(missing.json.error.message).toEqual(expect.any(String));
    expect((await admin("GET", "/admin/stats", "wrong")).status).toBe(401);
  });
});

describe("POST /admin/cache/invalidate", () => {
  beforeAll(() => start());
  afterAll(async () => harness?.close());
  beforeEach(async () => {
    await harness.runtime.caches.clear();
    await ask(CODING);
    await ask(MATH);
  });

  it("removes one model's answers: its next identical request goes to the model, the other's is still cached", async () => {
    const { status, json } = await admin("POST", `/admin/cache/invalidate?model=${encodeURIComponent("qwen2.5-coder:14b")}`);
    expect(status).toBe(200);
    expect(json).toEqual({ invalidated: 1, model: "qwen2.5-coder:14b", response_cache_only: true });
    const before = await backendCalls();
    await ask(CODING);
    expect(await backendCalls()).toBe(before + 1);
    await ask(MATH);
    expect(await backendCalls()).toBe(before + 1);
    expect(await harness.runtime.caches.routing.size()).toBe(2); // routing decisions kept
  });

  it("response_cache_only=true removes every answer and keeps the routing cache", async () => {
    const { json } = await admin("POST", "/admin/cache/invalidate?response_cache_only=true");
    expect(json).toEqual({ invalidated: 2, model: null, response_cache_only: true });
    expect(await harness.runtime.caches.responses.size()).toBe(0);
    expect(await harness.runtime.caches.routing.size()).toBe(2);
  });

  it("type=routing clears routing decisions only; type=response the answers only", async () => {
    expect((await admin("POST", "/admin/cache/invalidate?type=routing")).json).toEqual({ invalidated: 2, model: null, response_cache_only: false, type: "routing" });
    expect(await harness.runtime.caches.routing.size()).toBe(0);
    expect(await harness.runtime.caches.responses.size()).toBe(2);
    expect((await admin("POST", "/admin/cache/invalidate?type=response")).json).toEqual({ invalidated: 2, model: null, response_cache_only: true, type: "response" });
    expect(await harness.runtime.caches.responses.size()).toBe(0);
  });

  it.each(["?all=true", ""])("clears both caches with %j (SmarterRouter answered 500)", async (query) => {
    const { status, json } = await admin("POST", `/admin/cache/invalidate${query}`);
    expect(status).toBe(200);
    expect(json).toEqual({ invalidated: 4, model: null, response_cache_only: false, cleared: { routing: 2, responses: 2 } });
    const before = await backendCalls();
    await ask(MATH);
    expect(await backendCalls()).toBe(before + 1);
  });

  it.each([
    ["?type=everything", "type"],
    ["?all=maybe", "all"],
    ["?response_cache_only=yes", "response_cache_only"],
    ["?model=", "model"],
    ["?all=true&model=qwen2.5-coder:14b", "all"],
    ["?type=routing&model=qwen2.5-coder:14b", "type"],
  ])("answers %s with 400 naming %s, and removes nothing", async (query, param) => {
    const { status, json } = await admin("POST", `/admin/cache/invalidate${query}`);
    expect(status).toBe(400);
    expect(json.error).toMatchObject({ message: expect.any(String), type: "invalid_request_error", param });
    expect(await harness.runtime.caches.responses.size()).toBe(2);
  });

  it("needs the admin key", async () => {
    const { status, json } = await admin("POST", "/admin/cache/invalidate?all=true", null);
    expect(status).toBe(401);
    expect(json.error.message).toEqual(expect.any(String));
    expect(await harness.runtime.caches.responses.size()).toBe(2);
  });
});
