// The OpenAI chat-completions request as clients send it today, validated and normalised into the
// internal ChatRequest. Unlike the original, client content is kept as sent (only NUL removed),
// and tools, stop, response_format and the sampling parameters are all carried through.
import { z } from "zod";
import type {
  ChatMessage,
  ChatRequest,
  ContentPart,
  ResponseFormat,
  TextPart,
  ToolCall,
  ToolChoice,
  ToolDefinition,
} from "../../backends/types";
import { WireError } from "./errors";
import { formatParam, parseWith, requireObject, unknownKeys } from "./validation";

export type ChatRequestLimits = { maxMessages: number; maxContentChars: number };

export type ParsedChatRequest = {
  /** Absent (or "") means the virtual model; the gateway decides what "auto" and real names mean. */
  model?: string;
  request: Omit<ChatRequest, "model" | "keepAlive">;
  /** Top-level fields the router does not act on, for debug logging. */
  ignoredFields: string[];
};

const NAME_PATTERN = /^[a-zA-Z0-9_-]{1,64}$/;
const jsonObject = z.record(z.string(), z.unknown());

const textPart = z.object({ type: z.literal("text"), text: z.string() });
const imagePart = z.object({
  type: z.literal("image_url"),
  image_url: z.object({
    url: z.string().refine((url) => /^(data:|https?:\/\/)/i.test(url), "expected a data: URL or an http(s) URL."),
    detail: z.enum(["auto", "low", "high"]).nullish(),
  }),
});
// One-member discriminated unions so a wrong part type reads "expected one of 'text'".
const textContent = z.union([z.string(), z.array(z.discriminatedUnion("type", [textPart]))]);
const userContent = z.union([z.string(), z.array(z.discriminatedUnion("type", [textPart, imagePart]))]);

const toolCall = z.object({
  id: z.string(),
  type: z.literal("function").nullish(),
  function: z.object({ name: z.string(), arguments: z.string() }),
});

const message = z.discriminatedUnion("role", [
  z.object({ role: z.enum(["system", "developer"]), content: textContent, name: z.string().nullish() }),
  z.object({ role: z.literal("user"), content: userContent, name: z.string().nullish() }),
  z.object({
    role: z.literal("assistant"),
    content: textContent.nullish(),
    name: z.string().nullish(),
    tool_calls: z.array(toolCall).nullish(),
  }),
  z.object({ role: z.literal("tool"), content: textContent, tool_call_id: z.string() }),
]);

const tool = z.object({
  type: z.literal("function"),
  function: z.object({
    name: z.string().regex(NAME_PATTERN),
    description: z.string().nullish(),
    parameters: jsonObject.nullish(),
    strict: z.boolean().nullish(),
  }),
});

const toolChoice = z.union([
  z.enum(["none", "auto", "required"]),
  z.object({ type: z.literal("function"), function: z.object({ name: z.string() }) }),
]);

const responseFormat = z.discriminatedUnion("type", [
  z.object({ type: z.literal("text") }),
  z.object({ type: z.literal("json_object") }),
  z.object({
    type: z.literal("json_schema"),
    json_schema: z.object({
      name: z.string().regex(NAME_PATTERN),
      description: z.string().nullish(),
      schema: jsonObject.nullish(),
      strict: z.boolean().nullish(),
    }),
  }),
]);

export const MAX_TOOLS = 128;

