import { index, integer, jsonb, pgTable, real, text, unique, check } from "drizzle-orm/pg-core";
import { oneOf, timestamptz } from "./columns";
import type { CategoryScores } from "./model-profiles";

export const BENCHMARK_SOURCES = ["huggingface", "lmsys", "artificial_analysis", "file", "bundled"] as const;
export type BenchmarkSource = (typeof BENCHMARK_SOURCES)[number];

/** One row per (local model, upstream source): sources disagree, so they are kept side by side, not merged. */
export const modelBenchmarks = pgTable(
  "model_benchmarks",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    /** The local model tag this row was matched to. */
    modelName: text("model_name").notNull(),
    source: text("source", { enum: BENCHMARK_SOURCES }).notNull(),
    /** What the upstream source called the model (for auditing fuzzy name matches). */
    matchedName: text("matched_name"),
    mmlu: real("mmlu"),
    humaneval: real("humaneval"),
    math: real("math"),
    gpqa: real("gpqa"),
    hellaswag: real("hellaswag"),
    winogrande: real("winogrande"),
    truthfulqa: real("truthfulqa"),
    mmluPro: real("mmlu_pro"),
    eloRating: real("elo_rating"),
    throughput: real("throughput"),
    contextWindow: integer("context_window"),
    scores: jsonb("scores").$type<CategoryScores>().notNull().default({}),
    extra: jsonb("extra").$type<Record<string, unknown>>(),
    lastUpdated: timestamptz("last_updated").notNull().defaultNow(),
  },
  (t) => [
    unique("model_benchmarks_model_source_unique").on(t.modelName, t.source),
    index("model_benchmarks_source_idx").on(t.source),
    check("model_benchmarks_source_valid", oneOf(t.source, BENCHMARK_SOURCES)),
  ],
);

export type ModelBenchmark = typeof modelBenchmarks.$inferSelect;
export type NewModelBenchmark = typeof modelBenchmarks.$inferInsert;
