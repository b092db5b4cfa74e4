import { randomUUID } from "node:crypto";
import { and, asc, count, desc, eq, inArray, isNotNull, or, sql } from "drizzle-orm";
import type { ModelRegistry, RegisteredModel } from "../backends/registry";
import type { Config } from "../config/settings";
import type { DatabaseHandle } from "../db";
import { modelProfiles, profilingJobs, type ProfilingJob, type ProfilingJobProgress } from "../db/schema";
import type { Logger } from "../observability/logger";
import { recordProfilingJob } from "../observability/metrics";
import { JudgeClient, judgeSettingsFrom } from "./judge";
import { profileModel } from "./runner";
import { selectPrompts } from "./suite";

// Profiling jobs live in profiling_jobs so they outlive the process and are shared by instances.
// An instance claims a job with one conditional UPDATE (queued, or running with a stale heartbeat),
// so only one runs it; it heartbeats while running and notices a cancel (or a takeover) at the
// next heartbeat or prompt. A job whose owner died is resumed by the next claimant from what it
// recorded (finished models in progress, answered prompts in profiling_answers); after
// MAX_RESUMES takeovers it is marked interrupted instead of being retried forever.

export type WorkerOptions = {
  instanceId?: string;
  pollMs?: number;
  heartbeatMs?: number;
  /** A running job whose heartbeat is older than this is considered orphaned. */
  staleMs?: number;
  maxResumes?: number;
};

export type ModelProgress = { state: "running" | "done" | "failed"; completedPrompts: number; totalPrompts: number; error?: string };
/** Per model as well, since several models run at once with ROUTER_PROFILE_PARALLEL_COUNT > 1. */
export type JobProgress = ProfilingJobProgress & { doneModels?: string[]; models?: Record<string, ModelProgress> };

const ACTIVE = ["queued", "running"] as const;

export class ProfilingWorker {
  readonly instanceId: string;
  private readonly pollMs: number;
  private readonly heartbeatMs: number;
  private readonly staleMs: number;
  private readonly maxResumes: number;
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private current?: AbortController;
  private stopped = false;
  private readonly judge?: JudgeClient;

  constructor(
    private readonly database: DatabaseHandle,
    private readonly registry: ModelRegistry,
    private readonly config: Config,
    private readonly logger: Logger,
    options: WorkerOptions = {},
  ) {
    this.instanceId = options.instanceId ?? `${process.pid}-${randomUUID().slice(0, 8)}`;
    this.pollMs = options.pollMs ?? 5000;
    this.heartbeatMs = options.heartbeatMs ?? 10_000;
    this.staleMs = options.staleMs ?? 60_000;
    this.maxResumes = options.maxResumes ?? 3;
    const judge = judgeSettingsFrom(config);
    this.judge = judge ? new JudgeClient(judge) : undefined;
  }

  /** Polls for work (and queues new models when ROUTER_PROFILE_AUTO is on). */
  start(): void {
    this.stopped = false;
    this.timer = setInterval(() => this.kick(), this.pollMs);
    this.timer.unref();
    this.kick();
  }

  /** Stops polling and hands the current job back (queued, progress kept) for this or another instance. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    this.current?.abort(new Error("worker stopping"));
    await this.running;
  }

  /** Looks for work now (after a job was created). */
  kick(): void {
    if (this.running || this.stopped) return;
    this.running = this.work()
      .catch((error: unknown) => this.logger.warn("profiling worker error", { error }))
      .finally(() => (this.running = undefined));
  }

  /** Runs every claimable job, then returns; for tests and for the poll loop. */
  async work(): Promise<void> {
    if (this.config.ROUTER_PROFILE_AUTO) await this.queueUnprofiled();
    await this.markInterrupted();
    while (!this.stopped) {
      const job = await this.claim();
      if (!job) return;
      await this.run(job);
    }
  }

