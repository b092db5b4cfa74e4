import { randomBytes } from "node:crypto";
import type { BackendConfig } from "../config/backends";
import { type BackendResult, fail, ok, redact, streamFailure } from "./errors";
import { imageAsBase64 } from "./images";
import type { BackendResponse } from "./http-client";
import { backendModelName, isRecord, isVectorList, postJson, readJson } from "./request";
import { readLines, replay } from "./streams";
import { type BackendAdapter, BackendFailure, type ChatEvent, type ChatMessage, type ChatRequest, type ContentPart, type FinishReason, type ToolCallDelta } from "./types";
import { estimatePromptTokens, tokensForChars, usageOf } from "./usage";

// Ollama's native API (/api/chat, /api/embed). Sampling settings go under `options` (the original
// sent them top-level, where Ollama ignores them). Dropped, having no Ollama equivalent:
// n (one choice only), logit_bias, logprobs/top_logprobs, user, parallel_tool_calls, and
// tool_choice other than "none" (which is honoured by not offering the tools).

type OllamaToolCall = { function: { name: string; arguments: Record<string, unknown> } };
type OllamaMessage = { role: "system" | "user" | "assistant" | "tool"; content: string; images?: string[]; tool_calls?: OllamaToolCall[]; tool_name?: string };

export function createOllamaAdapter(config: BackendConfig): BackendAdapter {
  return {
    config,
    async chat(request, { signal }) {
      const body = await ollamaChatBody(config, request, signal);
      if (!body.ok) return body;
      const response = await postJson(config, "/api/chat", body.value, signal);
      if (!response.ok) return response;
      const translate = ollamaTranslator(request);
      if (request.stream) return ok(ollamaStream(response.value, translate, signal, config));
      const json = await readJson(response.value, signal, config);
      if (!json.ok) return json;
      if (!isRecord(json.value)) return fail("protocol", "unexpected response from backend");
      if (typeof json.value.error === "string") return fail("http", redact(json.value.error, config), { status: 500 });
      return ok(replay(translate({ ...json.value, done: true }, true)));
    },

    async embed(request, { signal }) {
      const body = { model: backendModelName(config, request.model), input: request.input, keep_alive: request.keepAlive, dimensions: request.dimensions };
      const response = await postJson(config, "/api/embed", body, signal);
      if (!response.ok) return response;
      const json = await readJson(response.value, signal, config);
      if (!json.ok) return json;
      const embeddings = isRecord(json.value) ? json.value.embeddings : undefined;
      if (!isVectorList(embeddings) || embeddings.length !== request.input.length) return fail("protocol", "unexpected embeddings response from backend");
      const count = (json.value as Record<string, unknown>).prompt_eval_count;
      return ok({ embeddings, promptTokens: typeof count === "number" ? count : undefined });
    },
  };
}

async function ollamaChatBody(config: BackendConfig, request: ChatRequest, signal: AbortSignal): Promise<BackendResult<Record<string, unknown>>> {
  const messages = await ollamaMessages(request.messages, signal, config.fetchImageUrls === true);
  if (!messages.ok) return messages;
  const options = Object.fromEntries(
    Object.entries({
      temperature: request.temperature,
      top_p: request.top_p,
      seed: request.seed,
      presence_penalty: request.presence_penalty,
      frequency_penalty: request.frequency_penalty,
      num_predict: request.max_tokens,
      stop: request.stop,
    }).filter(([, value]) => value !== undefined),
  );
  const format = request.response_format;
  return ok({
    model: backendModelName(config, request.model),
    messages: messages.value,
    stream: request.stream,
    ...(request.tools?.length && request.tool_choice !== "none" ? { tools: request.tools } : {}),
    ...(format?.type === "json_object" ? { format: "json" } : {}),
    ...(format?.type === "json_schema" ? { format: format.json_schema.schema ?? "json" } : {}),
    ...(Object.keys(options).length > 0 ? { options } : {}),
    ...(request.keepAlive !== undefined ? { keep_alive: request.keepAlive } : {}),
  });
}

const textOf = (content: string | ContentPart[] | null): string =>
  typeof content === "string" ? content : (content ?? []).flatMap((part) => (part.type === "text" ? [part.text] : [])).join("\n");

