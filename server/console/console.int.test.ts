import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeEffectiveConfig } from "../config/effective-config";
import { parseConfig } from "../config/env";
import { migrateDatabase, type DatabaseHandle } from "../db";
import { TEST_DATABASE_KINDS } from "../db/test-databases";
import { startHarness, type Harness } from "../gateway/test-harness";
import { listDecisions, readDecision } from "./decisions";
import { listFeedback } from "./feedback";
import { listConsoleModels, setModelOverride } from "./models";
import { readOverview } from "./overview";
import { explainPlayground, readConsoleRoutingSettings, saveRoutingSettings, whatIf } from "./routing";

// The console's domain functions over a real decision log, written by real requests to the fleet.

const CODING = "Write a TypeScript function that debounces another function, with unit tests.";
const SIMPLE = "Give me a synonym for happy.";

describe.each(TEST_DATABASE_KINDS)("console views on $kind", ({ open }) => {
  let database: DatabaseHandle;
  let drop: () => Promise<void>;
  let harness: Harness;
  const ask = async (content: string) => {
    const response = await fetch(`${harness.url}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ model: "smarterrouter/main", messages: [{ role: "user", content }] }) });
    expect(response.status).toBe(200);
    return { model: response.headers.get("x-smarterrouter-model")!, id: ((await response.json()) as { id: string }).id };
  };

  beforeAll(async () => {
    ({ database, drop } = await open());
    await migrateDatabase(database);
    harness = await startHarness({ database });
    const coding = await ask(CODING);
    await ask(SIMPLE);
    await ask("What is the capital of Australia?");
    await fetch(`${harness.url}/v1/feedback`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ response_id: coding.id, score: -1, comment: "wrong" }) });
    await harness.runtime.decisions.flush();
  });
  afterAll(async () => {
    await harness?.close();
    await database?.close();
    await drop?.();
  });

  it("overview counts the window's requests by category and model, with latency percentiles", async () => {
    const overview = await readOverview(harness.runtime, { windowMinutes: 15 });
    expect(overview.requests).toBe(3);
    expect(overview.errorRatio).toBe(0);
    expect(overview.byCategory.find((row) => row.name === "coding")?.count).toBe(1);
    expect(overview.byModel.find((row) => row.name === "qwen2.5-coder:14b")?.count).toBe(1);
    expect(overview.latencyMs.p95).toBeGreaterThanOrEqual(overview.latencyMs.p50 ?? Infinity);
    expect(overview.perMinute.reduce((sum, point) => sum + point.requests, 0)).toBe(3);
    expect(overview.dashboards[0].url).toBe("http://localhost:3000/d/smarterrouter-overview");
  });

  it("overview's VRAM panel shows what the manager sees resident, with sizes, and no budget when none is known", async () => {
    await harness.runtime.vram.sampleNow();
    const { vram } = await readOverview(harness.runtime, { windowMinutes: 15 });
    const coder = vram.loaded.find((model) => model.name === "qwen2.5-coder:14b");
    expect(coder).toMatchObject({ key: "ollama/qwen2.5-coder:14b", pinned: false });
    expect(coder?.vramGb).toBeGreaterThan(5);
    expect(vram.allocatedGb).toBeCloseTo(vram.loaded.reduce((sum, model) => sum + model.vramGb, 0), 1);
    expect(vram).toMatchObject({ budgetGb: null, budgetSource: "none", budgetUtilizationPct: null, warnings: [] });
  });

  it("decisions are filtered and paginated in the database, newest first", async () => {
    const first = await listDecisions(harness.runtime, { page: 1, pageSize: 2 });
    const second = await listDecisions(harness.runtime, { page: 2, pageSize: 2 });
    expect([first.total, first.rows.length, second.rows.length]).toEqual([3, 2, 1]);
    expect(first.rows[0].createdAt >= first.rows[1].createdAt).toBe(true);
    const coding = await listDecisions(harness.runtime, { page: 1, pageSize: 10, category: "coding" });
    expect(coding.rows.map((row) => row.selectedModel)).toEqual(["qwen2.5-coder:14b"]);
    expect((await listDecisions(harness.runtime, { page: 1, pageSize: 10, outcome: "error" })).total).toBe(0);
    expect((await listDecisions(harness.runtime, { page: 1, pageSize: 10, fallback: true })).total).toBe(0);
    expect((await listDecisions(harness.runtime, { page: 1, pageSize: 10, from: new Date(Date.now() + 60_000) })).total).toBe(0);
    const detail = await readDecision(harness.runtime, coding.rows[0].id);
    expect(detail?.candidates.length).toBeGreaterThan(1);
    expect(detail?.traceUrl).toBeNull();
    expect(await readDecision(harness.runtime, 999_999)).toBeNull();
  });

  it("feedback lists recent ratings and per-model aggregates", async () => {
    const feedback = await listFeedback(harness.runtime, { page: 1, pageSize: 10 });
    expect(feedback.rows).toMatchObject([{ model: "qwen2.5-coder:14b", score: -1, comment: "wrong" }]);
    expect(feedback.aggregates).toMatchObject([{ model: "qwen2.5-coder:14b", count: 1, mean: -1, negative: 1 }]);
  });

  it("the playground follows edited, unsaved settings; the what-if counts the picks that would change", async () => {
    const fast = await explainPlayground(harness.runtime, { messages: [{ role: "user", content: SIMPLE }], settings: { qualityPreference: 0 } });
    const strong = await explainPlayground(harness.runtime, { messages: [{ role: "user", content: SIMPLE }], settings: { qualityPreference: 1 } });
    expect(fast.selected_model).not.toBe(strong.selected_model);
    expect(strong.candidates[0].components).toHaveProperty("quality");

    expect(await whatIf(harness.runtime, { last: 100, settings: {} })).toMatchObject({ considered: 3, changed: 0, transitions: [] });
    const withoutCoder = await whatIf(harness.runtime, { last: 100, settings: { overrides: { "qwen2.5-coder:14b": { disabled: true } } } });
    expect(withoutCoder.changed).toBe(1);
    expect(withoutCoder.transitions[0].change).toMatch(/^qwen2\.5-coder:14b → /);
    expect((await whatIf(harness.runtime, { last: 1, settings: {} })).considered).toBe(1);
  });

  it("the fallback count is live: with 0 a failing model is not replaced, with 1 it is", async () => {
    const chosen = (await explainPlayground(harness.runtime, { messages: [{ role: "user", content: CODING }] })).selected_model!;
    await harness.runtime.caches.clear();
    await saveRoutingSettings(harness.runtime, { maxFallbacks: 0 }, "test");
    await harness.setFaults([{ model: chosen, path: "/api/chat", status: 500, count: 1 }]);
    const failed = await fetch(`${harness.url}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ model: "smarterrouter/main", messages: [{ role: "user", content: CODING }] }) });
    expect(failed.status).toBeGreaterThanOrEqual(500);
    await saveRoutingSettings(harness.runtime, { maxFallbacks: 1 }, "test");
    await harness.setFaults([{ model: chosen, path: "/api/chat", status: 500, count: 1 }]);
    const rescued = await ask(CODING);
    expect(rescued.model).not.toBe(chosen);
    await harness.setFaults([]);
  });

  it("model overrides merge per model, apply at once, and vanish when cleared", async () => {
    await setModelOverride(harness.runtime, "qwen2.5-coder:14b", { pinned: true }, "test");
    await setModelOverride(harness.runtime, "qwen2.5-coder:14b", { scoreAdjustment: -0.5, reason: "too slow" }, "test");
    let coder = (await listConsoleModels(harness.runtime)).find((model) => model.name === "qwen2.5-coder:14b");
    expect(coder?.override).toEqual({ pinned: true, scoreAdjustment: -0.5, reason: "too slow" });
    expect(coder?.scores.coding.feedback).toMatchObject({ value: -1, count: 1 });

    await setModelOverride(harness.runtime, "qwen2.5-coder:14b", { disabled: true }, "test");
    await harness.runtime.caches.clear();
    expect((await ask(CODING)).model).not.toBe("qwen2.5-coder:14b");

    await setModelOverride(harness.runtime, "qwen2.5-coder:14b", { disabled: false, pinned: false, scoreAdjustment: null }, "test");
    coder = (await listConsoleModels(harness.runtime)).find((model) => model.name === "qwen2.5-coder:14b");
    expect(coder?.override).toEqual({});
  });

  it("the cache switch is live on every instance sharing the database: off, the next identical request misses both caches; on again, it hits", async () => {
    const other = await startHarness({ database });
    try {
      const request = { model: "smarterrouter/main", messages: [{ role: "user", content: "Name a prime number below ten." }], temperature: 0 };
      const post = async (extra: Record<string, unknown> = {}) => {
        const response = await fetch(`${other.url}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ ...request, ...extra }) });
        expect(response.status).toBe(200);
        return ((await response.json()) as { choices: { message: { content: string } }[] }).choices[0].message.content;
      };
      const sent = async () => (await other.received("/api/chat")).length;
      const hits = () => [other.runtime.caches.routingStats.hits, other.runtime.caches.responseStats.hits];
      // Saved through the first instance; the second re-reads its knowledge as it does every few seconds.
      const saveAndSpread = async (patch: { cacheEnabled?: boolean; cacheTtlSeconds?: number }) => {
        await saveRoutingSettings(harness.runtime, patch, "test");
        await other.runtime.knowledge.refresh();
      };

      // Warm up: the chosen model gets loaded, and what is loaded is part of what routing knows.
      await post({ temperature: 0.7 });
      await other.runtime.knowledge.refresh();

      const answer = await post();
      expect(await post()).toBe(answer);
      expect([await sent(), ...hits()]).toEqual([2, 1, 1]);

      await saveAndSpread({ cacheEnabled: false });
      expect(await post()).toBe(answer);
      expect([await sent(), ...hits()]).toEqual([3, 1, 1]);

      await saveAndSpread({ cacheEnabled: true, cacheTtlSeconds: 120 });
      expect(await post()).toBe(answer);
      expect([await sent(), ...hits()]).toEqual([3, 2, 2]);
      expect((await readConsoleRoutingSettings(harness.runtime)).effective).toMatchObject({ cacheEnabled: true, cacheTtlSeconds: 120 });

      // out-of-range lifetimes are refused and change nothing
      await expect(saveRoutingSettings(harness.runtime, { cacheTtlSeconds: 0 }, "test")).rejects.toThrow(/At least 1 second/);
      await expect(saveRoutingSettings(harness.runtime, { cacheTtlSeconds: 31_536_001 }, "test")).rejects.toThrow(/At most 31,536,000/);
      await expect(saveRoutingSettings(harness.runtime, { cacheTtlSeconds: 1.5 }, "test")).rejects.toThrow(/whole number/);
      expect((await readConsoleRoutingSettings(harness.runtime)).stored).toMatchObject({ cacheEnabled: true, cacheTtlSeconds: 120 });
    } finally {
      await other.close();
    }
  });
});

describe("effective configuration", () => {
  it("says where each value came from and masks secrets", () => {
    const config = parseConfig({ ROUTER_PORT: "9000", ROUTER_LOG_LEVEL: "DEBUG", ROUTER_OPENAI_API_KEY: "sk-secret-value" });
    const rows = describeEffectiveConfig(config, { adminKeyGenerated: true, env: { ROUTER_PORT: "9000", ROUTER_LOG_LEVEL: "DEBUG", ROUTER_OPENAI_API_KEY: "sk-secret-value" }, dotEnv: { ROUTER_LOG_LEVEL: "DEBUG" } });
    const row = (name: string) => rows.find((entry) => entry.name === name);
    expect(row("ROUTER_PORT")).toMatchObject({ value: "9000", source: "environment" });
    expect(row("ROUTER_LOG_LEVEL")).toMatchObject({ source: ".env file" });
    expect(row("ROUTER_HOST")).toMatchObject({ value: "127.0.0.1", source: "default" });
    expect(row("ROUTER_OPENAI_API_KEY")).toMatchObject({ value: "••••••", secret: true, source: "environment" });
    expect(row("ROUTER_ADMIN_API_KEY")).toMatchObject({ source: "generated" });
    expect(JSON.stringify(rows)).not.toContain("sk-secret-value");
  });

  it("tells where a generated admin key is: the file it is kept in, or the start-up log", () => {
    const keyOf = (options: { adminKeyFile?: string }) => describeEffectiveConfig(parseConfig({}), { adminKeyGenerated: true, env: {}, dotEnv: {}, ...options }).find((entry) => entry.name === "ROUTER_ADMIN_API_KEY");
    expect(keyOf({ adminKeyFile: path.resolve("data/admin-api-key") })).toMatchObject({ value: "•••••• (kept in data/admin-api-key)", source: "generated" });
    expect(keyOf({})).toMatchObject({ value: "•••••• (printed in the log at start)" });
  });
});