  /** A job for the chat models that have no profile yet, unless one is already waiting or running for them. */
  async queueUnprofiled(): Promise<string | undefined> {
    await this.registry.ensureFresh(this.config.ROUTER_POLLING_INTERVAL * 1000);
    // Serialised across instances by a transaction-scoped advisory lock, so two instances that
    // discover the same new model queue it once.
    const id = await this.database.db.transaction(async (tx) => {
      await tx.execute(sql`select pg_advisory_xact_lock(hashtext('smarterrouter.profiling.auto'))`);
      const profiled = new Set((await tx.select({ name: modelProfiles.name }).from(modelProfiles).where(isNotNull(modelProfiles.lastProfiled))).map((row) => row.name));
      const active = await tx.select({ models: profilingJobs.models }).from(profilingJobs).where(inArray(profilingJobs.status, ACTIVE));
      const pending = new Set(active.flatMap((job) => job.models));
      const fresh = profileable(this.registry.models(), this.judge?.model).filter((model) => !profiled.has(model.name) && !pending.has(model.name));
      if (!fresh.length || active.some((job) => job.models.length === 0)) return undefined;
      const [job] = await tx.insert(profilingJobs).values({ models: fresh.map((model) => model.name) }).returning({ id: profilingJobs.id });
      this.logger.info("profiling new models", { models: fresh.map((model) => model.name).join(","), job: job.id });
      return job.id;
    });
    return id;
  }

  private async markInterrupted(): Promise<void> {
    const rows = await this.database.db
      .update(profilingJobs)
      .set({ status: "interrupted", finishedAt: sql`now()`, error: `its instance stopped responding ${this.maxResumes + 1} times; recorded answers are kept`, owner: null })
      .where(and(eq(profilingJobs.status, "running"), this.stale(), sql`coalesce((${profilingJobs.progress}->>'resumedCount')::int, 0) >= ${this.maxResumes}`))
      .returning({ id: profilingJobs.id });
    for (const row of rows) {
      recordProfilingJob("interrupted", 0);
      this.logger.warn("profiling job interrupted", { job: row.id });
    }
  }

  private stale() {
    return sql`${profilingJobs.heartbeatAt} < now() - make_interval(secs => ${this.staleMs / 1000})`;
  }

  /** Takes the oldest claimable job; the conditional UPDATE makes the claim atomic across instances. */
  async claim(): Promise<ProfilingJob | undefined> {
    const { db } = this.database;
    const claimable = or(eq(profilingJobs.status, "queued"), and(eq(profilingJobs.status, "running"), this.stale()));
    const candidates = await db.select({ id: profilingJobs.id }).from(profilingJobs).where(claimable).orderBy(asc(profilingJobs.createdAt)).limit(5);
    for (const { id } of candidates) {
      const [job] = await db
        .update(profilingJobs)
        .set({
          status: "running",
          owner: this.instanceId,
          heartbeatAt: sql`now()`,
          startedAt: sql`coalesce(${profilingJobs.startedAt}, now())`,
          // taking over from a dead owner counts as a resume
          progress: sql`case when ${profilingJobs.status} = 'running' then coalesce(${profilingJobs.progress}, '{}'::jsonb) || jsonb_build_object('resumedCount', coalesce((${profilingJobs.progress}->>'resumedCount')::int, 0) + 1) else ${profilingJobs.progress} end`,
        })
        .where(and(eq(profilingJobs.id, id), claimable))
        .returning();
      if (job) return job;
    }
    return undefined;
  }

  private async run(job: ProfilingJob): Promise<void> {
    const started = performance.now();
    const controller = (this.current = new AbortController());
    // stop() may have come while the claim was in flight
    if (this.stopped) controller.abort(new Error("worker stopping"));
    const heartbeat = setInterval(() => void this.beat(job.id, controller), this.heartbeatMs);
    heartbeat.unref();
    try {
      const outcome = await this.runModels(job, controller);
      if (outcome === "stopped") return;
      recordProfilingJob(outcome, (performance.now() - started) / 1000);
    } catch (error) {
      if (controller.signal.aborted) return this.afterAbort(job.id, started);
      this.logger.error("profiling job failed", { job: job.id, error });
      await this.finish(job.id, "failed", error instanceof Error ? error.message : String(error));
      recordProfilingJob("failed", (performance.now() - started) / 1000);
    } finally {
      clearInterval(heartbeat);
      this.current = undefined;
    }
  }

