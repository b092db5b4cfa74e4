// /v1/feedback body. Accepts both the original code's scale (signed, -1..1) and its docs' scale
// (positive, 0..2), always storing the signed score the routing bonus expects.
import { z } from "zod";
import { TASK_CATEGORIES, type TaskCategory } from "../../routing/categories";
import { WireError } from "./errors";
import { parseWith, requireObject } from "./validation";

export type FeedbackScale = "signed" | "positive";

export type ParsedFeedback = {
  response_id?: string;
  model?: string;
  /** Normalised to -1..1 whatever scale the client used. */
  score: number;
  scale: FeedbackScale;
  comment?: string;
  category?: TaskCategory;
};

const feedbackSchema = z.object({
  response_id: z.string().max(128).nullish(),
  model: z.string().max(256).nullish(),
  model_name: z.string().max(256).nullish(), // the original's field name
  score: z.number(),
  scale: z.enum(["signed", "positive"]).nullish(),
  comment: z.string().max(2000).nullish(),
  category: z.enum(TASK_CATEGORIES).nullish(),
});

const RANGES: Record<FeedbackScale, { min: number; max: number; offset: number }> = {
  signed: { min: -1, max: 1, offset: 0 },
  positive: { min: 0, max: 2, offset: -1 },
};

export function parseFeedback(body: unknown): ParsedFeedback {
  const raw = parseWith(feedbackSchema, requireObject(body));
  const scale = raw.scale ?? "signed";
  const range = RANGES[scale];
  if (raw.score < range.min || raw.score > range.max) {
    const message = `Invalid 'score': expected a value from ${range.min} to ${range.max} (scale '${scale}'), but got ${raw.score}.`;
    throw new WireError(400, message, "score", "invalid_value");
  }
  const responseId = raw.response_id?.trim();
  const model = raw.model?.trim() || raw.model_name?.trim();
  if (!responseId && !model) {
    const message = "Missing required parameter: 'response_id' or 'model' (which answer or model the feedback is about).";
    throw new WireError(400, message, "response_id", "missing_required_parameter");
  }
  const comment = raw.comment?.trim();
  return {
    ...(responseId ? { response_id: responseId } : {}),
    ...(model ? { model } : {}),
    score: raw.score + range.offset,
    scale,
    ...(comment ? { comment } : {}),
    ...(raw.category ? { category: raw.category } : {}),
  };
}
