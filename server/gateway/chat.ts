import { hash } from "node:crypto";
import { replay } from "../backends/streams";
import { tokensForChars } from "../backends/usage";
import { BackendFailure, type BackendError, type ChatEvent, type ChatRequest, type FinishReason, type Result, type Usage } from "../backends/types";
import type { CachedAnswer } from "../cache/router-caches";
import { recordCacheLookup, recordModelSelection, recordRoutingDecision } from "../observability/metrics";
import { arrivalOf } from "../observability/request-timing";
import { endRouteSpan, startRouteSpan, traceIdOf } from "../observability/tracing";
import type { Runtime } from "../runtime";
import type { DecisionCandidate } from "../db/schema";
import type { RoutingDecision, ScoredCandidate } from "../routing/types";
import { attemptProbes } from "./attempt-telemetry";
import { runPlan, type AttemptRecord, type AttemptTarget } from "./attempts";
import { backendErrorResponse, EventStreamResponse, gatewayHeaders, jsonResponse, unexpectedErrorResponse } from "./responses";
import { readJsonBody, requestIdFor } from "./request-input";
import { routeChat } from "./route-request";
import { parseChatRequest } from "./wire/chat-request";
import {
  buildChunk,
  buildCompletion,
  buildUsageChunk,
  completionId,
  contentChunkWriter,
  createMessageAccumulator,
  SSE_DONE,
  sseData,
  sseError,
} from "./wire/chat-response";
import { WireError } from "./wire/errors";
import { createSignatureAppender, shouldSign, signContent, stripSignaturesFromHistory } from "./wire/signature";
import { withRateLimit } from "./rate-limit";
import { accountOf, chargeTokens, type RequestAccount } from "./token-limit";

const MAX_CONTENT_CHARS = 4_000_000;

type Routed = {
  plan: AttemptTarget[];
  decision?: RoutingDecision;
  cacheHit: boolean;
  explicit: boolean;
};

/** POST /v1/chat/completions */
export function handleChatCompletions(request: Request, runtime: Runtime): Promise<Response> {
  return withRateLimit(request, runtime, { scope: "client", endpoint: "/v1/chat/completions" }, () => serveChatCompletions(request, runtime));
}

async function serveChatCompletions(request: Request, runtime: Runtime): Promise<Response> {
  const started = arrivalOf(request);
  const requestId = requestIdFor(request);
  const traceId = traceIdOf();
  const { config, registry } = runtime;
  try {
    const body = await readJsonBody(request, config.ROUTER_MAX_BODY_BYTES);
    const parsed = parseChatRequest(body, { maxMessages: config.ROUTER_MAX_MESSAGES, maxContentChars: MAX_CONTENT_CHARS });
    const requestedModel = (request.url.includes("?") ? new URL(request.url).searchParams.get("model") : null) ?? parsed.model;
    const messages = stripSignaturesFromHistory(parsed.request.messages, config.ROUTER_SIGNATURE_FORMAT);
    const chat: Omit<ChatRequest, "model"> = { ...parsed.request, messages, keepAlive: config.ROUTER_MODEL_KEEP_ALIVE };
    await registry.ensureFresh(config.ROUTER_POLLING_INTERVAL * 1000);
    const routed = await planRequest(requestedModel, chat, runtime);
    const context = { requestId, traceId, started, routed, chat, account: accountOf(request) };
    return chat.stream ? await streamChat(context, request.signal, runtime) : await completeChat(context, request.signal, runtime);
  } catch (error) {
    return unexpectedErrorResponse(error, { requestId, logger: runtime.logger, what: "chat request" });
  }
}