  private async runModels(job: ProfilingJob, controller: AbortController): Promise<"completed" | "failed" | "stopped"> {
    await this.registry.ensureFresh(this.config.ROUTER_POLLING_INTERVAL * 1000);
    const progress: JobProgress = { totalModels: 0, completedModels: 0, ...(job.progress as JobProgress | null) };
    const models = await this.modelsFor(job);
    const prompts = selectPrompts(this.config.ROUTER_PROFILE_PROMPTS_PER_CATEGORY).filter((prompt) => prompt.check || this.judge);
    const done = new Set(progress.doneModels ?? []);
    const failed = new Set(progress.failedModels ?? []);
    Object.assign(progress, { totalModels: models.length, completedModels: done.size, totalPrompts: prompts.length });
    await this.saveProgress(job.id, progress, controller);
    const queue = models.filter((model) => !done.has(model.name));
    const worker = async () => {
      for (let model = queue.shift(); model; model = queue.shift()) {
        controller.signal.throwIfAborted();
        const perModel: ModelProgress = { state: "running", completedPrompts: 0, totalPrompts: prompts.length };
        progress.models = { ...progress.models, [model.name]: perModel };
        Object.assign(progress, { currentModel: model.name, completedPrompts: 0 });
        await this.saveProgress(job.id, progress, controller);
        try {
          await profileModel(
            { database: this.database, config: this.config, logger: this.logger, judge: this.judge, adapterFor: (backend) => this.registry.adapter(backend) },
            {
              jobId: job.id,
              model,
              prompts,
              signal: controller.signal,
              onPrompt: async (answered) => {
                progress.completedPrompts = perModel.completedPrompts = answered;
                await this.saveProgress(job.id, progress, controller);
              },
            },
          );
          perModel.state = "done";
        } catch (error) {
          if (controller.signal.aborted) throw error;
          Object.assign(perModel, { state: "failed", error: error instanceof Error ? error.message.slice(0, 300) : String(error) });
          failed.add(model.name);
          this.logger.warn("profiling a model failed", { job: job.id, model: model.name, error });
        }
        done.add(model.name);
        Object.assign(progress, { doneModels: [...done], completedModels: done.size, failedModels: [...failed] });
        await this.saveProgress(job.id, progress, controller);
      }
    };
    await Promise.all(Array.from({ length: this.config.ROUTER_PROFILE_PARALLEL_COUNT }, worker));
    delete progress.currentModel;
    const outcome = failed.size && failed.size === models.length ? "failed" : "completed";
    const error = failed.size ? `profiling failed for ${[...failed].join(", ")}` : null;
    return (await this.finish(job.id, outcome, error, progress)) ? outcome : "stopped";
  }

  /** The job's models (all profileable ones when it names none), skipping profiled ones unless forced. */
  private async modelsFor(job: ProfilingJob): Promise<RegisteredModel[]> {
    const available = profileable(this.registry.models(), this.judge?.model);
    const chosen = job.models.length ? job.models.flatMap((name) => this.registry.find(name) ?? []) : available;
    if (job.force) return chosen;
    const profiled = new Set((await this.database.db.select({ name: modelProfiles.name }).from(modelProfiles).where(isNotNull(modelProfiles.lastProfiled))).map((row) => row.name));
    const done = new Set((job.progress as JobProgress | null)?.doneModels ?? []);
    return chosen.filter((model) => !profiled.has(model.name) || done.has(model.name));
  }

  /** Writes progress while this instance still owns the running job; otherwise stops the job here. */
  private async saveProgress(id: string, progress: JobProgress, controller: AbortController): Promise<void> {
    const rows = await this.database.db
      .update(profilingJobs)
      .set({ progress: { ...progress }, heartbeatAt: sql`now()` })
      .where(and(eq(profilingJobs.id, id), eq(profilingJobs.owner, this.instanceId), eq(profilingJobs.status, "running")))
      .returning({ id: profilingJobs.id });
    if (!rows.length) controller.abort(new Error("job cancelled or taken over"));
    controller.signal.throwIfAborted();
  }

