import { createHash } from "node:crypto";
import type { RegisteredModel } from "../backends/registry";
import { BackendFailure, type BackendError, type ChatEvent, type ChatRequest, type Result, type Usage } from "../backends/types";
import type { Runtime } from "../runtime";
import { selectModels } from "../routing/select";
import type { RoutingDecision } from "../routing/types";
import { runPlan, type AttemptRecord, type AttemptTarget } from "./attempts";
import { backendErrorResponse, gatewayHeaders, unexpectedErrorResponse } from "./responses";
import { readJsonBody, requestIdFor } from "./request-input";
import { parseChatRequest } from "./wire/chat-request";
import {
  buildChunk,
  buildCompletion,
  buildUsageChunk,
  completionId,
  createMessageAccumulator,
  SSE_DONE,
  sseData,
  sseError,
} from "./wire/chat-response";
import { WireError } from "./wire/errors";
import { promptText } from "./wire/prompt-text";
import { createSignatureAppender, shouldSign, signContent, stripSignaturesFromHistory } from "./wire/signature";

const MAX_CONTENT_CHARS = 4_000_000;

type Routed = {
  plan: AttemptTarget[];
  decision?: RoutingDecision;
  explicit: boolean;
};

/** POST /v1/chat/completions */
export async function handleChatCompletions(request: Request, runtime: Runtime): Promise<Response> {
  const started = performance.now();
  const requestId = requestIdFor(request);
  const { config, registry } = runtime;
  try {
    const body = await readJsonBody(request, config.ROUTER_MAX_BODY_BYTES);
    const parsed = parseChatRequest(body, { maxMessages: config.ROUTER_MAX_MESSAGES, maxContentChars: MAX_CONTENT_CHARS });
    const requestedModel = new URL(request.url).searchParams.get("model") ?? parsed.model;
    const messages = stripSignaturesFromHistory(parsed.request.messages, config.ROUTER_SIGNATURE_FORMAT);
    const chat: Omit<ChatRequest, "model"> = { ...parsed.request, messages, keepAlive: config.ROUTER_MODEL_KEEP_ALIVE };
    await registry.ensureFresh(config.ROUTER_POLLING_INTERVAL * 1000);
    const routed = await planRequest(requestedModel, chat, runtime);
    const context = { requestId, started, routed, chat };
    return chat.stream ? await streamChat(context, request.signal, runtime) : await completeChat(context, request.signal, runtime);
  } catch (error) {
    return unexpectedErrorResponse(error, { requestId, logger: runtime.logger, what: "chat request" });
  }
}

async function planRequest(requested: string | undefined, chat: Omit<ChatRequest, "model">, runtime: Runtime): Promise<Routed> {
  const { config, registry } = runtime;
  if (requested && requested !== "auto" && requested !== config.ROUTER_EXTERNAL_MODEL_NAME) {
    // An explicit model is the client's choice: exact match only, and no silent substitution.
    let model = registry.find(requested);
    if (!model) {
      await registry.ensureFresh(5_000);
      model = registry.find(requested);
    }
    if (!model) throw new WireError(404, `The model '${requested}' does not exist`, "model", "model_not_found");
    return { plan: [{ model: model.name, backend: model.backend }], explicit: true };
  }
  const text = promptText(chat.messages);
  const decision = selectModels(
    { lastUser: text.lastUser, context: text.system, imageCount: text.imageCount, hasTools: Boolean(chat.tools?.length), jsonMode: isJsonMode(chat) },
    registry.models().map(toCandidate),
  );
  if (!decision.ranked.length) {
    const why = registry.models().length ? `no available model can serve it (${summarizeExclusions(decision)})` : "no models are available";
    throw new WireError(503, `Cannot route this request: ${why}`);
  }
  const fallbacks = config.ROUTER_CASCADING_ENABLED ? config.ROUTER_MAX_FALLBACKS : 0;
  return { plan: decision.ranked.slice(0, 1 + fallbacks).map(({ name, backend }) => ({ model: name, backend })), decision, explicit: false };
}

type ChatContext = { requestId: string; started: number; routed: Routed; chat: Omit<ChatRequest, "model"> };

