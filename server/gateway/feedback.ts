import { recordFeedback } from "../feedback/record-feedback";
import { recordFeedbackScore } from "../observability/metrics";
import type { Runtime } from "../runtime";
import { gatewayHeaders, jsonResponse, unexpectedErrorResponse } from "./responses";
import { readJsonBody, requestIdFor } from "./request-input";
import { WireError } from "./wire/errors";
import { withClientKey } from "./client-key";
import { parseFeedback } from "./wire/feedback";

const MAX_FEEDBACK_BYTES = 64 * 1024;

/** POST /v1/feedback */
export function handleFeedback(request: Request, runtime: Runtime): Promise<Response> {
  return withClientKey(request, runtime, "/v1/feedback", () => serveFeedback(request, runtime));
}

async function serveFeedback(request: Request, runtime: Runtime): Promise<Response> {
  const requestId = requestIdFor(request);
  try {
    if (!runtime.config.ROUTER_FEEDBACK_ENABLED) throw new WireError(403, "Feedback collection is disabled (ROUTER_FEEDBACK_ENABLED=false)");
    const input = parseFeedback(await readJsonBody(request, MAX_FEEDBACK_BYTES));
    const feedback = { responseId: input.response_id, model: input.model, score: input.score, comment: input.comment, category: input.category };
    let outcome;
    try {
      // A rating sent right after its response must find the decision: store the queued ones first.
      if (!(await runtime.decisions.flush())) throw new Error("routing decisions are not stored yet");
      outcome = await recordFeedback(runtime.database, feedback);
    } catch (error) {
      // The database is unavailable: keep the rating (bounded) and store it when it is back.
      runtime.logger.warn("feedback queued: the database is unavailable", { requestId, error });
      runtime.feedback.enqueue(feedback);
      return jsonResponse({ status: "queued", model: input.model ?? null, linked: false }, { status: 202, headers: gatewayHeaders({ requestId }) });
    }
    if (!outcome.ok) {
      if (outcome.reason === "unknown_response") throw new WireError(404, `No response with id '${input.response_id}' was routed here; send \`model\` to rate a model directly`, "response_id");
      throw new WireError(400, "Send `response_id` (from the chat response) or `model`", "response_id");
    }
    // Only discovered models become label values: a client may name any model in feedback.
    recordFeedbackScore(runtime.registry.find(outcome.model) ? outcome.model : "other", input.score);
    return jsonResponse({ status: "success", id: outcome.id, model: outcome.model, linked: outcome.linked }, { headers: gatewayHeaders({ requestId }) });
  } catch (error) {
    return unexpectedErrorResponse(error, { requestId, logger: runtime.logger, what: "feedback" });
  }
}
