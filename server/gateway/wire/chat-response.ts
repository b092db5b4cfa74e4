// What the client receives from /v1/chat/completions, in OpenAI's shapes: the completion object,
// stream chunks, SSE framing, and an accumulator that turns ChatEvents into one final message.
import type { ChatEvent, FinishReason, ToolCall, ToolCallDelta, Usage } from "../../backends/types";
import { openAIError, type OpenAIErrorOptions } from "./errors";

const ALPHANUMERIC = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

// Random bytes are drawn from a pool refilled 4 KiB at a time: one getRandomValues call per id
// (a system call each, behind Next's wrapper) was about 2% of the router's CPU per request.
const pool = new Uint8Array(4096);
let poolOffset = pool.length;

function randomByte(): number {
  if (poolOffset === pool.length) {
    crypto.getRandomValues(pool);
    poolOffset = 0;
  }
  return pool[poolOffset++];
}

/** Uniform random alphanumerics (rejection sampling avoids modulo bias). */
export function randomAlphanumeric(length: number): string {
  let out = "";
  while (out.length < length) {
    const byte = randomByte();
    if (byte < 248) out += ALPHANUMERIC[byte % 62];
  }
  return out;
}

export function completionId(): string {
  return `chatcmpl-${randomAlphanumeric(24)}`;
}

export type WireUsage = { prompt_tokens: number; completion_tokens: number; total_tokens: number };

/** Drops internal fields (`estimated`) that are not part of OpenAI's usage object. */
export function wireUsage(usage: Usage): WireUsage {
  return { prompt_tokens: usage.prompt_tokens, completion_tokens: usage.completion_tokens, total_tokens: usage.total_tokens };
}

export type AssistantMessage = { content: string; reasoning?: string; toolCalls?: ToolCall[] };

export type ChatCompletion = {
  id: string;
  object: "chat.completion";
  created: number;
  model: string;
  choices: [
    {
      index: 0;
      message: {
        role: "assistant";
        content: string | null;
        refusal: null;
        /** The de-facto field (DeepSeek, vLLM, llama.cpp) for a reasoning model's thinking. */
        reasoning_content?: string;
        tool_calls?: ToolCall[];
      };
      logprobs: null;
      finish_reason: FinishReason;
    },
  ];
  usage: WireUsage;
};

export function buildCompletion(input: {
  id: string;
  created: number;
  model: string;
  message: AssistantMessage;
  finishReason: FinishReason;
  usage: Usage;
}): ChatCompletion {
  const { content, reasoning, toolCalls } = input.message;
  const hasToolCalls = toolCalls !== undefined && toolCalls.length > 0;
  return {
    id: input.id,
    object: "chat.completion",
    created: Math.floor(input.created),
    model: input.model,
    choices: [
      {
        index: 0,
        message: {
          role: "assistant",
          content: hasToolCalls && content === "" ? null : content,
          refusal: null,
          ...(reasoning ? { reasoning_content: reasoning } : {}),
          ...(hasToolCalls ? { tool_calls: toolCalls } : {}),
        },
        logprobs: null,
        finish_reason: input.finishReason,
      },
    ],
    usage: wireUsage(input.usage),
  };
}

export type ChunkDelta = { role?: "assistant"; content?: string; reasoning?: string; toolCalls?: ToolCallDelta[] };

export type WireDelta = { role?: "assistant"; content?: string; reasoning_content?: string; tool_calls?: ToolCallDelta[] };

export type ChatCompletionChunk = {
  id: string;
  object: "chat.completion.chunk";
  created: number;
  model: string;
  choices: { index: 0; delta: WireDelta; logprobs: null; finish_reason: FinishReason | null }[];
  usage?: WireUsage;
};

