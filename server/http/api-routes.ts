import { handleChatCompletions } from "../gateway/chat";
import { handleEmbeddings } from "../gateway/embeddings";
import { handleFeedback } from "../gateway/feedback";
import { listModels } from "../gateway/models";
import { serveHealth } from "../health";
import { withObservability, type RouteHandler } from "../observability/http";
import { serveMetrics } from "../observability/metrics-endpoint";
import type { Runtime } from "../runtime";

/**
 * The hot paths the custom server answers itself, keyed "METHOD /path": the same handlers and the
 * same observability wrapper as the app/ route files (which `next dev` keeps serving). Every other
 * method and path goes to Next, so 405s, the console, tRPC and /admin behave exactly as there.
 */
export function apiRoutes(runtime: Runtime): Map<string, RouteHandler> {
  const { config } = runtime;
  return new Map<string, RouteHandler>([
    ["POST /v1/chat/completions", withObservability("/v1/chat/completions", (request) => handleChatCompletions(request, runtime))],
    ["POST /v1/embeddings", withObservability("/v1/embeddings", (request) => handleEmbeddings(request, runtime))],
    ["POST /v1/feedback", withObservability("/v1/feedback", (request) => handleFeedback(request, runtime))],
    ["GET /v1/models", withObservability("/v1/models", () => listModels(runtime))],
    ["GET /health", withObservability("/health", () => serveHealth(runtime), { quiet: true })],
    ["GET /metrics", withObservability("/metrics", (request) => serveMetrics(request, config.ROUTER_METRICS_TOKEN), { quiet: true })],
  ]);
}
