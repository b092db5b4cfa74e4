import { boolean, check, index, jsonb, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { oneOf, timestamptz } from "./columns";

// "interrupted": its owner stopped responding too many times; the answers it recorded are kept.
export const PROFILING_JOB_STATUSES = ["queued", "running", "completed", "failed", "cancelled", "interrupted"] as const;
export type ProfilingJobStatus = (typeof PROFILING_JOB_STATUSES)[number];

export type ProfilingJobProgress = {
  totalModels: number;
  completedModels: number;
  currentModel?: string;
  completedPrompts?: number;
  totalPrompts?: number;
  failedModels?: string[];
  /** Times the job was taken over after its owner stopped heartbeating. */
  resumedCount?: number;
};

export const profilingJobs = pgTable(
  "profiling_jobs",
  {
    id: uuid("id").primaryKey().defaultRandom(),
    status: text("status", { enum: PROFILING_JOB_STATUSES }).notNull().default("queued"),
    models: jsonb("models").$type<string[]>().notNull().default([]),
    /** Re-profile models that already have a profile (operator re-profile); false skips them. */
    force: boolean("force").notNull().default(false),
    progress: jsonb("progress").$type<ProfilingJobProgress>(),
    /** Instance id of the process running the job; a stale heartbeat lets another instance take over. */
    owner: text("owner"),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
    startedAt: timestamptz("started_at"),
    finishedAt: timestamptz("finished_at"),
    heartbeatAt: timestamptz("heartbeat_at"),
    error: text("error"),
  },
  (t) => [
    index("profiling_jobs_status_created_at_idx").on(t.status, t.createdAt),
    check("profiling_jobs_status_valid", oneOf(t.status, PROFILING_JOB_STATUSES)),
  ],
);

export type ProfilingJob = typeof profilingJobs.$inferSelect;
export type NewProfilingJob = typeof profilingJobs.$inferInsert;
