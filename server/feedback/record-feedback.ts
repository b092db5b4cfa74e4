import { desc, eq, inArray } from "drizzle-orm";
import type { DatabaseHandle } from "../db";
import { modelFeedback, routingDecisions, type NewModelFeedback } from "../db/schema";
import type { TaskCategory } from "../routing/categories";

export type FeedbackInput = {
  responseId?: string;
  model?: string;
  /** Normalised to [-1, 1]. */
  score: number;
  comment?: string;
  category?: TaskCategory;
  source?: string;
  /** Set by FeedbackLog when it queues the rating: a retried batch stores it once. */
  writeKey?: string;
};

export type FeedbackOutcome =
  | { ok: true; id: number; model: string; linked: boolean }
  | { ok: false; reason: "unknown_response" | "model_required" };

/**
 * Stores one rating. A response id links it to the routing decision of that response, which
 * supplies the model, the category and the prompt hash; without a known response, a model name
 * is required.
 */
export async function recordFeedback(database: DatabaseHandle, input: FeedbackInput): Promise<FeedbackOutcome> {
  const [decision] = input.responseId
    ? await database.db
        .select({ model: routingDecisions.selectedModel, category: routingDecisions.category, promptHash: routingDecisions.promptHash })
        .from(routingDecisions)
        .where(eq(routingDecisions.responseId, input.responseId))
        .orderBy(desc(routingDecisions.id))
        .limit(1)
    : [];
  const model = input.model ?? decision?.model;
  if (!model) return { ok: false, reason: input.responseId ? "unknown_response" : "model_required" };
  const [row] = await database.db.insert(modelFeedback).values(feedbackRow(input, model, decision)).returning({ id: modelFeedback.id });
  return { ok: true, id: row.id, model, linked: Boolean(decision) };
}

/**
 * Stores queued ratings (sent while the database was down) in one insert, linked as recordFeedback
 * links them. All or nothing, so the write queue can retry a failed batch without duplicates.
 * Returns the ratings that could not be stored because neither their response nor a model is known.
 */
export async function storeFeedbackBatch(database: DatabaseHandle, inputs: FeedbackInput[]): Promise<FeedbackInput[]> {
  const responseIds = [...new Set(inputs.flatMap((input) => (input.responseId ? [input.responseId] : [])))];
  const decisions = responseIds.length
    ? await database.db
        .select({ responseId: routingDecisions.responseId, model: routingDecisions.selectedModel, category: routingDecisions.category, promptHash: routingDecisions.promptHash })
        .from(routingDecisions)
        .where(inArray(routingDecisions.responseId, responseIds))
        .orderBy(desc(routingDecisions.id))
    : [];
  const byResponse = new Map<string, (typeof decisions)[number]>();
  for (const decision of decisions) if (decision.responseId && !byResponse.has(decision.responseId)) byResponse.set(decision.responseId, decision);
  const unknown: FeedbackInput[] = [];
  const rows = inputs.flatMap((input) => {
    const decision = input.responseId ? byResponse.get(input.responseId) : undefined;
    const model = input.model ?? decision?.model;
    if (!model) {
      unknown.push(input);
      return [];
    }
    return [feedbackRow(input, model, decision)];
  });
  if (rows.length) await database.db.insert(modelFeedback).values(rows).onConflictDoNothing({ target: modelFeedback.writeKey });
  return unknown;
}

/** The stored rating: the category and prompt hash come from its decision when the client gave none. */
function feedbackRow(input: FeedbackInput, model: string, decision: Pick<typeof routingDecisions.$inferSelect, "category" | "promptHash"> | undefined): NewModelFeedback {
  return {
    responseId: input.responseId,
    modelName: model,
    promptHash: decision?.promptHash,
    score: input.score,
    category: input.category ?? decision?.category ?? undefined,
    comment: input.comment,
    source: input.source ?? "api",
    writeKey: input.writeKey,
  };
}