// null is accepted wherever a field is optional: many clients send explicit nulls for "unset".
const chatRequestSchema = z.object({
  model: z.string().max(256).nullish(),
  messages: z.array(message).min(1),
  stream: z.boolean().nullish(),
  stream_options: z.object({ include_usage: z.boolean().nullish() }).nullish(),
  // OpenAI's own limit: a request with more tools is refused rather than forwarded.
  tools: z.array(tool).max(MAX_TOOLS).nullish(),
  tool_choice: toolChoice.nullish(),
  parallel_tool_calls: z.boolean().nullish(),
  response_format: responseFormat.nullish(),
  temperature: z.number().min(0).max(2).nullish(),
  top_p: z.number().min(0).max(1).nullish(),
  n: z.int().min(1).max(128).nullish(),
  max_tokens: z.int().min(1).nullish(),
  max_completion_tokens: z.int().min(1).nullish(),
  presence_penalty: z.number().min(-2).max(2).nullish(),
  frequency_penalty: z.number().min(-2).max(2).nullish(),
  stop: z.union([z.string(), z.array(z.string()).max(4)]).nullish(),
  seed: z.int().nullish(),
  logit_bias: z.record(z.string(), z.number().min(-100).max(100)).nullish(),
  logprobs: z.boolean().nullish(),
  top_logprobs: z.int().min(0).max(20).nullish(),
  user: z.string().max(256).nullish(),
});

type RawRequest = z.infer<typeof chatRequestSchema>;
type RawMessage = z.infer<typeof message>;

const KNOWN_FIELDS: ReadonlySet<string> = new Set(Object.keys(chatRequestSchema.shape));

const PASSTHROUGH = [
  "parallel_tool_calls",
  "temperature",
  "top_p",
  "n",
  "presence_penalty",
  "frequency_penalty",
  "seed",
  "logit_bias",
  "logprobs",
  "top_logprobs",
  "user",
] as const satisfies readonly (keyof RawRequest & keyof ChatRequest)[];

export function parseChatRequest(body: unknown, limits: ChatRequestLimits): ParsedChatRequest {
  const object = requireObject(body);
  // Checked before zod so a huge array is rejected without validating every element.
  if (Array.isArray(object.messages) && object.messages.length > limits.maxMessages) {
    const message = `Invalid 'messages': ${object.messages.length} messages, above the limit of ${limits.maxMessages}.`;
    throw new WireError(400, message, "messages", "array_above_max_length");
  }
  const raw = parseWith(chatRequestSchema, object);
  const tools = raw.tools?.map(normalizeTool);
  const hasTools = tools !== undefined && tools.length > 0;

  const request: ParsedChatRequest["request"] = {
    messages: raw.messages.map((m, i) => normalizeMessage(m, i, limits.maxContentChars)),
    stream: raw.stream ?? false,
    includeUsage: (raw.stream ?? false) && raw.stream_options?.include_usage === true,
  };
  const target = request as Record<string, unknown>;
  for (const key of PASSTHROUGH) {
    const value = raw[key];
    if (value !== null && value !== undefined) target[key] = value;
  }
  if (hasTools) request.tools = tools;
  else delete request.parallel_tool_calls; // only meaningful with tools; some backends reject it alone
  const choice = checkToolChoice(raw.tool_choice ?? undefined, tools ?? []);
  if (choice !== undefined) request.tool_choice = choice;
  if (raw.response_format) request.response_format = normalizeResponseFormat(raw.response_format);
  const maxTokens = raw.max_completion_tokens ?? raw.max_tokens;
  if (maxTokens !== null && maxTokens !== undefined) request.max_tokens = maxTokens;
  if (raw.stop !== null && raw.stop !== undefined) {
    const stop = typeof raw.stop === "string" ? [raw.stop] : raw.stop;
    if (stop.length > 0) request.stop = stop;
  }

  const model = raw.model?.trim();
  return {
    ...(model ? { model } : {}),
    request,
    ignoredFields: unknownKeys(object, KNOWN_FIELDS),
  };
}

function removeNul(text: string): string {
  return text.includes("\0") ? text.replaceAll("\0", "") : text;
}

function checkedText(text: string, path: (string | number)[], maxChars: number): string {
  const clean = removeNul(text);
  if (clean.length > maxChars) {
    const param = formatParam(path);
    const message = `Invalid '${param}': text is ${clean.length} characters, above the limit of ${maxChars}.`;
    throw new WireError(400, message, param, "string_above_max_length");
  }
  return clean;
}

