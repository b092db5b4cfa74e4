import { context } from "@opentelemetry/api";
import { EventStreamResponse, headerOf } from "../gateway/responses";
import type { Logger } from "./logger";
import { recordHttpRequest, recordOverhead } from "./metrics";
import { processLogger } from "./process-logger";
import { arrivalOf } from "./request-timing";
import { startRequestTrace } from "./tracing";

export type RouteHandler = (request: Request) => Promise<Response>;

export type ObservabilityOptions = {
  /** Defaults to the process logger. */
  logger?: Logger;
  /** No log line per request (scrapes and health probes would drown the log). */
  quiet?: boolean;
};

/** The endpoint label of every path no route matches. */
export const UNMATCHED_ENDPOINT = "unmatched";

// Only the standard methods become label values; anything else is "OTHER".
const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);

/**
 * Wraps a route handler with the request span, the request metrics and one log line. `endpoint`
 * is the route TEMPLATE (never the raw path, so unknown paths cannot create new series). For a
 * streamed body everything is recorded when the stream ends or the client cancels it.
 */
export function withObservability(endpoint: string, handler: RouteHandler, options: ObservabilityOptions = {}): RouteHandler {
  return async (request) => {
    const started = arrivalOf(request);
    const method = METHODS.has(request.method) ? request.method : "OTHER";
    const requestTrace = startRequestTrace(method, endpoint);
    const finish = (response: Response | undefined, status: number) => {
      const seconds = (performance.now() - started) / 1000;
      recordHttpRequest({ endpoint, method, status, seconds, traceId: requestTrace.sampledTraceId });
      const header = (name: string) => (response ? headerOf(response, name) : null) ?? undefined;
      const overheadMs = header("x-smarterrouter-overhead-ms");
      if (overheadMs) recordOverhead(endpoint, Number(overheadMs) / 1000, requestTrace.sampledTraceId);
      requestTrace.end(status);
      if (options.quiet) return;
      (options.logger ?? processLogger()).info("request", {
        request_id: header("x-request-id"),
        trace_id: requestTrace.traceId,
        endpoint,
        method,
        ...(endpoint === UNMATCHED_ENDPOINT ? { path: new URL(request.url).pathname.slice(0, 200) } : {}),
        model: header("x-smarterrouter-model"),
        category: header("x-smarterrouter-category"),
        status,
        latency_ms: Math.round(seconds * 1000),
      });
    };

    let response: Response;
    try {
      response = await context.with(requestTrace.context, () => handler(request));
    } catch (error) {
      finish(undefined, 500);
      throw error;
    }
    // 499 (client closed request) when the client leaves before the stream ends.
    let ended = false;
    const onEnd = (cancelled: boolean) => {
      if (ended) return;
      ended = true;
      finish(response, cancelled ? 499 : response.status);
    };
    if (response instanceof EventStreamResponse) {
      return response.withChunks(observeChunksEnd(response.chunks, onEnd), () => {
        response.cancel();
        onEnd(true);
      });
    }
    // The handlers' streams are EventStreamResponses: anything else is whole once it is returned.
    finish(response, response.status);
    return response;
  };
}

/** The same chunks; `onEnd` (which runs once) when they end or fail (false) or the consumer stops early (true). */
async function* observeChunksEnd<T>(source: AsyncIterable<T>, onEnd: (cancelled: boolean) => void): AsyncGenerator<T> {
  let done = false;
  try {
    yield* source;
    done = true;
  } catch (error) {
    done = true;
    throw error;
  } finally {
    onEnd(!done);
  }
}