  private async beat(id: string, controller: AbortController): Promise<void> {
    try {
      const rows = await this.database.db
        .update(profilingJobs)
        .set({ heartbeatAt: sql`now()` })
        .where(and(eq(profilingJobs.id, id), eq(profilingJobs.owner, this.instanceId), eq(profilingJobs.status, "running")))
        .returning({ id: profilingJobs.id });
      if (!rows.length) controller.abort(new Error("job cancelled or taken over"));
    } catch (error) {
      this.logger.debug("profiling heartbeat failed", { error });
    }
  }

  private async finish(id: string, status: "completed" | "failed", error: string | null, progress?: JobProgress): Promise<boolean> {
    const rows = await this.database.db
      .update(profilingJobs)
      .set({ status, error, finishedAt: sql`now()`, ...(progress ? { progress: { ...progress } } : {}) })
      .where(and(eq(profilingJobs.id, id), eq(profilingJobs.owner, this.instanceId), eq(profilingJobs.status, "running")))
      .returning({ id: profilingJobs.id });
    return rows.length > 0;
  }

  /** Cancelled: already recorded by cancelJob. Stopping: hand the job back so it resumes. */
  private async afterAbort(id: string, started: number): Promise<void> {
    if (!this.stopped) {
      recordProfilingJob("cancelled", (performance.now() - started) / 1000);
      return;
    }
    await this.database.db
      .update(profilingJobs)
      .set({ status: "queued", owner: null })
      .where(and(eq(profilingJobs.id, id), eq(profilingJobs.owner, this.instanceId), eq(profilingJobs.status, "running")));
    this.logger.info("profiling job handed back for later", { job: id });
  }
}

/** Reachable chat models worth profiling. */
export function profileable(models: readonly RegisteredModel[], judgeModel?: string): RegisteredModel[] {
  return models.filter((model) => model.reachable && isProfiledKind(model, judgeModel));
}

/** Not embedding-only, and not the judge itself (it would grade its own answers). */
export function isProfiledKind(model: Pick<RegisteredModel, "name" | "capabilities">, judgeModel?: string): boolean {
  return model.name !== judgeModel && !(model.capabilities?.length && model.capabilities.every((c) => c === "embedding"));
}

export async function createJob(database: DatabaseHandle, input: { models?: string[]; force?: boolean }): Promise<ProfilingJob> {
  const [job] = await database.db
    .insert(profilingJobs)
    .values({ models: input.models ?? [], force: input.force ?? false })
    .returning();
  return job;
}

export async function readJob(database: DatabaseHandle, id: string): Promise<ProfilingJob | undefined> {
  const [job] = await database.db.select().from(profilingJobs).where(eq(profilingJobs.id, id));
  return job;
}

/** Newest first; `active` keeps only queued and running jobs. */
export async function readJobs(database: DatabaseHandle, page: { limit: number; offset: number; active?: boolean }): Promise<{ jobs: ProfilingJob[]; total: number }> {
  const where = page.active ? inArray(profilingJobs.status, ACTIVE) : undefined;
  const [jobs, [{ total }]] = await Promise.all([
    database.db.select().from(profilingJobs).where(where).orderBy(desc(profilingJobs.createdAt)).limit(page.limit).offset(page.offset),
    database.db.select({ total: count() }).from(profilingJobs).where(where),
  ]);
  return { jobs, total };
}

/** Cancels a queued or running job; false when it does not exist or already finished. */
export async function cancelJobById(database: DatabaseHandle, id: string): Promise<boolean> {
  const rows = await database.db
    .update(profilingJobs)
    .set({ status: "cancelled", finishedAt: sql`now()` })
    .where(and(eq(profilingJobs.id, id), inArray(profilingJobs.status, ACTIVE)))
    .returning({ id: profilingJobs.id });
  return rows.length > 0;
}
