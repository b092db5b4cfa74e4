import { eq, sql } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ModelRegistry } from "../backends/registry";
import { configuredBackends } from "../config/backends";
import { parseConfig, type Env } from "../config/env";
import { migrateDatabase, openDatabase, type DatabaseHandle } from "../db";
import { modelProfiles, profilingAnswers, profilingJobs } from "../db/schema";
import { createTestPostgresDatabase, type TestPostgresDatabase } from "../db/test-databases";
import { createLogger } from "../observability/logger";
import { renderMetrics } from "../observability/metrics";
import type { Simulator } from "../simulator/server";
import { eventually, getJson, post, startTestSimulator } from "../simulator/test-support";
import { cancelJobById, createJob, readJob, ProfilingWorker, type JobProgress, type WorkerOptions } from "./jobs";

// Job ownership, restarts, cancellation and timeouts, against the small test fleet.

const silent = createLogger({ level: "CRITICAL", format: "text", write: () => {} });

describe.each(["pglite", "postgres"] as const)("profiling jobs (%s)", (kind) => {
  let sim: Simulator;
  let database: DatabaseHandle;
  let pg: TestPostgresDatabase | undefined;
  const workers: ProfilingWorker[] = [];

  beforeAll(async () => {
    sim = await startTestSimulator();
    pg = kind === "postgres" ? await createTestPostgresDatabase() : undefined;
    database = await openDatabase(pg?.url ?? "memory://");
    await migrateDatabase(database);
  });
  afterAll(async () => {
    await database?.close();
    await pg?.drop();
    await sim?.close();
  });
  beforeEach(async () => {
    await database.db.delete(profilingJobs);
    await database.db.delete(modelProfiles);
    await fetch(`${sim.url}/__sim/reset`, { method: "POST" });
  });
  afterEach(async () => {
    await Promise.all(workers.splice(0).map((worker) => worker.stop()));
  });

  async function worker(env: Env = {}, options: WorkerOptions = {}): Promise<ProfilingWorker> {
    const config = parseConfig({ ROUTER_OLLAMA_URL: sim.url, ROUTER_PROFILE_PROMPTS_PER_CATEGORY: "1", ROUTER_PROFILE_VRAM_SAMPLE_DELAY: "0", ROUTER_PROFILE_VRAM_SAMPLES: "1", ROUTER_PROFILE_AUTO: "false", ...env });
    const registry = new ModelRegistry(configuredBackends(config), silent);
    await registry.refresh();
    const created = new ProfilingWorker(database, registry, config, silent, { heartbeatMs: 3_600_000, ...options });
    workers.push(created);
    return created;
  }

  const chatsFor = async (model: string) => (await getJson<{ requests: { body: { model: string } }[] }>(sim.url, "/__sim/requests?path=/api/chat")).requests.filter((r) => r.body.model === model).length;
  const answers = (jobId: string) => database.db.select().from(profilingAnswers).where(eq(profilingAnswers.jobId, jobId));
  /** Waits until the fleet holds a stalled request, so the instance under test is really stuck in it. */
  const stalled = () => eventually(async () => (await getJson<{ stalledRequests: number }>(sim.url, "/__sim/state")).stalledRequests > 0, 10_000);
  const progressOf = async (jobId: string) => (await readJob(database, jobId))!.progress as JobProgress;

  it("lets only one of two instances claim a job", async () => {
    const [a, b] = [await worker({}, { instanceId: "a" }), await worker({}, { instanceId: "b" })];
    const job = await createJob(database, { models: ["small:1b"] });
    const claims = await Promise.all([a.claim(), b.claim(), a.claim(), b.claim()]);
    expect(claims.filter(Boolean)).toHaveLength(1);
    expect((await readJob(database, job.id))!).toMatchObject({ status: "running", owner: claims.find(Boolean)!.owner });
  });

  it("resumes a job whose instance died, from the progress it recorded", async () => {
    // instance a profiles small:1b, then hangs on big:14b (its first request stalls) and stops heartbeating
    await post(sim.url, "/__sim/faults", [{ model: "big:14b", path: "/api/chat", stallMs: "forever", count: 1 }]);
    const a = await worker({}, { instanceId: "a" });
    const job = await createJob(database, { models: ["small:1b", "big:14b"] });
    void a.work();
    await eventually(async () => (await progressOf(job.id))?.currentModel === "big:14b", 10_000);
    await stalled();
    const smallChats = await chatsFor("small:1b");
    expect((await answers(job.id)).filter((row) => row.model === "small:1b")).toHaveLength(3);
    await database.db.update(profilingJobs).set({ heartbeatAt: sql`now() - interval '10 minutes'` }).where(eq(profilingJobs.id, job.id));

    // instance b starts, takes the orphaned job over and finishes only what was left
    const b = await worker({}, { instanceId: "b" });
    await b.work();
    const done = (await readJob(database, job.id))!;
    expect(done).toMatchObject({ status: "completed", owner: "b" });
    expect(done.progress).toMatchObject({ resumedCount: 1, completedModels: 2, doneModels: ["small:1b", "big:14b"] });
    expect(await chatsFor("small:1b")).toBe(smallChats);
    expect((await answers(job.id)).map((row) => row.model).sort()).toEqual(["big:14b", "big:14b", "big:14b", "small:1b", "small:1b", "small:1b"]);
    const profiles = await database.db.select().from(modelProfiles);
    expect(profiles.map((p) => p.name).sort()).toEqual(["big:14b", "small:1b"]);

    // the stuck instance finally stops: it must not touch the job b finished
    await a.stop();
    expect((await readJob(database, job.id))!).toMatchObject({ status: "completed", owner: "b" });
  });

  it("hands a running job back on a clean shutdown, and another instance completes it", async () => {
    await post(sim.url, "/__sim/faults", [{ model: "small:1b", path: "/api/chat", stallMs: "forever", count: 1 }]);
    const a = await worker({}, { instanceId: "a" });
    const job = await createJob(database, { models: ["small:1b"] });
    const running = a.work();
    await stalled();
    await a.stop();
    await running;
    expect((await readJob(database, job.id))!).toMatchObject({ status: "queued", owner: null });
    await (await worker({}, { instanceId: "b" })).work();
    expect((await readJob(database, job.id))!).toMatchObject({ status: "completed", owner: "b" });
  });

  it("marks a job interrupted when its owners keep dying, keeping what it recorded", async () => {
    const job = await createJob(database, { models: ["small:1b"] });
    await database.db
      .update(profilingJobs)
      .set({ status: "running", owner: "gone", heartbeatAt: sql`now() - interval '10 minutes'`, progress: { totalModels: 1, completedModels: 0, resumedCount: 3 } })
      .where(eq(profilingJobs.id, job.id));
    await (await worker({}, { maxResumes: 3 })).work();
    const interrupted = (await readJob(database, job.id))!;
    expect(interrupted.status).toBe("interrupted");
    expect(interrupted.error).toMatch(/stopped responding/);
    expect(await chatsFor("small:1b")).toBe(0);
  });

  it("cancels a running job: the worker stops and the job stays cancelled", async () => {
    await post(sim.url, "/__sim/faults", [{ model: "small:1b", path: "/api/chat", stallMs: "forever", count: 1 }]);
    const a = await worker({}, { heartbeatMs: 20 });
    const job = await createJob(database, { models: ["small:1b", "big:14b"] });
    const running = a.work();
    await stalled();
    expect(await cancelJobById(database, job.id)).toBe(true);
    await running;
    expect((await readJob(database, job.id))!.status).toBe("cancelled");
    expect(await chatsFor("big:14b")).toBe(0);
    expect(await cancelJobById(database, job.id)).toBe(false);
  });

  it("counts a prompt that times out as a failed answer, never as a fast one", async () => {
    // every request to small:1b takes 1.5 s: the warm-up may (its timeout follows the model size), a prompt may not (1 s)
    await post(sim.url, "/__sim/faults", [{ model: "small:1b", path: "/api/chat", stallMs: 1500 }]);
    const a = await worker({ ROUTER_PROFILE_TIMEOUT: "1", ROUTER_PROFILE_WARMUP_DISK_SPEED_MBPS: "1" });
    const job = await createJob(database, { models: ["small:1b"] });
    await a.work();
    const rows = await answers(job.id);
    expect(rows.map((row) => row.outcome)).toEqual(["timeout", "timeout", "timeout"]);
    expect(rows.every((row) => row.score === 0 && row.tokensPerSecond === null)).toBe(true);
    const [profile] = await database.db.select().from(modelProfiles).where(eq(modelProfiles.name, "small:1b"));
    expect(profile.scores).toEqual({ coding: 0, math: 0, extraction: 0 });
    expect(profile.tokensPerSecond).toBeNull();
    expect((await renderMetrics("prometheus")).body).toMatch(/smarterrouter_profiling_prompts_total\{model="small:1b",category="math",outcome="timeout"\} [1-9]/);
  });

  it("records a model that cannot be profiled as failed and profiles the others", async () => {
    await post(sim.url, "/__sim/faults", [{ model: "small:1b", path: "/api/chat", status: 500, message: "model crashed" }]);
    const job = await createJob(database, { models: ["small:1b", "big:14b"] });
    await (await worker()).work();
    const finished = (await readJob(database, job.id))!;
    expect(finished).toMatchObject({ status: "completed", error: "profiling failed for small:1b" });
    expect(finished.progress).toMatchObject({
      completedModels: 2,
      failedModels: ["small:1b"],
      models: { "small:1b": { state: "failed", completedPrompts: 0 }, "big:14b": { state: "done", completedPrompts: 3, totalPrompts: 3 } },
    });
    expect((finished.progress as JobProgress).models!["small:1b"].error).toMatch(/warm-up failed: model crashed/);
    expect((await database.db.select().from(modelProfiles)).map((p) => p.name)).toEqual(["big:14b"]);
  });

  it("keeps an answer only the judge could grade out of the scores when the judge refuses, and says why", async () => {
    await post(sim.url, "/__sim/faults", [{ model: "sim-judge", status: 401, message: "bad judge key" }]);
    const a = await worker({ ROUTER_JUDGE_ENABLED: "true", ROUTER_JUDGE_BASE_URL: `${sim.url}/v1`, ROUTER_JUDGE_MODEL: "sim-judge" });
    const job = await createJob(database, { models: ["big:14b"] });
    await a.work();
    const rows = await answers(job.id);
    const creative = rows.find((row) => row.category === "creative")!;
    expect(creative).toMatchObject({ outcome: "ungraded", judgeScore: null });
    expect(creative.error).toMatch(/judge: bad judge key/);
    // math is checked without the judge; coding keeps its (failed) test result
    expect(rows.find((row) => row.category === "math")).toMatchObject({ outcome: "graded", judgeScore: null });
    const [profile] = await database.db.select().from(modelProfiles).where(eq(modelProfiles.name, "big:14b"));
    expect(Object.keys(profile.scores).sort()).toEqual(["coding", "extraction", "math"]);
    expect(profile.scoreProvenance.math).toMatchObject({ source: "check", samples: 1 });
  });

  it("queues new unprofiled chat models once, and not again after they are profiled", async () => {
    const [a, b] = [await worker({ ROUTER_PROFILE_AUTO: "true" }), await worker({ ROUTER_PROFILE_AUTO: "true" })];
    // two instances discovering the same new models at once queue one job
    const queued = (await Promise.all([a.queueUnprofiled(), b.queueUnprofiled()])).filter(Boolean);
    expect(queued).toHaveLength(1);
    const first = queued[0];
    expect((await readJob(database, first!))!.models.sort()).toEqual(["big:14b", "sim-judge", "small:1b", "thinker:14b", "vision:7b"]);
    expect(await a.queueUnprofiled()).toBeUndefined();
    await a.work();
    expect((await readJob(database, first!))!.status).toBe("completed");
    expect(await a.queueUnprofiled()).toBeUndefined();
  });
});
