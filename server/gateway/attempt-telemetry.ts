import type { BackendConfig } from "../config/backends";
import type { BackendKind } from "../config/settings";
import type { BackendError, ChatRequest, FinishReason, ToolCall } from "../backends/types";
import { inputMessagesJson, outputMessagesJson } from "../observability/gen-ai-messages";
import { recordAttempt, recordFirstToken, recordTimePerOutputToken, recordUpstreamError, recordUsage, type GenAiOperation, type GenAiProvider } from "../observability/metrics";
import { endGenAiSpan, spanTraceId, startGenAiSpan, withSpan } from "../observability/tracing";
import type { Runtime } from "../runtime";
import { isRetryable, upstreamErrorKind, type AttemptTarget } from "./attempts";

// One backend attempt as telemetry: a `chat {model}` / `embeddings {model}` CLIENT span plus the
// attempt metrics. runPlan reports failures before the answer; the handler finishes a success
// when the answer ends (a stream at its last event), so streams are measured whole.

export type AttemptOutcome = {
  inputTokens?: number;
  outputTokens?: number;
  finishReason?: FinishReason;
  /** The answer, put on the span only with ROUTER_TRACE_CONTENT=true. */
  output?: { content: string | null; toolCalls?: ToolCall[] };
  /** The response cache answered: no backend time or tokens to count. */
  cached?: boolean;
  /** The stream failed after its first token, or the client left. */
  error?: BackendError;
};

export type AttemptProbe = {
  /** Runs the backend call inside the attempt's span. */
  within: <T>(call: () => Promise<T>) => Promise<T>;
  fail: (error: BackendError) => void;
  /** Streams: the first token reached the router, `seconds` after the request started. */
  firstToken: (seconds: number) => void;
  finish: (outcome: AttemptOutcome) => void;
};

const PROVIDER: Record<BackendKind, GenAiProvider> = { ollama: "ollama", llamacpp: "llama_cpp", openai: "openai" };

const servers = new WeakMap<BackendConfig, { address?: string; port?: number }>();

function serverOf(backend: BackendConfig): { address?: string; port?: number } {
  let server = servers.get(backend);
  if (!server) {
    const url = URL.canParse(backend.url) ? new URL(backend.url) : undefined;
    server = { address: url?.hostname, port: url?.port ? Number(url.port) : undefined };
    servers.set(backend, server);
  }
  return server;
}

/** A probe factory for runPlan; `chat` carries the request parameters that go on chat spans. */
export function attemptProbes(runtime: Runtime, operation: GenAiOperation, chat?: Omit<ChatRequest, "model">): (target: AttemptTarget) => AttemptProbe {
  const traceContent = runtime.config.ROUTER_TRACE_CONTENT;
  const inputMessages = traceContent && chat ? inputMessagesJson(chat.messages) : undefined;
  return (target) => {
    const backend = runtime.registry.adapter(target.backend).config;
    const provider = PROVIDER[backend.kind];
    const server = serverOf(backend);
    const started = performance.now();
    const span = startGenAiSpan({
      operation,
      provider,
      model: target.model,
      serverAddress: server.address,
      serverPort: server.port,
      temperature: chat?.temperature,
      topP: chat?.top_p,
      maxTokens: chat?.max_tokens,
      stream: chat?.stream,
      inputMessages,
    });
    const call = { operation, provider, model: target.model };
    let firstTokenAt: number | undefined;
    let done = false;

    const fail = (error: BackendError) => {
      if (done) return;
      done = true;
      const kind = upstreamErrorKind(error);
      // Only failures that are the model's fault count against its circuit (not 4xx, not a client leaving).
      if (isRetryable(error)) runtime.breaker.recordFailure(target.model);
      recordUpstreamError(target.backend, target.model, kind);
      recordAttempt({ ...call, seconds: (performance.now() - started) / 1000, errorType: kind, traceId: spanTraceId(span) });
      endGenAiSpan(span, { errorType: kind, errorMessage: error.message });
    };

    return {
      within: (run) => withSpan(span, run),
      fail,
      firstToken: (seconds) => {
        firstTokenAt = performance.now();
        recordFirstToken({ ...call, seconds, traceId: spanTraceId(span) });
      },
      finish: (outcome) => {
        if (outcome.error) return fail(outcome.error);
        if (done) return;
        done = true;
        const ended = performance.now();
        endGenAiSpan(span, {
          responseModel: target.model,
          inputTokens: outcome.inputTokens,
          outputTokens: outcome.outputTokens,
          finishReasons: outcome.finishReason ? [outcome.finishReason] : undefined,
          outputMessages: traceContent && outcome.output ? outputMessagesJson({ ...outcome.output, finishReason: outcome.finishReason }) : undefined,
          cached: outcome.cached,
        });
        if (outcome.cached) return;
        runtime.breaker.recordSuccess(target.model);
        recordAttempt({ ...call, seconds: (ended - started) / 1000, traceId: spanTraceId(span) });
        if (operation === "chat" && outcome.inputTokens !== undefined && outcome.outputTokens !== undefined) {
          recordUsage({ ...call, inputTokens: outcome.inputTokens, outputTokens: outcome.outputTokens });
        }
        if (firstTokenAt !== undefined && outcome.outputTokens) recordTimePerOutputToken(target.model, (ended - firstTokenAt) / 1000 / outcome.outputTokens);
      },
    };
  };
}