async function planRequest(requested: string | undefined, chat: Omit<ChatRequest, "model">, runtime: Runtime): Promise<Routed> {
  const { config, registry } = runtime;
  // The live cache switch and TTL: this request uses the settings of the snapshot it reads.
  const { settings } = await runtime.knowledge.current();
  runtime.caches.apply(settings);
  if (requested && requested !== "auto" && requested !== config.ROUTER_EXTERNAL_MODEL_NAME) {
    // An explicit model is the client's choice: exact match only, and no silent substitution.
    const span = startRouteSpan();
    const model = await registry.findFresh(requested, 5_000);
    endRouteSpan(span, { selectedModel: model?.name, candidates: model ? 1 : 0, reason: "explicit", cacheHit: false });
    if (!model) throw new WireError(404, `The model '${requested}' does not exist`, "model", "model_not_found");
    recordRoutingDecision({ selectedModel: model.name, category: NO_CATEGORY, tier: NO_CATEGORY, reason: "explicit" });
    return { plan: [{ model: model.name, backend: model.backend }], cacheHit: false, explicit: true };
  }
  const { decision, cacheHit } = await routeChat(runtime, chat, { writeCache: true });
  if (!decision.ranked.length) throw noModelError(decision, registry.unreachable());
  const fallbacks = config.ROUTER_CASCADING_ENABLED ? (settings.maxFallbacks ?? config.ROUTER_MAX_FALLBACKS) : 0;
  return { plan: decision.ranked.slice(0, 1 + fallbacks).map(({ model, backend }) => ({ model, backend })), decision, cacheHit, explicit: false };
}

/**
 * Nothing can serve the request: the client's fault (400) when it asks for what no model has, else
 * 503; with no model at all, which backends could not be reached (the first thing a new install hits).
 */
function noModelError(decision: RoutingDecision, unreachable: { name: string; error?: string }[]): WireError {
  const reasons = [...new Set(decision.candidates.map((candidate) => candidate.rejectedReason).filter(Boolean))];
  if (!decision.candidates.length) {
    const why = unreachable.length
      ? `backend ${unreachable.map((backend) => `'${backend.name}' is unreachable${backend.error ? `: ${backend.error}` : ""}`).join(", ")}; see /health`
      : "the backends list no models";
    return new WireError(503, `Cannot route this request: no models are available (${why})`);
  }
  const unavailable = reasons.every((reason) => /unreachable|disabled|vram/i.test(reason ?? ""));
  return new WireError(unavailable ? 503 : 400, `No available model can serve this request (${reasons.join("; ")})`);
}

type ChatContext = { requestId: string; traceId?: string; started: number; routed: Routed; chat: Omit<ChatRequest, "model">; responseCacheHit?: boolean; account?: RequestAccount };

// Explicit requests are not analysed: their metrics carry this instead of a category and tier.
const NO_CATEGORY = "none";

/** A chat request was served by `model` (after any fallbacks). */
function countSelection(context: ChatContext, model: string): void {
  recordModelSelection(model, context.routed.decision?.analysis.category ?? NO_CATEGORY);
}

async function completeChat(context: ChatContext, clientSignal: AbortSignal, runtime: Runtime): Promise<Response> {
  const { config } = runtime;
  const probe = attemptProbes(runtime, "chat", context.chat);
  const outcome = await runPlan(context.routed.plan, { clientSignal, timeoutMs: config.ROUTER_GENERATION_TIMEOUT * 1000, probe }, async (target, signal) => {
    const started = await openEvents(context, target, signal, runtime);
    if (!started.ok) return started;
    const accumulator = createMessageAccumulator();
    let done: Extract<ChatEvent, { type: "done" }> | undefined;
    for await (const event of started.value) {
      if (event.type === "delta") accumulator.push(event);
      else done = event;
    }
    if (!done) return failure({ kind: "protocol", message: "the backend ended the response without finishing it" });
    return { ok: true as const, value: { message: accumulator.result(), done } };
  });
  if (!outcome.ok) return failedResponse(context, outcome.error, outcome.attempts, runtime);
  clearTimeout(outcome.timer);

  const { message, done } = outcome.value;
  const id = completionId();
  const usage = done.usage ?? estimateUsage(context.chat, message.content ?? "");
  const hasToolCalls = message.toolCalls.length > 0;
  const content =
    message.content !== null && shouldSign({ enabled: config.ROUTER_SIGNATURE_ENABLED, responseFormat: context.chat.response_format, hasToolCalls })
      ? signContent(message.content, { format: config.ROUTER_SIGNATURE_FORMAT, model: outcome.target.model })
      : message.content;
  const completion = buildCompletion({
    id,
    created: Math.floor(Date.now() / 1000),
    model: outcome.target.model,
    message: { ...message, content },
    finishReason: done.finishReason,
    usage,
  });
  const backendMs = outcome.attempts.reduce((sum, attempt) => sum + attempt.ms, 0);
  countSelection(context, outcome.target.model);
  outcome.probe?.finish({
    inputTokens: usage.prompt_tokens,
    outputTokens: usage.completion_tokens,
    finishReason: done.finishReason,
    output: message,
    cached: context.responseCacheHit,
  });
  void rememberAnswer(context, outcome.target, runtime, { content: message.content, reasoning: message.reasoning, finishReason: done.finishReason, usage });
  logDecision(context, runtime, { id, target: outcome.target, attempts: outcome.attempts, usage, ttftMs: undefined, status: "ok" });
  return jsonResponse(completion, {
    headers: gatewayHeaders({ requestId: context.requestId, model: outcome.target.model, category: context.routed.decision?.analysis.category, overheadMs: performance.now() - context.started - backendMs }),
  });
}

