import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createConsoleSession, SESSION_COOKIE } from "../../auth/sessions";
import { migrateDatabase, openDatabase, type DatabaseHandle } from "../../db";
import { createTestPostgresDatabase, type TestPostgresDatabase } from "../../db/test-databases";
import { startHarness, type Harness } from "../../gateway/test-harness";
import { eventually } from "../../simulator/test-support";
import { createCaller } from "../root";
import { createTrpcContext } from "../trpc";

// The console's profiling procedures over a real router and the simulated fleet with its judge:
// start (with its input errors), the active list while a job runs, history, cancel, and a
// model's answers with the judge's rationales.

const HOST = "console.test:11436";

async function trpcError(promise: Promise<unknown>): Promise<{ code: string; message: string }> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof TRPCError) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error("the call succeeded");
}

describe.each(["pglite", "postgres"] as const)("console profiling procedures (%s)", (kind) => {
  let harness: Harness;
  let database: DatabaseHandle;
  let pg: TestPostgresDatabase | undefined;
  let caller: ReturnType<typeof createCaller>;

  beforeAll(async () => {
    pg = kind === "postgres" ? await createTestPostgresDatabase() : undefined;
    database = await openDatabase(pg?.url ?? "memory://");
    await migrateDatabase(database);
    harness = await startHarness({
      database,
      env: (url) => ({
        ROUTER_OLLAMA_URL: url,
        ROUTER_JUDGE_ENABLED: "true",
        ROUTER_JUDGE_BASE_URL: `${url}/v1`,
        ROUTER_JUDGE_MODEL: "sim-judge",
        ROUTER_PROFILE_PROMPTS_PER_CATEGORY: "1",
        ROUTER_PROFILE_VRAM_SAMPLE_DELAY: "0",
        ROUTER_PROFILE_VRAM_SAMPLES: "1",
        ROUTER_PROFILE_AUTO: "false",
      }),
    });
    const { token } = await createConsoleSession(database, {});
    caller = createCaller(createTrpcContext(new Headers({ host: HOST, cookie: `${SESSION_COOKIE}=${token}`, origin: `http://${HOST}` }), async () => harness.runtime));
  });
  afterAll(async () => {
    await harness?.close();
    await database?.close();
    await pg?.drop();
  });

  it("refuses an unknown model and an empty choice with a 400 naming the problem", async () => {
    expect(await trpcError(caller.profiling.start({ models: ["no-such-model:1b"], force: true }))).toEqual({ code: "BAD_REQUEST", message: "unknown model(s): no-such-model:1b" });
    expect((await trpcError(caller.profiling.start({ models: [] }))).code).toBe("BAD_REQUEST");
    expect((await trpcError(caller.profiling.history({ page: 0, pageSize: 20 }))).code).toBe("BAD_REQUEST");
    expect((await caller.profiling.history()).total).toBe(0);
  });

  it("a forced re-profile is active until it completes, then in the history with the answers and rationales", async () => {
    const job = await caller.profiling.start({ models: ["llama3.2:3b"], force: true });
    expect(job).toMatchObject({ models: ["llama3.2:3b"], force: true });
    expect((await caller.profiling.active()).jobs.map((active) => active.id)).toContain(job.id);

    await eventually(async () => (await caller.profiling.active()).jobs.length === 0, 60_000);
    const { jobs, total } = await caller.profiling.history({ page: 1, pageSize: 20 });
    expect(total).toBe(1);
    expect(jobs[0]).toMatchObject({ id: job.id, status: "completed", progress: { totalModels: 1, completedModels: 1 } });
    expect(jobs[0].progress?.models?.["llama3.2:3b"]).toMatchObject({ state: "done" });
    expect((await trpcError(caller.profiling.cancel({ id: job.id }))).code).toBe("CONFLICT");

    const detail = await caller.profiling.answers({ name: "llama3.2:3b" });
    expect(detail?.lastProfiled).toBeTruthy();
    expect(detail!.answers.length).toBeGreaterThanOrEqual(6);
    const judged = detail!.answers.filter((answer) => answer.judgeScore !== null);
    expect(judged.length).toBeGreaterThan(0);
    for (const answer of judged) expect(answer).toMatchObject({ judgeModel: "sim-judge", judgeRationale: expect.stringMatching(/\S{3}/) });
    expect(await caller.profiling.answers({ name: "never-profiled:1b" })).toBeNull();
  });

  it("cancels a queued job, which leaves the active list as cancelled", async () => {
    await harness.runtime.profiler.stop(); // so the job stays queued until it is cancelled
    const job = await caller.profiling.start({ models: ["llama3.1:8b"], force: true });
    expect(await caller.profiling.cancel({ id: job.id })).toEqual({ cancelled: true });
    expect((await caller.profiling.active()).jobs.map((active) => active.id)).not.toContain(job.id);
    const { jobs } = await caller.profiling.history({ page: 1, pageSize: 1 });
    expect(jobs[0]).toMatchObject({ id: job.id, status: "cancelled" });
    expect((await trpcError(caller.profiling.cancel({ id: "not-a-job" }))).code).toBe("CONFLICT");
  });
});
