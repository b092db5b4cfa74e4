import { context, isSpanContextValid, SpanKind, SpanStatusCode, trace, TraceFlags, type Attributes, type Context, type Span } from "@opentelemetry/api";
import {
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_EVALUATION_EXPLANATION,
  ATTR_GEN_AI_EVALUATION_NAME,
  ATTR_GEN_AI_EVALUATION_SCORE_LABEL,
  ATTR_GEN_AI_EVALUATION_SCORE_VALUE,
  ATTR_GEN_AI_INPUT_MESSAGES,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_OUTPUT_MESSAGES,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MAX_TOKENS,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_REQUEST_STREAM,
  ATTR_GEN_AI_REQUEST_TEMPERATURE,
  ATTR_GEN_AI_REQUEST_TOP_P,
  ATTR_GEN_AI_RESPONSE_FINISH_REASONS,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_HTTP_REQUEST_METHOD,
  ATTR_HTTP_RESPONSE_STATUS_CODE,
  ATTR_HTTP_ROUTE,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  EVENT_GEN_AI_EVALUATION_RESULT,
} from "@opentelemetry/semantic-conventions/incubating";
import { VERSION } from "../version";

// Span helpers on the OpenTelemetry API only: with no SDK registered (OTEL_EXPORTER_OTLP_ENDPOINT
// unset) every call here is a cheap no-op. instrumentation.node.ts registers the SDK.

const TRACER_NAME = "smarterrouter";

// Looked up per use: the global provider may be registered after this module loads.
const tracer = () => trace.getTracer(TRACER_NAME, VERSION);

/** The id of the trace `ctx` belongs to; with `sampledOnly`, only when the trace will be exported. */
export function traceIdOf(ctx: Context = context.active(), sampledOnly = false): string | undefined {
  const spanContext = trace.getSpanContext(ctx);
  if (!spanContext || !isSpanContextValid(spanContext)) return undefined;
  if (sampledOnly && (spanContext.traceFlags & TraceFlags.SAMPLED) === 0) return undefined;
  return spanContext.traceId;
}

/** For exemplars: the span's trace id when that trace is sampled (exported), else undefined. */
export function spanTraceId(span: Span): string | undefined {
  const spanContext = span.spanContext();
  return isSpanContextValid(spanContext) && (spanContext.traceFlags & TraceFlags.SAMPLED) !== 0 ? spanContext.traceId : undefined;
}

export type RequestTrace = {
  /** Run the handler in this context: the route and backend spans become its children. */
  context: Context;
  traceId?: string;
  /** For exemplars: set only when the trace is sampled. */
  sampledTraceId?: string;
  end: (status: number) => void;
};

/**
 * The span of one HTTP request. Under Next with the SDK registered, Next's own server span is
 * already active and is used as is; elsewhere (the test harness, a plain node server) a SERVER
 * span is started here.
 */
export function startRequestTrace(method: string, route: string): RequestTrace {
  const active = context.active();
  if (trace.getSpan(active)) return { context: active, traceId: traceIdOf(active), sampledTraceId: traceIdOf(active, true), end: () => undefined };
  const span = tracer().startSpan(`${method} ${route}`, { kind: SpanKind.SERVER, attributes: { [ATTR_HTTP_REQUEST_METHOD]: method, [ATTR_HTTP_ROUTE]: route } }, active);
  const ctx = trace.setSpan(active, span);
  return {
    context: ctx,
    traceId: traceIdOf(ctx),
    sampledTraceId: traceIdOf(ctx, true),
    end: (status) => {
      span.setAttribute(ATTR_HTTP_RESPONSE_STATUS_CODE, status);
      if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    },
  };
}

export type RouteFacts = {
  category?: string;
  complexity?: number;
  tier?: string;
  selectedModel?: string;
  /** How many models were scored. */
  candidates: number;
  reason: "routed" | "explicit" | "cache_hit";
  cacheHit: boolean;
  /** Routing itself failed (the request then fails too). */
  error?: string;
};

/** The `route` span: started before analysis, a child of the request span. */
export function startRouteSpan(): Span {
  return tracer().startSpan("route", { kind: SpanKind.INTERNAL });
}

export function endRouteSpan(span: Span, facts: RouteFacts): void {
  const attributes: Attributes = {
    "smarterrouter.routing.candidates": facts.candidates,
    "smarterrouter.routing.reason": facts.reason,
    "smarterrouter.routing.cache_hit": facts.cacheHit,
  };
  if (facts.category) attributes["smarterrouter.routing.category"] = facts.category;
  if (facts.complexity !== undefined) attributes["smarterrouter.routing.complexity"] = facts.complexity;
  if (facts.tier) attributes["smarterrouter.routing.complexity_tier"] = facts.tier;
  if (facts.selectedModel) attributes["smarterrouter.routing.selected_model"] = facts.selectedModel;
  if (facts.error) span.setStatus({ code: SpanStatusCode.ERROR, message: facts.error });
  span.setAttributes(attributes);
  span.end();
}

export type GenAiSpanStart = {
  operation: "chat" | "embeddings";
  provider: string;
  model: string;
  serverAddress?: string;
  serverPort?: number;
  temperature?: number;
  topP?: number;
  maxTokens?: number;
  stream?: boolean;
  /** gen_ai.input.messages as JSON; only when the operator opted in to content tracing. */
  inputMessages?: string;
};

