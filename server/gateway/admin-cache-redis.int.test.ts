import { afterAll, beforeAll, expect, it } from "vitest";
import type { SimConfigInput } from "../simulator/config";
import { startHarness, type Harness } from "./test-harness";

// POST /admin/cache/invalidate and GET /admin/stats with the caches in Redis, shared by two
// instances. The fleet's model names are this run's own, so removing one model's answers cannot
// touch what other tests cache in the same Redis (the full clear is tested on the store itself).

const ADMIN_KEY = "redis-cache-admin";
const redisUrl = process.env.TEST_REDIS_URL || "redis://127.0.0.1:6379";
const prefix = `rc${process.pid}x${Date.now()}-`;
const [ALPHA, BETA] = [`${prefix}alpha:7b`, `${prefix}beta:7b`];
const fleet: SimConfigInput = {
  seed: 3,
  timeScale: 0,
  models: [ALPHA, BETA].map((name) => ({ name, family: "llama", parameterSize: "7B", vramGb: 5, loadMs: 10, capabilities: ["completion" as const] })),
};
let a: Harness;
let b: Harness;

beforeAll(async () => {
  const env = (url: string) => ({ ROUTER_OLLAMA_URL: url, REDIS_URL: redisUrl, ROUTER_ADMIN_API_KEY: ADMIN_KEY });
  a = await startHarness({ sim: { config: fleet }, env });
  b = await startHarness({ env: () => env(a.sim.url) });
});
afterAll(async () => {
  for (const model of [ALPHA, BETA]) await a?.runtime.caches.invalidateResponses(model);
  await b?.close();
  await a?.close();
});

async function ask(harness: Harness, model: string) {
  const response = await fetch(`${harness.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ model, messages: [{ role: "user", content: "Name a prime number." }], seed: 5 }),
  });
  expect(response.status, await response.clone().text()).toBe(200);
  return (await response.json()).choices[0].message.content as string;
}

const admin = async (harness: Harness, method: string, path: string) =>
  (await fetch(`${harness.url}${path}`, { method, headers: { authorization: `Bearer ${ADMIN_KEY}` } })).json();
const fleetCalls = async () => (await a.received("/api/chat")).length;

it("removing one model's answers on one instance makes every instance ask that model again, and only that model", async () => {
  expect(a.runtime.caches.responses.kind).toBe("redis");
  await ask(a, ALPHA);
  await ask(a, BETA);
  await a.runtime.caches.settled(); // a stores an answer after it has sent it
  const calls = await fleetCalls();
  await ask(b, ALPHA);
  await ask(b, BETA);
  expect(await fleetCalls()).toBe(calls); // b answered both from a's entries

  expect(await admin(a, "POST", `/admin/cache/invalidate?model=${encodeURIComponent(ALPHA)}`)).toEqual({ invalidated: 1, model: ALPHA, response_cache_only: true });
  await ask(b, ALPHA);
  expect(await fleetCalls()).toBe(calls + 1);
  await ask(b, BETA);
  expect(await fleetCalls()).toBe(calls + 1);

  const stats = await admin(b, "GET", "/admin/stats");
  expect(stats).toMatchObject({ total_requests: 4, requests_by_model: { [ALPHA]: 2, [BETA]: 2 }, requests_by_category: {} });
  expect(stats.cache.response).toMatchObject({ max_size: null, hits: 3, misses: 1 });

  expect(await admin(a, "POST", `/admin/cache/invalidate?type=response&model=${encodeURIComponent(BETA)}`)).toMatchObject({ invalidated: 1, model: BETA });
  expect(await admin(a, "POST", `/admin/cache/invalidate?model=${encodeURIComponent(BETA)}`)).toMatchObject({ invalidated: 0 });
});
