import { desc, sql } from "drizzle-orm";
import { benchmarkSyncRuns, type BenchmarkSyncRun } from "../db/schema";
import { configuredSources, lastSyncRun, syncBenchmarks, type BenchmarkRuntime } from "./service";
import { repeatInBackground } from "../background-timer";

// The background sync: for every backend kind (the original synced only for Ollama). Due when the
// last run started more than the interval ago; a run still marked "running" for under an hour
// counts as in progress (another instance may be syncing), an older one as abandoned. Instances
// claim a run in one transaction under an advisory lock, so a cluster syncs once per interval.

const CHECK_EVERY_MS = 15 * 60_000;
const ABANDONED_AFTER_MS = 60 * 60_000;
const RETRY_FAILED_AFTER_MS = 60 * 60_000;
// pg_try_advisory_xact_lock key for claiming a scheduled run ("SRBENCH").
const CLAIM_LOCK_KEY = 0x5352_4245_4e43n;

export type BenchmarkSchedule = { stop(): void };

export function isSyncDue(last: Pick<BenchmarkSyncRun, "startedAt" | "status"> | undefined, intervalHours: number, now: number): boolean {
  if (intervalHours <= 0) return false;
  if (!last) return true;
  const age = now - last.startedAt.getTime();
  if (last.status === "running" && age < ABANDONED_AFTER_MS) return false;
  // A run where every source failed is retried within the hour, not a whole interval later (the original waited a day).
  const wait = last.status === "failed" ? Math.min(intervalHours * 3_600_000, RETRY_FAILED_AFTER_MS) : intervalHours * 3_600_000;
  return age >= wait;
}

/** Inserts the "running" row when a run is due and no other instance holds the claim; its id, else undefined. */
export async function claimScheduledRun(runtime: BenchmarkRuntime, now: number): Promise<number | undefined> {
  return runtime.database.db.transaction(async (tx) => {
    const result = await tx.execute(sql`select pg_try_advisory_xact_lock(${CLAIM_LOCK_KEY.toString()}::bigint) as locked`);
    const rows = (Array.isArray(result) ? result : (result as { rows: unknown[] }).rows) as { locked: boolean }[];
    if (!rows[0]?.locked) return undefined;
    const [last] = await tx.select().from(benchmarkSyncRuns).orderBy(desc(benchmarkSyncRuns.startedAt), desc(benchmarkSyncRuns.id)).limit(1);
    if (!isSyncDue(last, runtime.config.ROUTER_BENCHMARK_SYNC_INTERVAL_HOURS, now)) return undefined;
    const [run] = await tx.insert(benchmarkSyncRuns).values({ status: "running", sources: configuredSources(runtime.config) }).returning({ id: benchmarkSyncRuns.id });
    return run.id;
  });
}

/** One check: syncs when due, the backends have listed their models, and this instance wins the claim. */
export async function runScheduledSync(runtime: BenchmarkRuntime, now = Date.now()): Promise<boolean> {
  if (!isSyncDue(await lastSyncRun(runtime.database), runtime.config.ROUTER_BENCHMARK_SYNC_INTERVAL_HOURS, now)) return false;
  await runtime.registry.ensureFresh(runtime.config.ROUTER_POLLING_INTERVAL * 1000);
  // Without models there is nothing to match; try again at the next check.
  if (runtime.registry.models().length === 0) return false;
  const runId = await claimScheduledRun(runtime, now);
  if (runId === undefined) return false;
  await syncBenchmarks(runtime, { runId });
  return true;
}

/** Started once per process by the runtime; checks soon after start, then every 15 minutes. */
export function startBenchmarkSchedule(runtime: BenchmarkRuntime): BenchmarkSchedule {
  if (runtime.config.ROUTER_BENCHMARK_SYNC_INTERVAL_HOURS <= 0) return { stop: () => {} };
  const check = () =>
    void runScheduledSync(runtime).catch((error: unknown) => runtime.logger.warn("scheduled benchmark sync failed", { error }));
  return { stop: repeatInBackground(5_000, CHECK_EVERY_MS, check) };
}