/** A `chat {model}` / `embeddings {model}` CLIENT span for one backend attempt (siblings under the request span). */
export function startGenAiSpan(input: GenAiSpanStart): Span {
  const attributes: Attributes = {
    [ATTR_GEN_AI_OPERATION_NAME]: input.operation,
    [ATTR_GEN_AI_PROVIDER_NAME]: input.provider,
    [ATTR_GEN_AI_REQUEST_MODEL]: input.model,
  };
  if (input.serverAddress) attributes[ATTR_SERVER_ADDRESS] = input.serverAddress;
  if (input.serverPort) attributes[ATTR_SERVER_PORT] = input.serverPort;
  if (input.temperature !== undefined) attributes[ATTR_GEN_AI_REQUEST_TEMPERATURE] = input.temperature;
  if (input.topP !== undefined) attributes[ATTR_GEN_AI_REQUEST_TOP_P] = input.topP;
  if (input.maxTokens !== undefined) attributes[ATTR_GEN_AI_REQUEST_MAX_TOKENS] = input.maxTokens;
  if (input.stream !== undefined) attributes[ATTR_GEN_AI_REQUEST_STREAM] = input.stream;
  if (input.inputMessages !== undefined) attributes[ATTR_GEN_AI_INPUT_MESSAGES] = input.inputMessages;
  return tracer().startSpan(`${input.operation} ${input.model}`, { kind: SpanKind.CLIENT, attributes });
}

/** Runs `fn` with `span` active, so spans started inside (Next's fetch spans) become its children. */
export function withSpan<T>(span: Span, fn: () => T): T {
  return context.with(trace.setSpan(context.active(), span), fn);
}

export type GenAiSpanEnd = {
  responseModel?: string;
  inputTokens?: number;
  outputTokens?: number;
  finishReasons?: string[];
  /** gen_ai.output.messages as JSON; only with content tracing on. */
  outputMessages?: string;
  /** The response cache answered: no backend call was made. */
  cached?: boolean;
  /** Set on failure: a short, bounded kind (timeout, http_5xx, …). */
  errorType?: string;
  errorMessage?: string;
};

export function endGenAiSpan(span: Span, outcome: GenAiSpanEnd): void {
  const attributes: Attributes = {};
  if (outcome.responseModel) attributes[ATTR_GEN_AI_RESPONSE_MODEL] = outcome.responseModel;
  if (outcome.inputTokens !== undefined) attributes[ATTR_GEN_AI_USAGE_INPUT_TOKENS] = outcome.inputTokens;
  if (outcome.outputTokens !== undefined) attributes[ATTR_GEN_AI_USAGE_OUTPUT_TOKENS] = outcome.outputTokens;
  if (outcome.finishReasons) attributes[ATTR_GEN_AI_RESPONSE_FINISH_REASONS] = outcome.finishReasons;
  if (outcome.outputMessages !== undefined) attributes[ATTR_GEN_AI_OUTPUT_MESSAGES] = outcome.outputMessages;
  if (outcome.cached) attributes["smarterrouter.cache_hit"] = true;
  if (outcome.errorType) {
    attributes[ATTR_ERROR_TYPE] = outcome.errorType;
    span.setStatus({ code: SpanStatusCode.ERROR, message: outcome.errorMessage });
  }
  span.setAttributes(attributes);
  span.end();
}

export type Evaluation = { name: string; score: number; label?: string; explanation?: string };

/** A `gen_ai.evaluation.result` event (LLM-judge scores) on the span of the judged call. */
export function recordEvaluation(span: Span, evaluation: Evaluation): void {
  const attributes: Attributes = {
    [ATTR_GEN_AI_EVALUATION_NAME]: evaluation.name,
    [ATTR_GEN_AI_EVALUATION_SCORE_VALUE]: evaluation.score,
  };
  if (evaluation.label !== undefined) attributes[ATTR_GEN_AI_EVALUATION_SCORE_LABEL] = evaluation.label;
  if (evaluation.explanation !== undefined) attributes[ATTR_GEN_AI_EVALUATION_EXPLANATION] = evaluation.explanation;
  span.addEvent(EVENT_GEN_AI_EVALUATION_RESULT, attributes);
}

export type TracingHandle = { flush: () => Promise<void>; shutdown: () => Promise<void> };

// On globalThis: instrumentation.node.ts (in Next's bundle) starts the SDK, the custom server
// (another module copy) stops it after draining.
const tracingHolder = globalThis as unknown as { __smarterrouterTracing?: TracingHandle };

/** The running SDK's handle, set once by instrumentation.node.ts. */
export function tracingHandle(): TracingHandle | undefined {
  return tracingHolder.__smarterrouterTracing;
}

export function setTracingHandle(handle: TracingHandle): void {
  tracingHolder.__smarterrouterTracing = handle;
}

/** Exports buffered spans and stops the SDK, when one was started (graceful shutdown). */
export async function shutdownTracing(): Promise<void> {
  const handle = tracingHolder.__smarterrouterTracing;
  tracingHolder.__smarterrouterTracing = undefined;
  await handle?.shutdown();
}
