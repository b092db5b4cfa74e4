import type { BackendConfig } from "../config/backends";
import { errorMessageOf, fail, ok, redact, streamFailure } from "./errors";
import type { BackendResponse } from "./http-client";
import { backendModelName, isRecord, postJson, readJson } from "./request";
import { readSseData, replay } from "./streams";
import { type BackendAdapter, BackendFailure, type ChatEvent, type ChatRequest, type FinishReason, type ToolCallDelta, type Usage } from "./types";
import { estimatePromptTokens, estimateTokens, usageOf } from "./usage";

// OpenAI-compatible servers: kind "openai" (base URL includes /v1) and "llamacpp" (server root).
// The request is already OpenAI-shaped, so fields are forwarded as they are.

const FORWARDED = [
  "tools",
  "tool_choice",
  "parallel_tool_calls",
  "response_format",
  "temperature",
  "top_p",
  "max_tokens", // not max_completion_tokens: the widest-supported spelling
  "stop",
  "seed",
  "n",
  "presence_penalty",
  "frequency_penalty",
  "logit_bias",
  "logprobs",
  "top_logprobs",
  "user",
] as const satisfies ReadonlyArray<keyof ChatRequest>;

type Delta = Extract<ChatEvent, { type: "delta" }>;

export function createOpenAICompatibleAdapter(config: BackendConfig): BackendAdapter {
  const prefix = config.kind === "llamacpp" ? "/v1" : "";
  return {
    config,
    async chat(request, { signal }) {
      const response = await postJson(config, `${prefix}/chat/completions`, openAIChatBody(config, request), signal);
      if (!response.ok) return response;
      // a server that ignores stream:true answers with one JSON body, relayed like a non-streaming answer
      const json = !request.stream || response.value.headers.get("content-type")?.includes("application/json");
      if (!json) return ok(openAIStream(response.value, request, signal, config));
      const body = await readJson(response.value, signal, config);
      if (!body.ok) return body;
      if (isRecord(body.value) && body.value.error) return { ok: false, error: inBodyError(body.value, config).error };
      const choice = isRecord(body.value) && Array.isArray(body.value.choices) ? body.value.choices.find(isRecord) : undefined;
      if (!choice || !isRecord(choice.message)) return fail("protocol", "unexpected response from backend");
      const delta = deltaOf(choice.message, true);
      const finishReason = finishReasonOf(choice.finish_reason) ?? (delta.toolCalls ? "tool_calls" : "stop");
      const usage = usageFrom((body.value as Record<string, unknown>).usage, request, completionText(delta));
      return ok(replay<ChatEvent>([delta, { type: "done", finishReason, usage }]));
    },

    async embed(request, { signal }) {
      const body = { model: backendModelName(config, request.model), input: request.input, dimensions: request.dimensions, encoding_format: "float" };
      const response = await postJson(config, `${prefix}/embeddings`, body, signal);
      if (!response.ok) return response;
      const json = await readJson(response.value, signal, config);
      if (!json.ok) return json;
      const data = isRecord(json.value) && Array.isArray(json.value.data) ? json.value.data.filter(isRecord) : [];
      const rows = data.map((row, position) => ({ index: typeof row.index === "number" ? row.index : position, embedding: row.embedding }));
      const embeddings = rows.sort((a, b) => a.index - b.index).map((row) => row.embedding);
      if (embeddings.length !== request.input.length || !embeddings.every((e) => Array.isArray(e) && e.every((x) => typeof x === "number"))) {
        return fail("protocol", "unexpected embeddings response from backend");
      }
      const usage = (json.value as Record<string, unknown>).usage;
      const promptTokens = isRecord(usage) && typeof usage.prompt_tokens === "number" ? usage.prompt_tokens : undefined;
      return ok({ embeddings: embeddings as number[][], promptTokens });
    },
  };
}

function openAIChatBody(config: BackendConfig, request: ChatRequest): Record<string, unknown> {
  const body: Record<string, unknown> = {
    model: backendModelName(config, request.model),
    // llama.cpp's chat templates know system/user/assistant/tool only
    messages: config.kind === "llamacpp" ? request.messages.map((m) => (m.role === "developer" ? { ...m, role: "system" } : m)) : request.messages,
    stream: request.stream,
  };
  // always asked for, so usage is known; the gateway decides whether the client sees it
  if (request.stream) body.stream_options = { include_usage: true };
  for (const field of FORWARDED) if (request[field] !== undefined) body[field] = request[field];
  return body;
}