async function streamChat(context: ChatContext, clientSignal: AbortSignal, runtime: Runtime): Promise<Response> {
  const { config } = runtime;
  const probe = attemptProbes(runtime, "chat", context.chat);
  const outcome = await runPlan(context.routed.plan, { clientSignal, timeoutMs: config.ROUTER_FIRST_TOKEN_TIMEOUT * 1000, probe }, async (target, signal) => {
    const started = await openEvents(context, target, signal, runtime);
    if (!started.ok) return started;
    const events = started.value[Symbol.asyncIterator]();
    const first = await events.next();
    if (first.done) return failure({ kind: "protocol", message: "the backend ended the stream before sending anything" });
    return { ok: true as const, value: { first: first.value, events } };
  });
  if (!outcome.ok) return failedResponse(context, outcome.error, outcome.attempts, runtime);

  // The first token is here: from now on the generation timeout applies to the whole stream.
  clearTimeout(outcome.timer);
  const { controller, target, attempts } = outcome;
  const generationTimer = setTimeout(
    () => controller.abort(new DOMException(`generation took longer than ${config.ROUTER_GENERATION_TIMEOUT} s`, "TimeoutError")),
    Math.max(0, config.ROUTER_GENERATION_TIMEOUT * 1000 - (performance.now() - context.started)),
  );
  const ttftMs = performance.now() - context.started;
  const backendMs = attempts.reduce((sum, attempt) => sum + attempt.ms, 0);
  if (!context.responseCacheHit) outcome.probe?.firstToken(ttftMs / 1000);
  countSelection(context, target.model);
  const id = completionId();
  const created = Math.floor(Date.now() / 1000);
  const accumulator = createMessageAccumulator();
  const contentChunk = contentChunkWriter({ id, created, model: target.model });
  const signatures = createSignatureAppender({ format: config.ROUTER_SIGNATURE_FORMAT, model: target.model, enabled: config.ROUTER_SIGNATURE_ENABLED });
  const { events } = outcome.value;
  let pending: ChatEvent | undefined = outcome.value.first;
  let finished = false;

  const finish = (result: { usage: Usage; finishReason: FinishReason } | { failure: BackendError; message: string }) => {
    if (finished) return;
    finished = true;
    clearTimeout(generationTimer);
    if ("failure" in result) {
      outcome.probe?.finish({ error: result.failure });
      logDecision(context, runtime, { id, target, attempts, ttftMs, status: "error", error: result.message });
      return;
    }
    const { usage, finishReason } = result;
    outcome.probe?.finish({ inputTokens: usage.prompt_tokens, outputTokens: usage.completion_tokens, finishReason, output: accumulator.result(), cached: context.responseCacheHit });
    logDecision(context, runtime, { id, target, attempts, usage, ttftMs, status: "ok" });
  };

  // The chunks as text: the custom server writes them straight to the socket (EventStreamResponse).
  async function* chunks(): AsyncGenerator<string> {
    try {
      yield sseData(buildChunk({ id, created, model: target.model, delta: { role: "assistant", content: "" }, finishReason: null }));
      for (;;) {
        let event: ChatEvent | undefined;
        try {
          event = pending ?? (await nextEvent(events));
          pending = undefined;
          if (!event) throw new BackendFailure({ kind: "protocol", message: "the backend ended the stream without finishing it" });
        } catch (error) {
          // After the first byte there is no fallback: one error event, and no [DONE].
          const failure = error instanceof BackendFailure ? error.error : { kind: "protocol" as const, message: (error as Error).message };
          const { status, message } = describeFailure(failure, target.model, config.ROUTER_GENERATION_TIMEOUT);
          finish({ failure, message });
          controller.abort();
          yield sseError(status, message);
          return;
        }
        if (event.type === "delta") {
          accumulator.push(event);
          if (event.content) signatures.push(event.content);
          if (event.content !== undefined && event.reasoning === undefined && !event.toolCalls?.length) yield contentChunk(event.content);
          else yield sseData(buildChunk({ id, created, model: target.model, delta: { content: event.content, reasoning: event.reasoning, toolCalls: event.toolCalls }, finishReason: null }));
          continue;
        }
        const answer = accumulator.result();
        const hasToolCalls = answer.toolCalls.length > 0;
        const tail = shouldSign({ enabled: config.ROUTER_SIGNATURE_ENABLED, responseFormat: context.chat.response_format, hasToolCalls }) ? signatures.finish() : "";
        const usage = event.usage ?? estimateUsage(context.chat, answer.content ?? "");
        void rememberAnswer(context, target, runtime, { content: answer.content, reasoning: answer.reasoning, finishReason: event.finishReason, usage });
        let out = tail ? sseData(buildChunk({ id, created, model: target.model, delta: { content: tail }, finishReason: null })) : "";
        out += sseData(buildChunk({ id, created, model: target.model, delta: {}, finishReason: event.finishReason }));
        if (context.chat.includeUsage) out += sseData(buildUsageChunk({ id, created, model: target.model, usage }));
        finish({ usage, finishReason: event.finishReason });
        yield out + SSE_DONE;
        return;
      }
    } finally {
      cancel(); // the consumer stopped early
    }
  }

  // The client went away: stop the backend generating for nobody.
  const cancel = () => {
    if (finished) return;
    controller.abort(new DOMException("client disconnected", "AbortError"));
    finish({ failure: { kind: "aborted", message: "client disconnected" }, message: "client disconnected" });
  };

  return new EventStreamResponse(chunks(), {
    headers: {
      ...gatewayHeaders({ requestId: context.requestId, model: target.model, category: context.routed.decision?.analysis.category, overheadMs: ttftMs - backendMs }),
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    },
  }, cancel);
}

