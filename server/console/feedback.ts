import { desc, max, sql } from "drizzle-orm";
import { modelFeedback } from "../db/schema";
import type { Runtime } from "../runtime";

// The Feedback page: recent ratings (paginated) and per-model aggregates.

export async function listFeedback(runtime: Runtime, input: { page: number; pageSize: number }) {
  const { db } = runtime.database;
  const [rows, [total], aggregates] = await Promise.all([
    db.select().from(modelFeedback).orderBy(desc(modelFeedback.createdAt), desc(modelFeedback.id)).limit(input.pageSize).offset((input.page - 1) * input.pageSize),
    db.select({ count: sql<number>`count(*)::int` }).from(modelFeedback),
    db
      .select({
        model: modelFeedback.modelName,
        count: sql<number>`count(*)::int`,
        mean: sql<number>`avg(${modelFeedback.score})::float8`,
        positive: sql<number>`count(*) filter (where ${modelFeedback.score} > 0)::int`,
        negative: sql<number>`count(*) filter (where ${modelFeedback.score} < 0)::int`,
        latest: max(modelFeedback.createdAt),
      })
      .from(modelFeedback)
      .groupBy(modelFeedback.modelName)
      .orderBy(sql`2 desc`)
      .limit(100),
  ]);
  return {
    rows: rows.map((row) => ({ id: row.id, createdAt: row.createdAt.toISOString(), model: row.modelName, score: row.score, category: row.category, comment: row.comment, source: row.source, responseId: row.responseId })),
    total: total.count,
    page: input.page,
    pageSize: input.pageSize,
    aggregates: aggregates.map((row) => ({ ...row, latest: row.latest?.toISOString() ?? null })),
  };
}
