import { sql } from "drizzle-orm";
import { boolean, check, index, integer, jsonb, pgTable, real, text } from "drizzle-orm/pg-core";
import type { TaskCategory } from "../../routing/categories";
import { timestamptz } from "./columns";

/** Per-category quality, each in [0, 1]; a missing category means "not measured". */
export type CategoryScores = Partial<Record<TaskCategory, number>>;

// "check": graded by deterministic checks only (math answers, JSON fields, code tests), no judge.
export const SCORE_SOURCES = ["judge", "check", "heuristic", "manual", "benchmark"] as const;
export type ScoreSource = (typeof SCORE_SOURCES)[number];

/** Where one category score came from, so the console can show (and routing can weigh) how it was measured. */
export type ScoreProvenanceEntry = {
  source: ScoreSource;
  judgeModel?: string;
  samples?: number;
  /** ISO-8601 time of the measurement. */
  at?: string;
};
export type ScoreProvenance = Partial<Record<TaskCategory, ScoreProvenanceEntry>>;

export const modelProfiles = pgTable(
  "model_profiles",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    /** The model tag exactly as its backend lists it (e.g. `llama3.1:8b-instruct-q4_K_M`). */
    name: text("name").notNull().unique("model_profiles_name_unique"),
    backend: text("backend"),
    scores: jsonb("scores").$type<CategoryScores>().notNull().default({}),
    scoreProvenance: jsonb("score_provenance").$type<ScoreProvenance>().notNull().default({}),
    speed: real("speed"),
    avgResponseTimeMs: real("avg_response_time_ms"),
    tokensPerSecond: real("tokens_per_second"),
    timeToFirstTokenMs: real("time_to_first_token_ms"),
    /** Wall time of the profiling warm-up request on a cold model: load plus a one-token answer. */
    loadTimeMs: real("load_time_ms"),
    vision: boolean("vision").notNull().default(false),
    toolCalling: boolean("tool_calling").notNull().default(false),
    embeddings: boolean("embeddings").notNull().default(false),
    parameterCountB: real("parameter_count_b"),
    quantization: text("quantization"),
    family: text("family"),
    contextLength: integer("context_length"),
    vramRequiredGb: real("vram_required_gb"),
    vramMeasuredAt: timestamptz("vram_measured_at"),
    firstSeen: timestamptz("first_seen").notNull().defaultNow(),
    lastProfiled: timestamptz("last_profiled"),
    updatedAt: timestamptz("updated_at")
      .notNull()
      .defaultNow()
      .$onUpdate(() => new Date()),
  },
  (t) => [
    index("model_profiles_backend_idx").on(t.backend),
    check("model_profiles_speed_range", sql`${t.speed} is null or (${t.speed} >= 0 and ${t.speed} <= 1)`),
  ],
);

export type ModelProfile = typeof modelProfiles.$inferSelect;
export type NewModelProfile = typeof modelProfiles.$inferInsert;
