import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { writeRoutingSettings } from "../config/live-settings";
import { migrateDatabase, openDatabase, type DatabaseHandle } from "../db";
import { createTestPostgresDatabase, type TestPostgresDatabase } from "../db/test-databases";
import { startHarness, type Harness } from "../gateway/test-harness";
import { checkHealth } from "../health";
import { renderMetrics } from "../observability/metrics";
import { TASK_CATEGORIES, type TaskCategory } from "../routing/categories";
import { eventually } from "../simulator/test-support";
import { cancelJob, getProfileDetail, listJobs, listProfiles } from "./service";

// The whole profiler against the default simulated fleet and its judge, over the admin REST API.

const ADMIN = "admin-key-for-tests";
const auth = { authorization: `Bearer ${ADMIN}` };

type Profile = { name: string; scores: Partial<Record<TaskCategory, number>>; score_provenance: Record<string, { source: string; samples: number }>; vision: boolean; tool_calling: boolean; vram_required_gb: number | null; tokens_per_second: number | null; time_to_first_token_ms: number | null; load_time_ms: number | null };

describe.each(["pglite", "postgres"] as const)("profiling the default fleet (%s)", (kind) => {
  let harness: Harness;
  let database: DatabaseHandle;
  let pg: TestPostgresDatabase | undefined;

  beforeAll(async () => {
    pg = kind === "postgres" ? await createTestPostgresDatabase() : undefined;
    database = await openDatabase(pg?.url ?? "memory://");
    await migrateDatabase(database);
    harness = await startHarness({
      database,
      env: (url) => ({
        ROUTER_OLLAMA_URL: url,
        ROUTER_ADMIN_API_KEY: ADMIN,
        ROUTER_JUDGE_ENABLED: "true",
        ROUTER_JUDGE_BASE_URL: `${url}/v1`,
        ROUTER_JUDGE_MODEL: "sim-judge",
        ROUTER_JUDGE_RETRY_BASE_DELAY: "0",
        ROUTER_PROFILE_PROMPTS_PER_CATEGORY: "8",
        ROUTER_PROFILE_VRAM_SAMPLE_DELAY: "0",
        ROUTER_PROFILE_VRAM_SAMPLES: "1",
        ROUTER_PROFILE_AUTO: "false",
        ROUTER_QUALITY_PREFERENCE: "1",
      }),
    });
  });
  afterAll(async () => {
    await harness?.close();
    await database?.close();
    await pg?.drop();
  });

  const get = async <T>(path: string) => {
    const response = await fetch(`${harness.url}${path}`, { headers: auth });
    return { status: response.status, body: (await response.json()) as T };
  };

  it("refuses the admin endpoints without the admin key and rejects bad input", async () => {
    expect((await fetch(`${harness.url}/admin/reprofile`, { method: "POST" })).status).toBe(401);
    expect((await fetch(`${harness.url}/admin/profiles`)).status).toBe(401);
    const unknown = await fetch(`${harness.url}/admin/reprofile?models=no-such-model`, { method: "POST", headers: auth });
    expect(unknown.status).toBe(400);
    expect(((await unknown.json()) as { error: { message: string } }).error.message).toMatch(/no-such-model/);
    for (const body of ['{"force": "yes"}', '{"models": "a,b"}', '{"models": [1]}', "[]", "{not json"]) {
      const bad = await fetch(`${harness.url}/admin/reprofile`, { method: "POST", headers: { ...auth, "content-type": "application/json" }, body });
      expect(bad.status, body).toBe(400);
      expect(((await bad.json()) as { error: { message: string } }).error.message).toBeTruthy();
    }
    expect((await fetch(`${harness.url}/admin/reprofile?force=maybe`, { method: "POST", headers: auth })).status).toBe(400);
    expect((await get("/admin/profiling_status/00000000-0000-4000-8000-000000000000")).status).toBe(404);
    expect((await get("/admin/profiling_status/not-a-job")).status).toBe(404);
    expect((await get("/admin/profiles?limit=abc")).status).toBe(400);
  });

  it("profiles every chat model; scores rank as the fleet's configured quality and routing follows them", async () => {
    const started = await fetch(`${harness.url}/admin/reprofile`, { method: "POST", headers: auth });
    expect(started.status).toBe(202);
    const { job_id: jobId } = (await started.json()) as { job_id: string };

    let status: { status: string; progress: { totalModels: number; completedModels: number; failedModels?: string[] } } | undefined;
    await eventually(async () => {
      status = (await get<NonNullable<typeof status>>(`/admin/profiling_status/${jobId}`)).body;
      return status.status !== "queued" && status.status !== "running";
    }, 120_000);
    expect(status).toMatchObject({ status: "completed", progress: { totalModels: 6, completedModels: 6, failedModels: [] } });
    // the embedding model and the judge are not profiled, and do not keep profiling "incomplete"
    expect((await checkHealth(harness.runtime)).profiling).toMatchObject({ state: "idle", profiled_models: 6 });
    expect((await checkHealth(harness.runtime)).profiling_complete).toBe(true);

    const { body } = await get<{ total: number; profiles: Profile[] }>("/admin/profiles");
    const profiles = new Map(body.profiles.map((p) => [p.name, p]));
    // the embedding model and the judge itself are not profiled
    expect([...profiles.keys()].sort()).toEqual(["deepseek-r1:14b", "llama3.1:8b", "llama3.2:3b", "mistral-nemo:12b", "qwen2.5-coder:14b", "qwen2.5vl:7b"]);

    const fleet = harness.sim.config.models.filter((m) => profiles.has(m.name));
    for (const category of TASK_CATEGORIES) {
      const configured = fleet.map((m) => [m.name, m.quality[category]] as const);
      const measured = fleet.map((m) => [m.name, profiles.get(m.name)!.scores[category]!] as const);
      expect(measured.every(([, score]) => typeof score === "number"), category).toBe(true);
      expect(spearman(configured.map(([, q]) => q), measured.map(([, s]) => s)), `rank correlation for ${category}`).toBeGreaterThanOrEqual(0.75);
      const best = Math.max(...configured.map(([, q]) => q));
      const top = measured.reduce((a, b) => (b[1] > a[1] ? b : a))[0];
      expect(best - configured.find(([name]) => name === top)![1], `${top} measured best at ${category}`).toBeLessThanOrEqual(0.03);
      const provenance = profiles.get(top)!.score_provenance[category];
      expect(provenance.source).toBe(category === "math" ? "check" : "judge");
      expect(provenance.samples).toBeGreaterThanOrEqual(6);
    }

    // capabilities as observed, and the measured speed and VRAM
    expect(profiles.get("qwen2.5vl:7b")).toMatchObject({ vision: true, tool_calling: false });
    expect(profiles.get("qwen2.5-coder:14b")).toMatchObject({ vision: false, tool_calling: true });
    expect(profiles.get("deepseek-r1:14b")).toMatchObject({ vision: false, tool_calling: false });
    expect(profiles.get("llama3.1:8b")!.vram_required_gb).toBeCloseTo(4.9, 1);
    for (const profile of profiles.values()) {
      expect(profile.tokens_per_second).toBeGreaterThan(0);
      expect(profile.load_time_ms).toBeGreaterThanOrEqual(0);
    }

    // the console's domain functions see the same job
    const listed = await listJobs(harness.runtime, { limit: 10, offset: 0 });
    expect(listed.jobs.map((job) => job.id)).toContain(jobId);
    expect(await cancelJob(harness.runtime, jobId)).toBe(false); // already finished
    expect(await cancelJob(harness.runtime, "not-a-uuid")).toBe(false);
    expect((await listProfiles(harness.runtime)).total).toBe(6);
    expect(await getProfileDetail(harness.runtime, "no-such-model")).toBeUndefined();

    // per answer: the judge's score and rationale are kept
    const detail = await getProfileDetail(harness.runtime, "qwen2.5-coder:14b");
    const creative = detail!.answers.find((a) => a.category === "creative")!;
    expect(creative).toMatchObject({ outcome: "graded", judgeModel: "sim-judge" });
    expect(creative.judgeRationale).toMatch(/qwen2.5-coder:14b/);
    const coding = detail!.answers.find((a) => a.category === "coding")!;
    expect(coding.checkScore).toBe(0); // the simulator answers in Python: no JavaScript passes the tests
    expect(coding.error).toMatch(/0\/\d tests passed|no function/);

    const metrics = (await renderMetrics("prometheus")).body;
    expect(metrics).toMatch(/smarterrouter_judge_score_count\{model="qwen2.5-coder:14b",category="coding",judge_model="sim-judge"\} [1-9]/);
    expect(metrics).toMatch(/smarterrouter_judge_calls_total\{judge_model="sim-judge",outcome="success"\} [1-9]/);
    expect(metrics).toMatch(/smarterrouter_profiling_jobs_total\{outcome="completed"\} [1-9]/);

    // routing now picks the measured (= configured) best model per category; the judge grades and
    // is kept out of routing, as an operator serving it from the same backend would do
    await writeRoutingSettings(database, { overrides: { "sim-judge": { disabled: true } } }, "test");
    await harness.runtime.knowledge.refresh();
    // One prompt per category: routing must pick a model whose configured quality there is the best
    // within 0.05 (routing blends the profile with the size prior and the prompt's category mix;
    // the fleet's best and worst differ by 0.2 to 0.5 in every category).
    const prompts: Record<TaskCategory, string> = {
      coding: "Implement a thread-safe LRU cache class in Python with get and put, handling eviction and edge cases, and write unit tests for it.",
      math: "Solve the equation 3x^2 - 12x + 9 = 0 and prove that the roots are correct, then compute the integral of the polynomial from 0 to 3.",
      reasoning: "Explain step by step why the Monty Hall switching strategy wins two thirds of the time, reasoning carefully about the logic and trade-offs.",
      creative: "Write a long poem and a short story about a lighthouse keeper, with vivid imagery and a surprising ending.",
      extraction: 'Extract the name, date and total amount from this invoice text and return them as JSON: "Invoice from ACME Corp dated 2024-03-05, total due $1,234.50".',
      factual: "What is the capital of Australia, and in which year did it become the capital?",
      general: "Can you give me some tips for staying productive while working from home?",
    };
    for (const category of TASK_CATEGORIES) {
      const explained = (await get<{ selected_model: string; category: string }>(`/admin/explain?prompt=${encodeURIComponent(prompts[category])}`)).body;
      expect(explained.category).toBe(category);
      const best = Math.max(...fleet.map((m) => m.quality[category]));
      const chosen = fleet.find((m) => m.name === explained.selected_model);
      expect(chosen, `${category} went to ${explained.selected_model}`).toBeDefined();
      expect(best - chosen!.quality[category], `${category} went to ${explained.selected_model}`).toBeLessThanOrEqual(0.05);
    }
  });
});

function spearman(a: readonly number[], b: readonly number[]): number {
  const rank = (xs: readonly number[]) => {
    const sorted = [...xs].sort((x, y) => x - y);
    return xs.map((x) => (sorted.indexOf(x) + sorted.lastIndexOf(x)) / 2);
  };
  const [ra, rb] = [rank(a), rank(b)];
  const mean = (xs: number[]) => xs.reduce((s, x) => s + x, 0) / xs.length;
  const [ma, mb] = [mean(ra), mean(rb)];
  const cov = ra.reduce((s, x, i) => s + (x - ma) * (rb[i] - mb), 0);
  const sd = (xs: number[], m: number) => Math.sqrt(xs.reduce((s, x) => s + (x - m) ** 2, 0));
  return cov / (sd(ra, ma) * sd(rb, mb));
}