async function ollamaMessages(messages: ChatMessage[], signal: AbortSignal, fetchImageUrls: boolean): Promise<BackendResult<OllamaMessage[]>> {
  const toolNames = new Map<string, string>(); // tool_call_id → function name, for `tool_name`
  const out: OllamaMessage[] = [];
  for (const message of messages) {
    switch (message.role) {
      case "system":
      case "developer":
        out.push({ role: "system", content: textOf(message.content) });
        break;
      case "user": {
        const images: string[] = [];
        for (const part of typeof message.content === "string" ? [] : message.content) {
          if (part.type !== "image_url") continue;
          const image = await imageAsBase64(part.image_url.url, signal, fetchImageUrls);
          if (!image.ok) return image;
          images.push(image.value);
        }
        out.push({ role: "user", content: textOf(message.content), ...(images.length > 0 ? { images } : {}) });
        break;
      }
      case "assistant": {
        const calls: OllamaToolCall[] = [];
        for (const call of message.tool_calls ?? []) {
          toolNames.set(call.id, call.function.name);
          const args = parseArguments(call.function.arguments);
          if (!args) return fail("http", `tool call ${call.function.name}: arguments are not a JSON object`, { status: 400 });
          calls.push({ function: { name: call.function.name, arguments: args } });
        }
        out.push({ role: "assistant", content: textOf(message.content), ...(calls.length > 0 ? { tool_calls: calls } : {}) });
        break;
      }
      case "tool": {
        const name = toolNames.get(message.tool_call_id);
        out.push({ role: "tool", content: textOf(message.content), ...(name ? { tool_name: name } : {}) });
        break;
      }
    }
  }
  return ok(out);
}

function parseArguments(text: string): Record<string, unknown> | undefined {
  if (text.trim() === "") return {};
  try {
    const value: unknown = JSON.parse(text);
    return isRecord(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/** Turns Ollama chunks into events, keeping what the final `done` needs (tool calls seen, text for estimates). */
function ollamaTranslator(request: ChatRequest): (chunk: Record<string, unknown>, whole?: boolean) => ChatEvent[] {
  let toolCallCount = 0;
  let completionChars = 0; // for the estimate when the backend reports no usage
  return (chunk, whole = false) => {
    const message = isRecord(chunk.message) ? chunk.message : {};
    const delta: Extract<ChatEvent, { type: "delta" }> = { type: "delta" };
    if (typeof message.content === "string" && (message.content !== "" || whole)) delta.content = message.content;
    if (typeof message.thinking === "string" && message.thinking !== "") delta.reasoning = message.thinking;
    const calls = Array.isArray(message.tool_calls) ? message.tool_calls.filter(isRecord) : [];
    if (calls.length > 0) delta.toolCalls = calls.map((call): ToolCallDelta => toolCallDelta(call, toolCallCount++));
    completionChars += (delta.content?.length ?? 0) + (delta.reasoning?.length ?? 0);
    for (const call of delta.toolCalls ?? []) completionChars += call.function?.arguments?.length ?? 0;

    const events: ChatEvent[] = whole || Object.keys(delta).length > 1 ? [delta] : [];
    if (chunk.done === true) {
      const finishReason: FinishReason = chunk.done_reason === "length" ? "length" : toolCallCount > 0 ? "tool_calls" : "stop";
      const count = (value: unknown): number | undefined => (typeof value === "number" ? value : undefined);
      const usage = usageOf(count(chunk.prompt_eval_count), count(chunk.eval_count), () => ({
        prompt: estimatePromptTokens(request.messages),
        completion: tokensForChars(completionChars),
      }));
      events.push({ type: "done", finishReason, usage });
    }
    return events;
  };
}

// Ollama gives tool calls no id and object arguments; the OpenAI shape needs both as strings.
function toolCallDelta(call: Record<string, unknown>, index: number): ToolCallDelta {
  const fn = isRecord(call.function) ? call.function : {};
  const args = typeof fn.arguments === "string" ? fn.arguments : JSON.stringify(fn.arguments ?? {});
  return { index, id: `call_${randomBytes(12).toString("hex")}`, type: "function", function: { name: typeof fn.name === "string" ? fn.name : "", arguments: args } };
}

async function* ollamaStream(
  response: BackendResponse,
  translate: (chunk: Record<string, unknown>) => ChatEvent[],
  signal: AbortSignal,
  config: BackendConfig,
): AsyncGenerator<ChatEvent> {
  const body = response.chunks();
  if (!body) throw new BackendFailure({ kind: "protocol", message: "empty response from backend" });
  try {
    for await (const line of readLines(body)) {
      if (line.trim() === "") continue;
      let chunk: unknown;
      try {
        chunk = JSON.parse(line);
      } catch {
        throw new BackendFailure({ kind: "protocol", message: "malformed stream line from backend" });
      }
      if (!isRecord(chunk)) throw new BackendFailure({ kind: "protocol", message: "malformed stream line from backend" });
      if (typeof chunk.error === "string") throw new BackendFailure({ kind: "http", status: 500, message: redact(chunk.error, config) });
      for (const event of translate(chunk)) yield event; // not yield*: over an array it adds a promise per event
      if (chunk.done === true) return;
    }
  } catch (error) {
    throw streamFailure(error, signal, config);
  }
  throw new BackendFailure({ kind: "protocol", message: "stream ended early" });
}