/** The backend's answer, or a cached one when the same deterministic request was answered before. */
async function openEvents(context: ChatContext, target: AttemptTarget, signal: AbortSignal, runtime: Runtime): Promise<Result<AsyncIterable<ChatEvent>, BackendError>> {
  const request: ChatRequest = { ...context.chat, model: target.model };
  const key = context.routed.decision || context.routed.explicit ? runtime.caches.responseKey(request) : undefined;
  const cached = key ? await runtime.caches.getResponse(key) : undefined;
  if (key) recordCacheLookup("response", cached !== undefined);
  if (cached) {
    context.responseCacheHit = true;
    const events: ChatEvent[] = [
      { type: "delta", content: cached.content ?? undefined, reasoning: cached.reasoning },
      { type: "done", finishReason: cached.finishReason, usage: cached.usage },
    ];
    return { ok: true, value: replay(events) };
  }
  await runtime.vram.manager.ensureCapacity(target, signal);
  return runtime.registry.adapter(target.backend).chat(request, { signal });
}

async function rememberAnswer(context: ChatContext, target: AttemptTarget, runtime: Runtime, answer: CachedAnswer): Promise<void> {
  if (context.responseCacheHit) return;
  const key = runtime.caches.responseKey({ ...context.chat, model: target.model });
  if (key) await runtime.caches.setResponse(key, answer);
}

async function nextEvent(events: AsyncIterator<ChatEvent>): Promise<ChatEvent | undefined> {
  const next = await events.next();
  return next.done ? undefined : next.value;
}

function failedResponse(context: ChatContext, error: BackendError, attempts: AttemptRecord[], runtime: Runtime): Response {
  const last = attempts.at(-1);
  const { status, message } = describeFailure(error, last?.model ?? "the model", runtime.config.ROUTER_GENERATION_TIMEOUT);
  if (error.kind !== "aborted") runtime.logger.warn("chat failed", { requestId: context.requestId, attempts: attempts.map((a) => `${a.model}:${a.error?.kind}`).join(","), error: error.message });
  if (last) logDecision(context, runtime, { id: undefined, target: last, attempts, status: "error", error: message });
  return backendErrorResponse(status, message, { requestId: context.requestId, retryAfterSeconds: error.retryAfterSeconds });
}

