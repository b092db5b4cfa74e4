import { sql } from "drizzle-orm";
import { check, index, integer, pgTable, real, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import type { TaskCategory } from "../../routing/categories";
import { timestamptz } from "./columns";

export const modelFeedback = pgTable(
  "model_feedback",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
    responseId: text("response_id"),
    modelName: text("model_name").notNull(),
    promptHash: text("prompt_hash"),
    /** In [-1, 1]: -1 bad, 0 neutral, 1 good. */
    score: real("score").notNull(),
    category: text("category").$type<TaskCategory>(),
    comment: text("comment"),
    /** Who gave it, e.g. "api" (POST /v1/feedback) or "console". */
    source: text("source").notNull().default("api"),
    /** Set when a rating is queued (FeedbackLog), so a retried batch never stores it twice (see routing_decisions.write_key). */
    writeKey: uuid("write_key"),
  },
  (t) => [
    index("model_feedback_response_id_idx").on(t.responseId),
    index("model_feedback_model_name_created_at_idx").on(t.modelName, t.createdAt),
    uniqueIndex("model_feedback_write_key_idx").on(t.writeKey),
    check("model_feedback_score_range", sql`${t.score} >= -1 and ${t.score} <= 1`),
  ],
);

export type ModelFeedback = typeof modelFeedback.$inferSelect;
export type NewModelFeedback = typeof modelFeedback.$inferInsert;