export function buildChunk(input: {
  id: string;
  created: number;
  model: string;
  delta: ChunkDelta;
  finishReason?: FinishReason | null;
}): ChatCompletionChunk {
  const { role, content, reasoning, toolCalls } = input.delta;
  const delta: WireDelta = {};
  if (role) delta.role = role;
  if (content !== undefined) delta.content = content;
  if (reasoning !== undefined) delta.reasoning_content = reasoning;
  if (toolCalls !== undefined && toolCalls.length > 0) delta.tool_calls = toolCalls;
  return {
    id: input.id,
    object: "chat.completion.chunk",
    created: Math.floor(input.created),
    model: input.model,
    choices: [{ index: 0, delta, logprobs: null, finish_reason: input.finishReason ?? null }],
  };
}

/** The extra final chunk sent when the client asked for stream_options.include_usage. */
export function buildUsageChunk(input: { id: string; created: number; model: string; usage: Usage }): ChatCompletionChunk {
  return {
    id: input.id,
    object: "chat.completion.chunk",
    created: Math.floor(input.created),
    model: input.model,
    choices: [],
    usage: wireUsage(input.usage),
  };
}

export function sseData(value: unknown): string {
  return `data: ${JSON.stringify(value)}\n\n`;
}

/**
 * sseData(buildChunk(...)) for a delta of content only, the chunk nearly every token is: the
 * envelope is serialised once per stream and each token only escapes its text. Byte for byte the
 * same as the general path (chat-response.test.ts).
 */
export function contentChunkWriter(input: { id: string; created: number; model: string }): (content: string) => string {
  const general = (content: string) => sseData(buildChunk({ ...input, delta: { content }, finishReason: null }));
  const marker = "\u0000content\u0000";
  const parts = general(marker).split(JSON.stringify(marker));
  if (parts.length !== 2) return general; // the id or model holds the marker: never in practice
  const [head, tail] = parts;
  return (content) => head + JSON.stringify(content) + tail;
}

export const SSE_DONE = "data: [DONE]\n\n";

/** The one event that ends a stream after a failure (DESIGN §4: no [DONE] follows it). */
export function sseError(status: number, message: string, options?: OpenAIErrorOptions): string {
  return sseData(openAIError(status, message, options).body);
}

export type AccumulatedMessage = {
  content: string;
  reasoning?: string;
  toolCalls: ToolCall[];
  finishReason?: FinishReason;
  usage?: Usage;
};

export type MessageAccumulator = { push(event: ChatEvent): void; result(): AccumulatedMessage };

type PartialCall = { id?: string; name?: string; args: string[] };

/** Merges streamed deltas: tool-call id/name are set once per index, arguments concatenated. */
export function createMessageAccumulator(): MessageAccumulator {
  const content: string[] = [];
  const reasoning: string[] = [];
  const calls = new Map<number, PartialCall>();
  let finishReason: FinishReason | undefined;
  let usage: Usage | undefined;

  const addCall = (delta: ToolCallDelta) => {
    let call = calls.get(delta.index);
    if (!call) calls.set(delta.index, (call = { args: [] }));
    if (delta.id && !call.id) call.id = delta.id;
    if (delta.function?.name && !call.name) call.name = delta.function.name;
    if (delta.function?.arguments) call.args.push(delta.function.arguments);
  };

  return {
    push(event) {
      if (event.type === "done") {
        finishReason = event.finishReason;
        usage = event.usage;
        return;
      }
      if (event.content) content.push(event.content);
      if (event.reasoning) reasoning.push(event.reasoning);
      event.toolCalls?.forEach(addCall);
    },
    result() {
      const toolCalls = [...calls.entries()]
        .sort(([a], [b]) => a - b)
        .map(([, call]): ToolCall => {
          // Some servers (Ollama) send no ids; clients need one to answer the call. Kept, so
          // repeated result() calls agree.
          call.id ??= `call_${randomAlphanumeric(24)}`;
          return { id: call.id, type: "function", function: { name: call.name ?? "", arguments: call.args.join("") } };
        });
      const text = reasoning.join("");
      return {
        content: content.join(""),
        ...(text ? { reasoning: text } : {}),
        toolCalls,
        ...(finishReason ? { finishReason } : {}),
        ...(usage ? { usage } : {}),
      };
    },
  };
}
