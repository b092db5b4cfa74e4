import type { BenchmarkSyncRun } from "../db/schema";
import { lastSyncRun, syncBenchmarks, type BenchmarkRuntime } from "./service";

// The background sync: for every backend kind (the original synced only for Ollama). Due when the
// last run started more than the interval ago; a run still marked "running" for under an hour
// counts as in progress (another instance may be syncing), an older one as abandoned.

const CHECK_EVERY_MS = 15 * 60_000;
const ABANDONED_AFTER_MS = 60 * 60_000;

export type BenchmarkSchedule = { stop(): void };

export function isSyncDue(last: Pick<BenchmarkSyncRun, "startedAt" | "status"> | undefined, intervalHours: number, now: number): boolean {
  if (intervalHours <= 0) return false;
  if (!last) return true;
  const age = now - last.startedAt.getTime();
  if (last.status === "running" && age < ABANDONED_AFTER_MS) return false;
  return age >= intervalHours * 3_600_000;
}

/** One check: syncs when due and the backends have listed their models. Returns whether it synced. */
export async function runScheduledSync(runtime: BenchmarkRuntime, now = Date.now()): Promise<boolean> {
  if (!isSyncDue(await lastSyncRun(runtime.database), runtime.config.ROUTER_BENCHMARK_SYNC_INTERVAL_HOURS, now)) return false;
  await runtime.registry.ensureFresh(runtime.config.ROUTER_POLLING_INTERVAL * 1000);
  // Without models there is nothing to match; try again at the next check.
  if (runtime.registry.models().length === 0) return false;
  await syncBenchmarks(runtime);
  return true;
}

/** Started once per process by the runtime; checks now, then every 15 minutes. */
export function startBenchmarkSchedule(runtime: BenchmarkRuntime): BenchmarkSchedule {
  if (runtime.config.ROUTER_BENCHMARK_SYNC_INTERVAL_HOURS <= 0) return { stop: () => {} };
  const check = () =>
    void runScheduledSync(runtime).catch((error: unknown) => runtime.logger.warn("scheduled benchmark sync failed", { error }));
  const first = setTimeout(check, 5_000);
  const timer = setInterval(check, CHECK_EVERY_MS);
  first.unref();
  timer.unref();
  return {
    stop: () => {
      clearTimeout(first);
      clearInterval(timer);
    },
  };
}
