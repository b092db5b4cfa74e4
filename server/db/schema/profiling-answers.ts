import { index, integer, pgTable, real, text, unique, uuid } from "drizzle-orm/pg-core";
import type { TaskCategory } from "../../routing/categories";
import { timestamptz } from "./columns";
import { profilingJobs } from "./profiling-jobs";

// "ungraded": answered, but only the judge could grade it and the judge failed; left out of the scores.
export const ANSWER_OUTCOMES = ["graded", "ungraded", "timeout", "error"] as const;
export type AnswerOutcome = (typeof ANSWER_OUTCOMES)[number];

/** One profiling prompt answered by one model in one job: what was measured and how it was graded. */
export const profilingAnswers = pgTable(
  "profiling_answers",
  {
    id: integer("id").primaryKey().generatedAlwaysAsIdentity(),
    jobId: uuid("job_id")
      .notNull()
      .references(() => profilingJobs.id, { onDelete: "cascade" }),
    model: text("model").notNull(),
    category: text("category").$type<TaskCategory>().notNull(),
    promptId: text("prompt_id").notNull(),
    outcome: text("outcome", { enum: ANSWER_OUTCOMES }).notNull(),
    /** Final score of the answer in [0, 1]; 0 for a timeout or an error. */
    score: real("score").notNull(),
    /** Deterministic check (math answer, JSON fields, code tests) when the prompt has one. */
    checkScore: real("check_score"),
    judgeScore: real("judge_score"),
    judgeRationale: text("judge_rationale"),
    judgeModel: text("judge_model"),
    /** The model's answer, cut to a few KB. */
    answer: text("answer"),
    error: text("error"),
    timeToFirstTokenMs: real("time_to_first_token_ms"),
    tokensPerSecond: real("tokens_per_second"),
    durationMs: real("duration_ms"),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
  },
  (t) => [unique("profiling_answers_job_model_prompt_unique").on(t.jobId, t.model, t.promptId), index("profiling_answers_model_idx").on(t.model, t.createdAt)],
);

export type ProfilingAnswer = typeof profilingAnswers.$inferSelect;
export type NewProfilingAnswer = typeof profilingAnswers.$inferInsert;
