import { check, index, integer, jsonb, pgTable, text } from "drizzle-orm/pg-core";
import { oneOf, timestamptz } from "./columns";

export const BENCHMARK_SYNC_STATUSES = ["running", "completed", "failed"] as const;
export type BenchmarkSyncStatus = (typeof BENCHMARK_SYNC_STATUSES)[number];

/** One row per sync attempt (the original appended two rows per sync; here a run is updated in place). */
export const benchmarkSyncRuns = pgTable(
  "benchmark_sync_runs",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    startedAt: timestamptz("started_at").notNull().defaultNow(),
    finishedAt: timestamptz("finished_at"),
    status: text("status", { enum: BENCHMARK_SYNC_STATUSES }).notNull().default("running"),
    sources: jsonb("sources").$type<string[]>().notNull().default([]),
    modelsCount: integer("models_count").notNull().default(0),
    error: text("error"),
  },
  (t) => [
    index("benchmark_sync_runs_started_at_idx").on(t.startedAt),
    check("benchmark_sync_runs_status_valid", oneOf(t.status, BENCHMARK_SYNC_STATUSES)),
  ],
);

export type BenchmarkSyncRun = typeof benchmarkSyncRuns.$inferSelect;
export type NewBenchmarkSyncRun = typeof benchmarkSyncRuns.$inferInsert;