function normalizeContent<P extends ContentPart>(
  content: string | readonly P[],
  path: (string | number)[],
  maxChars: number,
): string | P[] {
  if (typeof content === "string") return checkedText(content, path, maxChars);
  return content.map((part, j) => {
    if (part.type !== "text") return part;
    return { type: "text", text: checkedText(part.text, [...path, j, "text"], maxChars) } as P;
  });
}

function normalizeImage(part: z.infer<typeof imagePart>): ContentPart {
  const { url, detail } = part.image_url;
  return { type: "image_url", image_url: detail ? { url, detail } : { url } };
}

function normalizeMessage(m: RawMessage, i: number, maxChars: number): ChatMessage {
  const at = (...rest: (string | number)[]) => ["messages", i, ...rest];
  const named = <T extends object>(value: T): T => (m.role !== "tool" && m.name ? { ...value, name: m.name } : value);
  switch (m.role) {
    case "system":
    case "developer":
      return named({ role: m.role, content: normalizeContent<TextPart>(m.content, at("content"), maxChars) });
    case "user": {
      const content = typeof m.content === "string" ? m.content : m.content.map((p) => (p.type === "text" ? p : normalizeImage(p)));
      return named({ role: "user", content: normalizeContent<ContentPart>(content, at("content"), maxChars) });
    }
    case "tool":
      return { role: "tool", content: normalizeContent<TextPart>(m.content, at("content"), maxChars), tool_call_id: m.tool_call_id };
    case "assistant": {
      const toolCalls: ToolCall[] = (m.tool_calls ?? []).map((call, j) => ({
        id: call.id,
        type: "function",
        function: {
          name: call.function.name,
          arguments: checkedText(call.function.arguments, at("tool_calls", j, "function", "arguments"), maxChars),
        },
      }));
      if ((m.content === null || m.content === undefined) && toolCalls.length === 0) {
        const param = formatParam(at("content"));
        const message = `Missing required parameter: '${param}' (an assistant message needs content or tool_calls).`;
        throw new WireError(400, message, param, "missing_required_parameter");
      }
      const content = m.content === null || m.content === undefined ? null : normalizeContent<TextPart>(m.content, at("content"), maxChars);
      return named({ role: "assistant", content, ...(toolCalls.length > 0 ? { tool_calls: toolCalls } : {}) });
    }
  }
}

function normalizeTool(t: z.infer<typeof tool>): ToolDefinition {
  const { name, description, parameters, strict } = t.function;
  return {
    type: "function",
    function: {
      name,
      ...(description !== null && description !== undefined ? { description } : {}),
      ...(parameters ? { parameters } : {}),
      ...(strict !== null && strict !== undefined ? { strict } : {}),
    },
  };
}

function checkToolChoice(choice: ToolChoice | undefined, tools: ToolDefinition[]): ToolChoice | undefined {
  if (choice === undefined) return undefined;
  if (tools.length === 0) {
    // "none"/"auto" without tools is a no-op clients send by habit; demanding a tool is an error.
    if (choice === "none" || choice === "auto") return undefined;
    const message = "Invalid value for 'tool_choice': a tool is required but 'tools' is empty or missing.";
    throw new WireError(400, message, "tool_choice", "invalid_value");
  }
  if (typeof choice === "object" && !tools.some((t) => t.function.name === choice.function.name)) {
    const message = `Invalid value for 'tool_choice.function.name': no tool named '${choice.function.name}' in 'tools'.`;
    throw new WireError(400, message, "tool_choice.function.name", "invalid_value");
  }
  return typeof choice === "object" ? { type: "function", function: { name: choice.function.name } } : choice;
}

function normalizeResponseFormat(format: z.infer<typeof responseFormat>): ResponseFormat {
  if (format.type !== "json_schema") return { type: format.type };
  const { name, description, schema, strict } = format.json_schema;
  return {
    type: "json_schema",
    json_schema: {
      name,
      ...(description !== null && description !== undefined ? { description } : {}),
      ...(schema ? { schema } : {}),
      ...(strict !== null && strict !== undefined ? { strict } : {}),
    },
  };
}
