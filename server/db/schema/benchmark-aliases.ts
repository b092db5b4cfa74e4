import { jsonb, pgTable, text } from "drizzle-orm/pg-core";
import { timestamptz } from "./columns";

/** Operator-set benchmark names for a local model: when present, only these names match it. */
export const benchmarkAliases = pgTable("benchmark_aliases", {
  modelName: text("model_name").primaryKey(),
  benchmarkNames: jsonb("benchmark_names").$type<string[]>().notNull(),
  updatedAt: timestamptz("updated_at")
    .notNull()
    .defaultNow()
    .$onUpdate(() => new Date()),
  updatedBy: text("updated_by"),
});

export type BenchmarkAlias = typeof benchmarkAliases.$inferSelect;
