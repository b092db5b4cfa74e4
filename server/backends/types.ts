// The contract between the gateway and the backend adapters. Requests and events are
// OpenAI-shaped (that is the router's wire contract); each adapter translates to its server's
// own form (Ollama's native API, or an OpenAI-compatible API) and back.

import type { BackendConfig } from "../config/backends";

export type TextPart = { type: "text"; text: string };
export type ImagePart = { type: "image_url"; image_url: { url: string; detail?: "auto" | "low" | "high" } };
export type ContentPart = TextPart | ImagePart;

export type ToolCall = {
  id: string;
  type: "function";
  function: { name: string; arguments: string /* JSON text, as OpenAI sends it */ };
};

export type ChatMessage =
  | { role: "system" | "developer"; content: string | TextPart[]; name?: string }
  | { role: "user"; content: string | ContentPart[]; name?: string }
  | { role: "assistant"; content: string | TextPart[] | null; name?: string; tool_calls?: ToolCall[] }
  | { role: "tool"; content: string | TextPart[]; tool_call_id: string };

export type ToolDefinition = {
  type: "function";
  function: { name: string; description?: string; parameters?: Record<string, unknown>; strict?: boolean };
};

export type ToolChoice = "none" | "auto" | "required" | { type: "function"; function: { name: string } };

export type ResponseFormat =
  | { type: "text" }
  | { type: "json_object" }
  | { type: "json_schema"; json_schema: { name: string; schema?: Record<string, unknown>; strict?: boolean; description?: string } };

/** A validated chat request for one real model. Optional fields are absent when the client did not send them. */
export type ChatRequest = {
  /** The real model name as discovered (without the backend's model prefix). */
  model: string;
  messages: ChatMessage[];
  stream: boolean;
  /** stream_options.include_usage: the client wants a final usage chunk. */
  includeUsage: boolean;
  tools?: ToolDefinition[];
  tool_choice?: ToolChoice;
  parallel_tool_calls?: boolean;
  response_format?: ResponseFormat;
  temperature?: number;
  top_p?: number;
  /** max_tokens or max_completion_tokens (the latter wins when both are sent). */
  max_tokens?: number;
  stop?: string[];
  seed?: number;
  n?: number;
  presence_penalty?: number;
  frequency_penalty?: number;
  logit_bias?: Record<string, number>;
  logprobs?: boolean;
  top_logprobs?: number;
  user?: string;
  /** Ollama keep_alive (ROUTER_MODEL_KEEP_ALIVE); ignored by OpenAI-compatible backends. */
  keepAlive?: string | number;
};

export type Usage = {
  prompt_tokens: number;
  completion_tokens: number;
  total_tokens: number;
  /** True when the backend gave no counts and the router estimated them. */
  estimated?: boolean;
};

export type FinishReason = "stop" | "length" | "tool_calls" | "content_filter";

/** A streamed tool-call fragment, as in OpenAI's `delta.tool_calls[]`. */
export type ToolCallDelta = {
  index: number;
  id?: string;
  type?: "function";
  function?: { name?: string; arguments?: string };
};

/**
 * What an adapter yields. A non-streaming backend call yields one `delta` with the whole message
 * and then `done`; a streaming one yields many deltas. `done` is always last and appears once.
 */
export type ChatEvent =
  | { type: "delta"; content?: string; reasoning?: string; toolCalls?: ToolCallDelta[] }
  | { type: "done"; finishReason: FinishReason; usage?: Usage };

/** Why a backend call failed, in terms the gateway can act on. */
export type BackendErrorKind =
  | "connect" // refused, reset, DNS: nothing reached the server
  | "timeout" // no first byte / no completion in time
  | "http" // the server answered with an error status
  | "protocol" // malformed or cut stream / body
  | "aborted"; // the client went away

export type BackendError = {
  kind: BackendErrorKind;
  /** Upstream HTTP status for kind "http". */
  status?: number;
  /** Operator-readable, without URLs or secrets; safe to return to the client. */
  message: string;
  /** Seconds from an upstream Retry-After header, when present. */
  retryAfterSeconds?: number;
};

export type Result<T, E> = { ok: true; value: T } | { ok: false; error: E };

export type CallOptions = {
  /** Aborts the upstream request (client disconnect or the gateway's own timeouts). */
  signal: AbortSignal;
};

export type EmbedRequest = {
  model: string;
  input: string[];
  dimensions?: number;
  keepAlive?: string | number;
};

export type EmbedResult = {
  embeddings: number[][];
  /** Absent when the backend did not count. */
  promptTokens?: number;
};

export interface BackendAdapter {
  readonly config: BackendConfig;
  /**
   * Starts a chat call. Resolves once the backend has answered with a success status (so
   * errors before the first byte come back as values and the gateway can fall back); the
   * events then stream. An error during iteration is thrown as a BackendFailure.
   */
  chat(request: ChatRequest, options: CallOptions): Promise<Result<AsyncIterable<ChatEvent>, BackendError>>;
  embed(request: EmbedRequest, options: CallOptions): Promise<Result<EmbedResult, BackendError>>;
}

const BACKEND_FAILURE = Symbol.for("smarterrouter.BackendFailure");

/** Thrown from an event stream when the backend fails after the first byte. */
export class BackendFailure extends Error {
  readonly [BACKEND_FAILURE] = true;

  constructor(readonly error: BackendError) {
    super(error.message);
    this.name = "BackendFailure";
  }

  // The custom server and Next's bundle each load their own copy of this module, and the runtime
  // (with its adapters) is shared between them: recognise a failure thrown by either copy.
  static [Symbol.hasInstance](value: unknown): boolean {
    return typeof value === "object" && value !== null && (value as Record<symbol, unknown>)[BACKEND_FAILURE] === true;
  }
}