async function* openAIStream(response: BackendResponse, request: ChatRequest, signal: AbortSignal, config: BackendConfig): AsyncGenerator<ChatEvent> {
  const body = response.chunks();
  if (!body) throw new BackendFailure({ kind: "protocol", message: "empty response from backend" });
  let finishReason: FinishReason | undefined;
  let usage: unknown;
  let sawDone = false;
  let sawToolCalls = false;
  let completion = "";
  try {
    for await (const data of readSseData(body)) {
      if (data.trim() === "[DONE]") {
        sawDone = true;
        break;
      }
      let chunk: unknown;
      try {
        chunk = JSON.parse(data);
      } catch {
        throw new BackendFailure({ kind: "protocol", message: "malformed stream event from backend" });
      }
      if (!isRecord(chunk)) throw new BackendFailure({ kind: "protocol", message: "malformed stream event from backend" });
      if (chunk.error !== undefined && chunk.error !== null) throw inBodyError(chunk, config);
      if (isRecord(chunk.usage)) usage = chunk.usage;
      // one choice per request: n > 1 is forwarded, but only choice 0 is relayed
      const choice = Array.isArray(chunk.choices) ? chunk.choices.filter(isRecord).find((c) => (c.index ?? 0) === 0) : undefined;
      if (!choice) continue;
      const delta = isRecord(choice.delta) ? deltaOf(choice.delta, false) : undefined;
      if (delta && Object.keys(delta).length > 1) {
        sawToolCalls ||= delta.toolCalls !== undefined;
        completion += completionText(delta);
        yield delta;
      }
      finishReason = finishReasonOf(choice.finish_reason) ?? finishReason;
    }
  } catch (error) {
    throw streamFailure(error, signal, config);
  }
  // Servers send finish_reason, then a usage chunk, then [DONE]: `done` waits for all of them, once.
  if (!sawDone && finishReason === undefined) throw new BackendFailure({ kind: "protocol", message: "stream ended early" });
  yield { type: "done", finishReason: finishReason ?? (sawToolCalls ? "tool_calls" : "stop"), usage: usageFrom(usage, request, completion) };
}

/** An `{error}` object sent with a success status (mid-stream, or by proxies). */
function inBodyError(chunk: Record<string, unknown>, config: BackendConfig): BackendFailure {
  const error = chunk.error;
  const code = isRecord(error) ? (error.code ?? error.status) : undefined;
  const status = typeof code === "number" && code >= 400 && code < 600 ? code : 500;
  return new BackendFailure({ kind: "http", status, message: redact(errorMessageOf(JSON.stringify(chunk)) || "error from backend", config) });
}

function deltaOf(message: Record<string, unknown>, whole: boolean): Delta {
  const delta: Delta = { type: "delta" };
  const calls = Array.isArray(message.tool_calls) ? message.tool_calls.filter(isRecord) : [];
  if (typeof message.content === "string" && (message.content !== "" || whole)) delta.content = message.content;
  else if (whole && calls.length === 0) delta.content = "";
  // llama.cpp and DeepSeek say reasoning_content; vLLM and OpenRouter say reasoning
  const reasoning = message.reasoning_content ?? message.reasoning;
  if (typeof reasoning === "string" && reasoning !== "") delta.reasoning = reasoning;
  if (calls.length > 0) delta.toolCalls = calls.map(toolCallDelta);
  return delta;
}

function toolCallDelta(call: Record<string, unknown>, position: number): ToolCallDelta {
  const fn = isRecord(call.function) ? call.function : undefined;
  const out: ToolCallDelta = { index: typeof call.index === "number" ? call.index : position };
  if (typeof call.id === "string") out.id = call.id;
  if (call.type === "function") out.type = "function";
  if (fn) {
    out.function = {};
    if (typeof fn.name === "string") out.function.name = fn.name;
    if (typeof fn.arguments === "string") out.function.arguments = fn.arguments;
    else if (isRecord(fn.arguments)) out.function.arguments = JSON.stringify(fn.arguments);
  }
  return out;
}

function finishReasonOf(value: unknown): FinishReason | undefined {
  if (typeof value !== "string") return undefined;
  if (value === "length" || value === "tool_calls" || value === "content_filter") return value;
  return value === "function_call" ? "tool_calls" : "stop";
}

const completionText = (delta: Delta): string =>
  (delta.content ?? "") + (delta.reasoning ?? "") + (delta.toolCalls ?? []).map((c) => (c.function?.name ?? "") + (c.function?.arguments ?? "")).join("");

function usageFrom(raw: unknown, request: ChatRequest, completion: string): Usage {
  const count = (key: string): number | undefined => (isRecord(raw) && typeof raw[key] === "number" ? raw[key] : undefined);
  return usageOf(count("prompt_tokens"), count("completion_tokens"), () => ({ prompt: estimatePromptTokens(request.messages), completion: estimateTokens(completion) }));
}
