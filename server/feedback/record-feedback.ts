import { desc, eq } from "drizzle-orm";
import type { DatabaseHandle } from "../db";
import { modelFeedback, routingDecisions } from "../db/schema";
import type { TaskCategory } from "../routing/categories";

export type FeedbackInput = {
  responseId?: string;
  model?: string;
  /** Normalised to [-1, 1]. */
  score: number;
  comment?: string;
  category?: TaskCategory;
  source?: string;
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
  const [row] = await database.db
    .insert(modelFeedback)
    .values({
      responseId: input.responseId,
      modelName: model,
      promptHash: decision?.promptHash,
      score: input.score,
      category: input.category ?? decision?.category ?? undefined,
      comment: input.comment,
      source: input.source ?? "api",
    })
    .returning({ id: modelFeedback.id });
  return { ok: true, id: row.id, model, linked: Boolean(decision) };
}