/** The status and message a client sees for a backend failure. */
function describeFailure(error: BackendError, model: string, generationTimeoutS: number): { status: number; message: string } {
  switch (error.kind) {
    case "timeout":
      return { status: 504, message: `${model} did not answer in time (${error.message}); see ROUTER_FIRST_TOKEN_TIMEOUT and ROUTER_GENERATION_TIMEOUT (${generationTimeoutS} s)` };
    case "connect":
      return { status: 502, message: `Could not reach the backend serving ${model}: ${error.message}` };
    case "protocol":
      return { status: 502, message: `${model} sent a broken response: ${error.message}` };
    case "aborted":
      return { status: 499, message: "The client closed the request" };
    case "http": {
      const status = error.status ?? 502;
      if (status >= 500) return { status: 502, message: `${model} failed: ${error.message}` };
      return { status, message: error.message };
    }
  }
}

function logDecision(
  context: ChatContext,
  runtime: Runtime,
  result: { id?: string; target: AttemptTarget; attempts: AttemptRecord[]; usage?: Usage; ttftMs?: number; status: "ok" | "error"; error?: string },
) {
  const latencyMs = Math.round(performance.now() - context.started);
  runtime.decisions.recordLater(() => {
    const decision = context.routed.decision;
    const analysis = decision?.analysis;
    const chosen = decision?.ranked.find((candidate) => candidate.model === result.target.model);
    return {
      requestId: context.requestId,
      traceId: context.traceId,
      responseId: result.id,
      promptHash: promptHash(context.chat),
      category: analysis?.category,
      categoryConfidence: analysis?.categoryConfidence,
      complexity: analysis?.complexity,
      tier: analysis?.tier,
      selectedModel: result.target.model,
      backend: result.target.backend,
      confidence: context.routed.explicit ? 1 : chosen ? clamp01(chosen.score) : undefined,
      reason: context.routed.explicit ? "explicit model requested" : decision?.reasoning,
      candidates: decision?.candidates.map(candidateRow) ?? [],
      fallbackCount: Math.max(0, result.attempts.length - 1),
      attempts: result.attempts.map((attempt) => ({ model: attempt.model, backend: attempt.backend, ok: attempt.ok, ms: attempt.ms, error: attempt.error?.message })),
      cacheHit: context.routed.cacheHit || Boolean(context.responseCacheHit),
      status: result.status,
      error: result.error,
      latencyMs,
      ttftMs: result.ttftMs === undefined ? undefined : Math.round(result.ttftMs),
      promptTokens: result.usage?.prompt_tokens,
      completionTokens: result.usage?.completion_tokens,
      tokensEstimated: result.usage?.estimated ?? false,
      prompt: runtime.config.ROUTER_LOG_PROMPTS ? JSON.stringify(context.chat.messages) : undefined,
      clientKeyId: context.account?.keyId,
    };
  });
  if (result.usage) chargeTokens(context.account, runtime, result.usage.prompt_tokens + result.usage.completion_tokens);
}

const clamp01 = (value: number) => Math.min(1, Math.max(0, value));

/** A candidate as the decision log keeps it: parts that are zero are left out (they add nothing to the score, and the console hides them). */
function candidateRow(candidate: ScoredCandidate): DecisionCandidate {
  let parts: Record<string, number> | undefined;
  for (const name in candidate.components) {
    const value = candidate.components[name];
    if (value !== 0) (parts ??= {})[name] = value;
  }
  return { model: candidate.model, score: clamp01(candidate.score), parts, excluded: candidate.rejectedReason };
}

function promptHash(chat: Omit<ChatRequest, "model">): string {
  return hash("sha256", JSON.stringify(chat.messages), "hex").slice(0, 16);
}

/** About four characters a token: good enough to mark as an estimate when the backend gives none. */
function estimateUsage(chat: Omit<ChatRequest, "model">, completion: string): Usage {
  const prompt_tokens = tokensForChars(JSON.stringify(chat.messages).length);
  const completion_tokens = tokensForChars(completion.length);
  return { prompt_tokens, completion_tokens, total_tokens: prompt_tokens + completion_tokens, estimated: true };
}




function failure(error: BackendError): Result<never, BackendError> {
  return { ok: false, error };
}