async function completeChat(context: ChatContext, clientSignal: AbortSignal, runtime: Runtime): Promise<Response> {
  const { config, registry } = runtime;
  const outcome = await runPlan(context.routed.plan, { clientSignal, timeoutMs: config.ROUTER_GENERATION_TIMEOUT * 1000 }, async (target, signal) => {
    const started = await registry.adapter(target.backend).chat({ ...context.chat, model: target.model }, { signal });
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
  logDecision(context, runtime, { id, target: outcome.target, attempts: outcome.attempts, usage, ttftMs: undefined, status: "ok" });
  return Response.json(completion, {
    headers: gatewayHeaders({ requestId: context.requestId, model: outcome.target.model, category: context.routed.decision?.category, overheadMs: performance.now() - context.started - backendMs }),
  });
}

async function streamChat(context: ChatContext, clientSignal: AbortSignal, runtime: Runtime): Promise<Response> {
  const { config, registry } = runtime;
  const outcome = await runPlan(context.routed.plan, { clientSignal, timeoutMs: config.ROUTER_FIRST_TOKEN_TIMEOUT * 1000 }, async (target, signal) => {
    const started = await registry.adapter(target.backend).chat({ ...context.chat, model: target.model }, { signal });
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
  const id = completionId();
  const created = Math.floor(Date.now() / 1000);
  const encoder = new TextEncoder();
  const accumulator = createMessageAccumulator();
  const signatures = createSignatureAppender({ format: config.ROUTER_SIGNATURE_FORMAT, model: target.model, enabled: config.ROUTER_SIGNATURE_ENABLED });
  const { events } = outcome.value;
  let pending: ChatEvent | undefined = outcome.value.first;
  let finished = false;

  const finish = (status: "ok" | "error", usage?: Usage, error?: string) => {
    if (finished) return;
    finished = true;
    clearTimeout(generationTimer);
    logDecision(context, runtime, { id, target, attempts, usage, ttftMs, status, error });
  };

  const body = new ReadableStream<Uint8Array>({
    start(stream) {
      stream.enqueue(encoder.encode(sseData(buildChunk({ id, created, model: target.model, delta: { role: "assistant", content: "" }, finishReason: null }))));
    },
    async pull(stream) {
      try {
        const event = pending ?? (await nextEvent(events));
        pending = undefined;
        if (!event) throw new BackendFailure({ kind: "protocol", message: "the backend ended the stream without finishing it" });
        if (event.type === "delta") {
          accumulator.push(event);
          if (event.content) signatures.push(event.content);
          const delta = { content: event.content, reasoning: event.reasoning, toolCalls: event.toolCalls };
          stream.enqueue(encoder.encode(sseData(buildChunk({ id, created, model: target.model, delta, finishReason: null }))));
          return;
        }
        const hasToolCalls = accumulator.result().toolCalls.length > 0;
        const tail = shouldSign({ enabled: config.ROUTER_SIGNATURE_ENABLED, responseFormat: context.chat.response_format, hasToolCalls }) ? signatures.finish() : "";
        if (tail) stream.enqueue(encoder.encode(sseData(buildChunk({ id, created, model: target.model, delta: { content: tail }, finishReason: null }))));
        stream.enqueue(encoder.encode(sseData(buildChunk({ id, created, model: target.model, delta: {}, finishReason: event.finishReason }))));
        const usage = event.usage ?? estimateUsage(context.chat, accumulator.result().content ?? "");
        if (context.chat.includeUsage) stream.enqueue(encoder.encode(sseData(buildUsageChunk({ id, created, model: target.model, usage }))));
        stream.enqueue(encoder.encode(SSE_DONE));
        finish("ok", usage);
        stream.close();
      } catch (error) {
        // After the first byte there is no fallback: one error event, and no [DONE].
        const failure = error instanceof BackendFailure ? error.error : { kind: "protocol" as const, message: (error as Error).message };
        const { status, message } = describeFailure(failure, target.model, config.ROUTER_GENERATION_TIMEOUT);
        stream.enqueue(encoder.encode(sseError(status, message)));
        finish("error", undefined, message);
        stream.close();
        controller.abort();
      }
    },
    cancel() {
      // The client went away: stop the backend generating for nobody.
      controller.abort(new DOMException("client disconnected", "AbortError"));
      finish("error", undefined, "client disconnected");
    },
  });

  return new Response(body, {
    headers: {
      ...gatewayHeaders({ requestId: context.requestId, model: target.model, category: context.routed.decision?.category, overheadMs: ttftMs - backendMs }),
      "content-type": "text/event-stream; charset=utf-8",
      "cache-control": "no-cache, no-transform",
      connection: "keep-alive",
      "x-accel-buffering": "no",
    },
  });
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
  const decision = context.routed.decision;
  const top = decision?.ranked[0];
  runtime.decisions.record({
    requestId: context.requestId,
    responseId: result.id,
    promptHash: promptHash(context.chat),
    category: decision?.category,
    complexity: decision?.complexity,
    tier: decision?.tier,
    selectedModel: result.target.model,
    backend: result.target.backend,
    confidence: context.routed.explicit ? 1 : top ? Math.min(1, Math.max(0, top.score)) : undefined,
    reason: context.routed.explicit ? "explicit model requested" : decision?.reason,
    candidates: decision?.ranked.map((model) => ({ model: model.name, score: Math.min(1, Math.max(0, model.score)) })) ?? [],
    fallbackCount: Math.max(0, result.attempts.length - 1),
    status: result.status,
    error: result.error,
    latencyMs: Math.round(performance.now() - context.started),
    ttftMs: result.ttftMs === undefined ? undefined : Math.round(result.ttftMs),
    promptTokens: result.usage?.prompt_tokens,
    completionTokens: result.usage?.completion_tokens,
    tokensEstimated: result.usage?.estimated ?? false,
  });
}

function promptHash(chat: Omit<ChatRequest, "model">): string {
  return createHash("sha256").update(JSON.stringify(chat.messages)).digest("hex").slice(0, 16);
}

/** About four characters a token: good enough to mark as an estimate when the backend gives none. */
function estimateUsage(chat: Omit<ChatRequest, "model">, completion: string): Usage {
  const promptChars = JSON.stringify(chat.messages).length;
  const prompt_tokens = Math.ceil(promptChars / 4);
  const completion_tokens = Math.ceil(completion.length / 4);
  return { prompt_tokens, completion_tokens, total_tokens: prompt_tokens + completion_tokens, estimated: true };
}

function isJsonMode(chat: Omit<ChatRequest, "model">): boolean {
  return chat.response_format?.type === "json_object" || chat.response_format?.type === "json_schema";
}

function toCandidate(model: RegisteredModel) {
  return { name: model.name, backend: model.backend, parameterCountB: model.parameterCountB, capabilities: model.capabilities, reachable: model.reachable };
}

function summarizeExclusions(decision: RoutingDecision): string {
  const reasons = [...new Set(decision.excluded.map((entry) => entry.reason))];
  return reasons.join(", ") || "none matched";
}

function failure(error: BackendError): Result<never, BackendError> {
  return { ok: false, error };
}
