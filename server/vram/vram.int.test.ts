import { chmod, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { startHarness, type Harness } from "../gateway/test-harness";
import type { SimConfigInput } from "../simulator/config";
import { chatBody, getJson, post } from "../simulator/test-support";
import type { VramReport } from "./report";
import { GIB } from "./types";

// The VRAM manager against the simulated fleet, over real HTTP: the fleet itself never evicts
// (no gpuVramGb), so every unload it sees is one the router asked for.

const ADMIN_KEY = "vram-admin-key";
let harness: Harness | undefined;
const dirs: string[] = [];

afterEach(async () => {
  await harness?.close();
  harness = undefined;
  await Promise.all(dirs.splice(0).map((dir) => rm(dir, { recursive: true, force: true })));
});

/** A fleet whose model names carry `prefix`, so counters from one test do not leak into another. */
function fleet(prefix: string): SimConfigInput {
  const model = (name: string, vramGb: number) => ({ name: `${prefix}${name}`, family: "llama", parameterSize: "7B", vramGb, loadMs: 100, capabilities: ["completion" as const] });
  return { seed: 1, timeScale: 0, models: [model("pin", 1.2), model("m6", 6), model("m4", 4), model("m9a", 9), model("m9b", 9), model("huge", 40)] };
}

async function start(prefix: string, env: Record<string, string>): Promise<Harness> {
  harness = await startHarness({
    sim: { config: fleet(prefix) },
    env: (url) => ({ ROUTER_OLLAMA_URL: url, ROUTER_ADMIN_API_KEY: ADMIN_KEY, ROUTER_VRAM_SAMPLER: "none", ROUTER_CACHE_ENABLED: "false", ...env }),
  });
  await harness.runtime.vram.start();
  return harness;
}

async function chat(h: Harness, model: string): Promise<void> {
  const res = await post(h.url, "/v1/chat/completions", chatBody(model, "Say hello."));
  expect(res.status).toBe(200);
  await res.text();
}

/** What the fleet was told to unload (keep_alive 0), in order. */
async function unloadsSent(h: Harness): Promise<string[]> {
  return (await h.received("/api/generate")).filter((r) => r.body.keep_alive === 0).map((r) => String(r.body.model));
}

async function loadsSent(h: Harness): Promise<string[]> {
  return (await h.received("/api/generate")).filter((r) => r.body.keep_alive !== 0).map((r) => String(r.body.model));
}

async function fleetPs(h: Harness): Promise<Map<string, number>> {
  const ps = await getJson<{ models: { name: string; size_vram: number }[] }>(h.sim.url, "/api/ps");
  return new Map(ps.models.map((m) => [m.name, m.size_vram]));
}

async function metricsText(h: Harness): Promise<string> {
  return (await fetch(`${h.url}/metrics`)).text();
}

function metricValue(text: string, name: string, labels: string): number | undefined {
  const line = text.split("\n").find((l) => l.startsWith(`${name}{${labels}}`));
  return line === undefined ? undefined : Number(line.split(" ").at(-1));
}

async function report(h: Harness, query = ""): Promise<{ status: number; body: VramReport }> {
  const res = await fetch(`${h.url}/admin/vram${query}`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
  return { status: res.status, body: (await res.json()) as VramReport };
}

// Budget 16 GiB ≈ 17.18e9 bytes. A never-loaded model is estimated at its file size × 1.2 (≈ 1.02 × its VRAM here).
// Requests: m6, m4, m6 (resident), m9a, m9b; the pinned model (1.2 GB) is loaded at start.
const SEQUENCE = ["m6", "m4", "m6", "m9a", "m9b"];

describe.each([
  // lru: m9a needs 3.2 GB more → the least recently used m4; m9b needs 8.2 → m6 then m9a.
  ["lru", ["m4", "m6", "m9a"], ["pin", "m9b"]],
  // largest: m9a → the biggest, m6; m9b needs 6.2 → m9a alone.
  ["largest", ["m6", "m9a"], ["pin", "m4", "m9b"]],
] as const)("unload strategy %s", (strategy, expectedUnloads, expectedResident) => {
  it("unloads exactly what the strategy implies, never the pinned model, and reports what /api/ps says", async () => {
    const p = `${strategy}-`;
    const h = await start(p, { ROUTER_VRAM_MAX_TOTAL_GB: "16", ROUTER_PINNED_MODEL: `${p}pin`, ROUTER_VRAM_UNLOAD_STRATEGY: strategy });
    for (const model of SEQUENCE) await chat(h, `${p}${model}`);

    expect(await unloadsSent(h)).toEqual(expectedUnloads.map((m) => `${p}${m}`));
    expect(await loadsSent(h)).toEqual([`${p}pin`, `${p}m6`, `${p}m4`, `${p}m9a`, `${p}m9b`]);
    const ps = await fleetPs(h);
    expect([...ps.keys()].sort()).toEqual(expectedResident.map((m) => `${p}${m}`).sort());

    const metrics = await metricsText(h);
    for (const model of expectedUnloads) expect(metricValue(metrics, "smarterrouter_model_unloads_total", `model="${p}${model}",reason="${strategy}"`)).toBe(1);
    expect(metricValue(metrics, "smarterrouter_model_unloads_total", `model="${p}pin",reason="${strategy}"`)).toBeUndefined();
    expect(metricValue(metrics, "smarterrouter_model_loads_total", `model="${p}pin",reason="pinned"`)).toBe(1);
    expect(metricValue(metrics, "smarterrouter_model_loads_total", `model="${p}m6",reason="request"`)).toBe(1);
    expect(metricValue(metrics, "smarterrouter_model_load_duration_seconds_count", `model="${p}m9b"`)).toBe(1);
    for (const [model, bytes] of ps) expect(metricValue(metrics, "smarterrouter_vram_model_bytes", `model="${model}"`)).toBe(bytes);
    for (const model of expectedUnloads) expect(metricValue(metrics, "smarterrouter_vram_model_bytes", `model="${p}${model}"`)).toBeUndefined();

    const { status, body } = await report(h);
    expect(status).toBe(200);
    expect(body.loaded_models.map((m) => [m.model, m.vram_bytes])).toEqual([...ps].sort(([a], [b]) => a.localeCompare(b)));
    expect(body.loaded_models.find((m) => m.model === `${p}pin`)).toMatchObject({ pinned: true, source: "router" });
    expect(body.budget).toMatchObject({ max_gb: 16, source: "configured", strategy, pinned_model: `${p}pin` });
    expect(body.budget.allocated_gb).toBeCloseTo([...ps.values()].reduce((a, b) => a + b, 0) / GIB, 2);
    // The event list, newest first: every load (timed) and every unload with its reason.
    const events = [...body.events].reverse();
    expect(events.filter((e) => e.kind === "load").map((e) => [e.model, e.reason])).toEqual([[`${p}pin`, "pinned"], ...["m6", "m4", "m9a", "m9b"].map((m) => [`${p}${m}`, "request"])]);
    expect(events.filter((e) => e.kind === "load").every((e) => typeof e.duration_ms === "number" && e.duration_ms >= 0 && e.backend === "ollama")).toBe(true);
    expect(events.filter((e) => e.kind === "unload").map((e) => [e.model, e.reason, e.duration_ms])).toEqual(expectedUnloads.map((m) => [`${p}${m}`, strategy, null]));
    // An unload comes right before the load it made room for.
    expect(events.findIndex((e) => e.kind === "unload")).toBeLessThan(events.findIndex((e) => e.model === `${p}m9a` && e.kind === "load"));
    expect(Date.parse(body.events[0].at)).toBeGreaterThanOrEqual(Date.parse(body.events.at(-1)!.at));
  });
});

describe("VRAM-aware routing", () => {
  it("filters a model that cannot fit beside the pinned one, with the reason in explain, and skips the load cost of resident ones", async () => {
    const p = "route-";
    const h = await start(p, { ROUTER_VRAM_MAX_TOTAL_GB: "16", ROUTER_PINNED_MODEL: `${p}pin` });
    await h.runtime.knowledge.refresh();
    const res = await fetch(`${h.url}/admin/explain?prompt=${encodeURIComponent("Write a haiku about autumn.")}`, { headers: { authorization: `Bearer ${ADMIN_KEY}` } });
    const explain = (await res.json()) as { candidates: { model: string; rejected_reason: string | null; components: Record<string, number> }[] };
    const huge = explain.candidates.find((c) => c.model === `${p}huge`);
    // 40 GB × 0.85 (file) × 1.2 = 38 GiB; 16 GiB less the pinned 1.2e9 bytes = 14.9.
    expect(huge?.rejected_reason).toBe("needs 38 GB VRAM > 14.9 GB budget");
    const pinned = explain.candidates.find((c) => c.model === `${p}pin`);
    expect(pinned?.rejected_reason).toBeNull();
    expect(pinned?.components.loaded).toBeGreaterThan(0);
  });
});

describe("reconciling with the backend", () => {
  it("sees models loaded and expired by others", async () => {
    const p = "ext-";
    const h = await start(p, { ROUTER_VRAM_MAX_TOTAL_GB: "16" });
    await post(h.sim.url, "/api/generate", { model: `${p}m4`, keep_alive: -1 });
    await h.runtime.vram.sampleNow();
    let body = (await report(h)).body;
    expect(body.loaded_models).toMatchObject([{ model: `${p}m4`, source: "external", pinned: false, vram_bytes: 4e9 }]);
    expect(body.history.samples.at(-1)?.models).toEqual({ [`${p}m4`]: 3.73 });

    await post(h.sim.url, "/api/generate", { model: `${p}m4`, keep_alive: 0 });
    await h.runtime.vram.sampleNow();
    body = (await report(h)).body;
    expect(body.loaded_models).toEqual([]);
    const metrics = await metricsText(h);
    expect(metricValue(metrics, "smarterrouter_model_loads_total", `model="${p}m4",reason="external"`)).toBe(1);
    expect(metricValue(metrics, "smarterrouter_model_unloads_total", `model="${p}m4",reason="expired"`)).toBe(1);
    expect(metricValue(metrics, "smarterrouter_vram_model_bytes", `model="${p}m4"`)).toBeUndefined();
    expect(body.events.map((e) => [e.kind, e.model, e.reason, e.duration_ms])).toEqual([
      ["unload", `${p}m4`, "expired", null],
      ["load", `${p}m4`, "external", null],
    ]);
  });

  it("loads the pinned model again when something else evicted it", async () => {
    const p = "repin-";
    const h = await start(p, { ROUTER_VRAM_MAX_TOTAL_GB: "16", ROUTER_PINNED_MODEL: `${p}pin` });
    await post(h.sim.url, "/api/generate", { model: `${p}pin`, keep_alive: 0 });
    await h.runtime.vram.tick();
    expect([...(await fleetPs(h)).keys()]).toEqual([`${p}pin`]);
    const metrics = await metricsText(h);
    expect(metricValue(metrics, "smarterrouter_model_unloads_total", `model="${p}pin",reason="expired"`)).toBe(1);
    expect(metricValue(metrics, "smarterrouter_model_loads_total", `model="${p}pin",reason="pinned"`)).toBe(2);
  });

  it("serves a resident model at once while another model is still loading", async () => {
    const p = "busy-";
    const h = await start(p, { ROUTER_VRAM_MAX_TOTAL_GB: "16" });
    await chat(h, `${p}m4`); // resident now
    await h.setFaults([{ model: `${p}m6`, slowLoadMs: 3000, count: 1 }]);
    const slow = chat(h, `${p}m6`);
    await expect.poll(async () => (await loadsSent(h)).includes(`${p}m6`)).toBe(true); // its 3 s load has begun
    await chat(h, `${p}m4`);
    await slow;
    // The fleet saw the resident model's second chat before the loading model's first one.
    const chats = (await h.received("/api/chat")).map((r) => String(r.body.model));
    expect(chats, "the resident model's request waited for the other model's load").toEqual([`${p}m4`, `${p}m4`, `${p}m6`]);
  });

  it("does nothing but forward when no budget is known (no GPU, none configured)", async () => {
    const h = await start("nobudget-", {});
    await chat(h, "nobudget-m9a");
    expect(await h.received("/api/generate")).toEqual([]);
    expect((await report(h)).body.budget).toMatchObject({ max_gb: null, source: "none" });
  });
});

describe("GPU sampling", () => {
  async function fakeTools(files: Record<string, string>): Promise<string> {
    const dir = await mkdtemp(join(tmpdir(), "fake-gpu-tools-"));
    dirs.push(dir);
    for (const [name, script] of Object.entries(files)) {
      await writeFile(join(dir, name), script);
      await chmod(join(dir, name), 0o755);
    }
    return dir;
  }

  async function withPath<T>(dir: string, run: () => Promise<T>): Promise<T> {
    const saved = process.env.PATH;
    process.env.PATH = `${dir}:${saved ?? ""}`;
    try {
      return await run();
    } finally {
      process.env.PATH = saved;
    }
  }

  it("a fake nvidia-smi printing two GPUs shows per-GPU gauges in /metrics and the 90% budget", async () => {
    const dir = await fakeTools({
      "nvidia-smi": "#!/bin/sh\necho '0, NVIDIA GeForce RTX 4090, 24564, 18233, 5970, 97'\necho '1, NVIDIA GeForce RTX 4090, 24564, 1035, 23168, 3'\n",
    });
    const h = await withPath(dir, () => start("gpu-", { ROUTER_VRAM_SAMPLER: "auto" }));
    const metrics = await metricsText(h);
    expect(metricValue(metrics, "smarterrouter_gpu_total_gb", 'gpu_index="0",vendor="nvidia"')).toBeCloseTo(23.99, 2);
    expect(metricValue(metrics, "smarterrouter_gpu_used_gb", 'gpu_index="0",vendor="nvidia"')).toBeCloseTo(17.81, 2);
    expect(metricValue(metrics, "smarterrouter_gpu_free_gb", 'gpu_index="1",vendor="nvidia"')).toBeCloseTo(22.63, 2);
    expect(metricValue(metrics, "smarterrouter_gpu_utilization_pct", 'gpu_index="1",vendor="nvidia"')).toBe(3);
    expect(metricValue(metrics, "smarterrouter_vram_used_bytes", 'gpu="nvidia1"')).toBe(1035 * 1024 * 1024);
    expect(metrics).toMatch(/^smarterrouter_vram_utilization_pct 39\.2\d*$/m);

    const { body } = await report(h);
    expect(body.gpus.map((g) => [g.index, g.vendor, g.total_gb, g.used_gb])).toEqual([
      [0, "nvidia", 23.99, 17.81],
      [1, "nvidia", 23.99, 1.01],
    ]);
    expect(body.gpus.map((g) => g.gpu)).toEqual(["nvidia0", "nvidia1"]);
    expect(body.history.samples.at(-1)?.gpus).toEqual([
      { gpu: "nvidia0", total_gb: 23.99, used_gb: 17.81 },
      { gpu: "nvidia1", total_gb: 23.99, used_gb: 1.01 },
    ]);
    expect(body.budget).toMatchObject({ source: "detected", max_gb: 43.18 });
    expect(body.utilization_pct).toBe(39.2);
    expect(body.warnings).toEqual([]);
  });

  it("a named sampler whose tool is missing is reported unavailable, and the router still serves", async () => {
    const dir = await fakeTools({});
    const h = await withPath(dir, async () => {
      const saved = process.env.PATH;
      process.env.PATH = dir; // nothing else on PATH: nvidia-smi cannot be found
      try {
        return await start("missing-", { ROUTER_VRAM_SAMPLER: "nvidia" });
      } finally {
        process.env.PATH = saved;
      }
    });
    const { body } = await report(h);
    expect(body.samplers).toEqual([{ vendor: "nvidia", ok: false, reason: "nvidia-smi not found on PATH" }]);
    expect(body.notes).toContain("nvidia unavailable: nvidia-smi not found on PATH");
    expect(body.gpus).toEqual([]);
    expect(body.total_gb).toBeNull();
    await chat(h, "missing-m4");
  });

  it("GET /admin/vram needs the admin key and a sane history window", async () => {
    const h = await start("auth-", {});
    expect((await fetch(`${h.url}/admin/vram`)).status).toBe(401);
    expect((await report(h, "?history_minutes=abc")).status).toBe(400);
    expect((await report(h, "?history_minutes=0")).status).toBe(400);
    const { status, body } = await report(h, "?history_minutes=5");
    expect(status).toBe(200);
    expect(body.history.window_minutes).toBe(5);
    expect(body.history.samples.length).toBeGreaterThan(0);
  });
});
