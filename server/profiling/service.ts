import { asc, count, desc, eq } from "drizzle-orm";
import { modelProfiles, profilingAnswers, type ModelProfile, type ProfilingAnswer, type ProfilingJob } from "../db/schema";
import type { Runtime } from "../runtime";
import { cancelJobById, createJob, readJob, readJobs, type JobProgress } from "./jobs";

// Domain functions over profiling, for the admin REST routes and the console's tRPC routers.

export class ProfilingInputError extends Error {}

export type JobView = {
  id: string;
  status: ProfilingJob["status"];
  models: string[];
  force: boolean;
  progress: JobProgress | null;
  owner: string | null;
  error: string | null;
  createdAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  heartbeatAt: string | null;
};

const MAX_MODELS = 500;

/** Queues a (re-)profile of `models` (all chat models when absent) and returns at once. */
export async function startProfilingJob(runtime: Runtime, input: { models?: string[]; force?: boolean }): Promise<JobView> {
  const models = input.models?.map((name) => name.trim()).filter(Boolean);
  if (models && models.length > MAX_MODELS) throw new ProfilingInputError(`at most ${MAX_MODELS} models per job`);
  if (models?.length) {
    await runtime.registry.ensureFresh(runtime.config.ROUTER_POLLING_INTERVAL * 1000);
    const unknown = models.filter((name) => !runtime.registry.find(name));
    if (unknown.length) throw new ProfilingInputError(`unknown model(s): ${unknown.join(", ")}`);
  }
  const job = await createJob(runtime.database, { models: models ? [...new Set(models)] : [], force: input.force ?? false });
  runtime.profiler.kick();
  return toJobView(job);
}

export async function getJob(runtime: Runtime, id: string): Promise<JobView | undefined> {
  if (!isUuid(id)) return undefined;
  const job = await readJob(runtime.database, id);
  return job && toJobView(job);
}

export async function listJobs(runtime: Runtime, page: { limit: number; offset: number; active?: boolean }): Promise<{ jobs: JobView[]; total: number }> {
  const { jobs, total } = await readJobs(runtime.database, page);
  return { jobs: jobs.map(toJobView), total };
}

/** True when the job was queued or running and is now cancelled. */
export async function cancelJob(runtime: Runtime, id: string): Promise<boolean> {
  return isUuid(id) ? cancelJobById(runtime.database, id) : false;
}

export async function listProfiles(runtime: Runtime, page: { limit: number; offset: number } = { limit: 1000, offset: 0 }): Promise<{ profiles: ModelProfile[]; total: number }> {
  const { db } = runtime.database;
  const [profiles, [{ total }]] = await Promise.all([
    db.select().from(modelProfiles).orderBy(asc(modelProfiles.name)).limit(page.limit).offset(page.offset),
    db.select({ total: count() }).from(modelProfiles),
  ]);
  return { profiles, total };
}

/** A model's profile and the answers of its latest profiling run, each with the judge's score and rationale. */
export async function getProfileDetail(runtime: Runtime, model: string): Promise<{ profile: ModelProfile; answers: ProfilingAnswer[] } | undefined> {
  const { db } = runtime.database;
  const [profile] = await db.select().from(modelProfiles).where(eq(modelProfiles.name, model));
  if (!profile) return undefined;
  const [latest] = await db.select({ jobId: profilingAnswers.jobId }).from(profilingAnswers).where(eq(profilingAnswers.model, model)).orderBy(desc(profilingAnswers.createdAt)).limit(1);
  const answers = latest
    ? await db
        .select()
        .from(profilingAnswers)
        .where(eq(profilingAnswers.jobId, latest.jobId))
        .then((rows) => rows.filter((row) => row.model === model).sort((a, b) => a.id - b.id))
    : [];
  return { profile, answers };
}

function toJobView(job: ProfilingJob): JobView {
  const iso = (date: Date | null) => (date ? date.toISOString() : null);
  return {
    id: job.id,
    status: job.status,
    models: job.models,
    force: job.force,
    progress: job.progress as JobProgress | null,
    owner: job.owner,
    error: job.error,
    createdAt: job.createdAt.toISOString(),
    startedAt: iso(job.startedAt),
    finishedAt: iso(job.finishedAt),
    heartbeatAt: iso(job.heartbeatAt),
  };
}

const isUuid = (id: string): boolean => /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(id);
