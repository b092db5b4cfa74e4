import { desc, eq } from "drizzle-orm";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { writeRoutingSettings } from "../config/live-settings";
import { migrateDatabase, openDatabase, type DatabaseHandle } from "../db";
import { routingDecisions, settings } from "../db/schema";
import { startHarness, type Harness } from "./test-harness";

// Routing on the simulated fleet, end to end: the right model for the request, explained, logged,
// cached where that is correct, and tuned live.

const ADMIN_KEY = "test-admin-key";
let database: DatabaseHandle;
let harness: Harness;

beforeAll(async () => {
  database = await openDatabase("memory://");
  await migrateDatabase(database);
  harness = await startHarness({ database, env: (url) => ({ ROUTER_OLLAMA_URL: url, ROUTER_ADMIN_API_KEY: ADMIN_KEY, ROUTER_LOG_PROMPTS: "true" }) });
});
afterAll(async () => {
  await harness?.close();
  await database?.close();
});
beforeEach(async () => {
  await database.db.delete(settings);
  await harness.runtime.knowledge.refresh();
  await harness.runtime.caches.clear();
});

async function chat(body: Record<string, unknown>) {
  const response = await fetch(`${harness.url}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const json = await response.json();
  return { status: response.status, model: response.headers.get("x-smarterrouter-model"), category: response.headers.get("x-smarterrouter-category"), json };
}
const ask = (content: unknown, extra: Record<string, unknown> = {}) => chat({ model: "smarterrouter/main", messages: [{ role: "user", content }], ...extra });

const PIXEL = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";
const TOOL = { type: "function", function: { name: "lookup_order", parameters: { type: "object", properties: { id: { type: "string" } } } } };

describe("the right model for the request", () => {
  it("sends coding prompts to the coder model", async () => {
    const result = await ask("Write a TypeScript function that debounces another function, with unit tests.");
    expect(result.category).toBe("coding");
    expect(result.model).toBe("qwen2.5-coder:14b");
  });

  it.each([
    ["math", "A train travels 240 km in 3 hours, then 180 km in 2 hours. What is its average speed over the whole trip? Show the steps."],
    ["reasoning", "Alice is taller than Bob, and Bob is taller than Carol. Dan is shorter than Carol. Who is the second tallest? Explain your reasoning step by step."],
  ])("sends %s prompts to the reasoning model", async (category, prompt) => {
    const result = await ask(prompt);
    expect(result.category).toBe(category);
    expect(result.model).toBe("deepseek-r1:14b");
  });

  it("sends image prompts only to the vision model", async () => {
    const result = await ask([
      { type: "text", text: "What is in this picture?" },
      { type: "image_url", image_url: { url: `data:image/png;base64,${PIXEL}` } },
    ]);
    expect(result.status).toBe(200);
    expect(result.model).toBe("qwen2.5vl:7b");
  });

  it("sends tool requests only to tool-capable models", async () => {
    const toolModels = ["llama3.2:3b", "llama3.1:8b", "qwen2.5-coder:14b", "mistral-nemo:12b"];
    for (const prompt of ["Where is order 1234?", "Please check the status of my order A-77 and tell me when it ships."]) {
      const result = await ask(prompt, { tools: [TOOL] });
      expect(toolModels).toContain(result.model);
    }
  });

  it("moves a simple prompt from a small fast model to a large strong one as the quality preference goes from 0 to 1", async () => {
    const size = (model: string | null) => Number(/(\d+(?:\.\d+)?)b/.exec(model ?? "")?.[1]);
    await writeRoutingSettings(database, { qualityPreference: 0 }, "test");
    await harness.runtime.knowledge.refresh();
    const fast = await ask("Give me a synonym for happy.");
    await writeRoutingSettings(database, { qualityPreference: 1 }, "test");
    await harness.runtime.knowledge.refresh();
    await harness.runtime.caches.clear();
    const strong = await ask("Give me a synonym for happy.");
    expect(size(fast.model)).toBeLessThanOrEqual(8);
    expect(size(strong.model)).toBeGreaterThanOrEqual(12);
  });

  it("obeys an operator's disabled and pinned overrides without a restart", async () => {
    await writeRoutingSettings(database, { overrides: { "qwen2.5-coder:14b": { disabled: true } } }, "test");
    await harness.runtime.knowledge.refresh();
    const result = await ask("Fix this Python bug: def add(a, b): return a - b");
    expect(result.model).not.toBe("qwen2.5-coder:14b");
  });

  it("answers 400 saying why when no model can serve the request", async () => {
    await writeRoutingSettings(database, { overrides: { "qwen2.5vl:7b": { disabled: true } } }, "test");
    await harness.runtime.knowledge.refresh();
    const result = await ask([{ type: "image_url", image_url: { url: `data:image/png;base64,${PIXEL}` } }]);
    expect(result.status).toBe(400);
    expect(result.json.error.message).toMatch(/vision/i);
  });
});

describe("decisions", () => {
  it("logs every candidate with its score components, the attempts and the prompt when opted in", async () => {
    const result = await ask("Write a limerick about a cat who codes.");
    await harness.runtime.decisions.flush();
    const [row] = await database.db.select().from(routingDecisions).where(eq(routingDecisions.responseId, result.json.id));
    expect(row.selectedModel).toBe(result.model);
    expect(row.category).toBe(result.category);
    expect(row.categoryConfidence).toBeGreaterThan(0);
    expect(row.candidates.length).toBeGreaterThanOrEqual(7);
    expect(row.candidates[0].parts).toBeTruthy();
    expect(row.candidates.some((candidate) => candidate.excluded)).toBe(true); // the embedding model
    expect(row.attempts).toEqual([expect.objectContaining({ model: result.model, ok: true })]);
    expect(row.prompt).toContain("limerick");
  });
});

describe("GET/POST /admin/explain", () => {
  const explain = (init: RequestInit & { query?: string } = {}) => fetch(`${harness.url}/admin/explain${init.query ?? ""}`, init);

  it("requires the admin key", async () => {
    expect((await explain({ query: "?prompt=hi" })).status).toBe(401);
    expect((await explain({ query: "?prompt=hi", headers: { authorization: "Bearer wrong" } })).status).toBe(401);
  });

  it("explains a prompt: category, complexity, capabilities and every candidate's components", async () => {
    const response = await explain({ query: `?prompt=${encodeURIComponent("Prove that the square root of 2 is irrational.")}`, headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body).toMatchObject({ selected_model: expect.any(String), category: expect.any(String), complexity_tier: expect.stringMatching(/simple|medium|hard/) });
    expect(body.candidates[0].model).toBe(body.selected_model);
    const scores = body.candidates.filter((c: { rejected_reason: string | null }) => !c.rejected_reason).map((c: { score: number }) => c.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(Object.keys(body.candidates[0].components).length).toBeGreaterThan(1);
    expect(body.candidates.find((c: { model: string }) => c.model === "nomic-embed-text:latest").rejected_reason).toBeTruthy();
  });

  it("explains a whole chat request and has no side effects", async () => {
    const before = { ...harness.runtime.caches.routingStats };
    const rows = async () => (await database.db.select().from(routingDecisions).orderBy(desc(routingDecisions.id))).length;
    const rowsBefore = await rows();
    const response = await explain({
      method: "POST",
      headers: { authorization: `Bearer ${ADMIN_KEY}`, "content-type": "application/json" },
      body: JSON.stringify({ messages: [{ role: "user", content: [{ type: "text", text: "Describe this" }, { type: "image_url", image_url: { url: `data:image/png;base64,${PIXEL}` } }] }] }),
    });
    const body = await response.json();
    expect(body.capabilities.vision).toBe(true);
    expect(body.selected_model).toBe("qwen2.5vl:7b");
    await harness.runtime.decisions.flush();
    expect(await rows()).toBe(rowsBefore);
    expect(harness.runtime.caches.routingStats).toEqual(before);
    expect((await harness.received("/api/chat")).filter((r) => JSON.stringify(r.body).includes("Describe this"))).toEqual([]);
  });
});

describe("caches", () => {
  it("reuses a routing decision for the same conversation, not for a different one", async () => {
    const stats = harness.runtime.caches.routingStats;
    const hits = stats.hits;
    await ask("Tell me a fun fact about octopuses.");
    await ask("Tell me a fun fact about octopuses.");
    expect(stats.hits).toBe(hits + 1);
    await chat({ messages: [{ role: "user", content: "Tell me a fun fact about octopuses." }, { role: "assistant", content: "They have three hearts." }, { role: "user", content: "Another?" }] });
    expect(stats.hits).toBe(hits + 1);
  });

  it("answers a repeated deterministic request from the response cache, and never a tool request", async () => {
    await fetch(`${harness.sim.url}/__sim/requests`, { method: "DELETE" });
    const first = await ask("Name a prime number.", { temperature: 0 });
    const second = await ask("Name a prime number.", { temperature: 0 });
    expect(second.json.choices[0].message.content).toBe(first.json.choices[0].message.content);
    expect(second.json.id).not.toBe(first.json.id);
    expect((await harness.received("/api/chat")).length).toBe(1);
    await ask("Name a prime number.", { temperature: 0.7 });
    await ask("Where is order 9?", { temperature: 0, tools: [TOOL] });
    await ask("Where is order 9?", { temperature: 0, tools: [TOOL] });
    expect((await harness.received("/api/chat")).length).toBe(4);
  });
});

describe("caches in Redis, shared by instances", () => {
  const redisUrl = process.env.TEST_REDIS_URL || "redis://127.0.0.1:6379";

  it("lets a second instance answer from the first one's response cache", async () => {
    const env = (url: string) => ({ ROUTER_OLLAMA_URL: url, REDIS_URL: redisUrl });
    const a = await startHarness({ database, env });
    const b = await startHarness({ database, env: () => env(a.sim.url) });
    try {
      await a.runtime.caches.clear();
      expect(a.runtime.caches.responses.kind).toBe("redis");
      const body = JSON.stringify({ messages: [{ role: "user", content: `Shared cache check ${Date.now()}` }], seed: 11 });
      const post = (url: string) => fetch(`${url}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json" }, body }).then((r) => r.json());
      const fromA = await post(a.url);
      const fromB = await post(b.url);
      expect(fromB.choices[0].message.content).toBe(fromA.choices[0].message.content);
      expect(b.runtime.caches.responseStats.hits).toBe(1);
      expect((await a.received("/api/chat")).length).toBe(1);
    } finally {
      await b.close();
      await a.close();
    }
  });
});
