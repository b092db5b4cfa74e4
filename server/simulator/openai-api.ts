import { randomBytes } from "node:crypto";
import { z } from "zod";
import { findModel, type ModelSpec } from "./config";
import { type ChatTurn, countTokens, generateReply, type JsonObject, type OutputFormat, type Reply, type ToolChoice } from "./generate";
import { type HttpCall, openAiError, type Parsed, parseBody, sendJson } from "./http-io";
import { beginRun, type ErrorSender, type Frame, respondWhenDone, type SimContext, streamFrames } from "./model-run";
import { capabilityError, embedAll, embeddingError } from "./ollama-api";

const CREATED = 1748779200; // fixed so /v1/models is reproducible
const FINGERPRINT = "fp_simulator";

const jsonRecord = z.record(z.string(), z.unknown());
const contentPart = z.union([
  z.object({ type: z.literal("text"), text: z.string() }),
  z.object({ type: z.literal("image_url"), image_url: z.union([z.string(), z.object({ url: z.string() })]) }),
  z.looseObject({ type: z.string() }),
]);

const chatSchema = z.object({
  model: z.string().min(1),
  messages: z
    .array(
      z.object({
        role: z.enum(["system", "developer", "user", "assistant", "tool", "function"]),
        content: z.union([z.string(), z.array(contentPart)]).nullish(),
        tool_calls: z.array(z.unknown()).nullish(),
        tool_call_id: z.string().nullish(),
      }),
    )
    .min(1),
  stream: z.boolean().nullish(),
  stream_options: z.object({ include_usage: z.boolean().nullish() }).nullish(),
  tools: z
    .array(z.object({ type: z.literal("function"), function: z.object({ name: z.string().min(1), description: z.string().nullish(), parameters: jsonRecord.nullish() }) }))
    .nullish(),
  tool_choice: z.union([z.enum(["none", "auto", "required"]), z.object({ type: z.literal("function"), function: z.object({ name: z.string() }) })]).nullish(),
  response_format: z
    .union([
      z.object({ type: z.literal("text") }),
      z.object({ type: z.literal("json_object") }),
      z.object({ type: z.literal("json_schema"), json_schema: z.object({ name: z.string(), schema: jsonRecord.nullish(), strict: z.boolean().nullish() }) }),
    ])
    .nullish(),
  max_tokens: z.number().int().positive().nullish(),
  max_completion_tokens: z.number().int().positive().nullish(),
  seed: z.number().int().nullish(),
});

const embeddingsSchema = z.object({
  model: z.string().min(1),
  input: z.union([z.string(), z.array(z.string()), z.array(z.number().int()), z.array(z.array(z.number().int()))]),
  encoding_format: z.enum(["float", "base64"]).nullish(),
  dimensions: z.number().int().positive().nullish(),
});

type Handler = (ctx: SimContext, call: HttpCall) => Promise<void>;

export function openAiErrorSender(call: HttpCall): ErrorSender {
  return (status, message, headers) => sendJson(call.res, status, openAiError(status, message), headers);
}

function sendInvalid(call: HttpCall, parsed: Extract<Parsed<unknown>, { ok: false }>): void {
  const message = parsed.missing ? `Missing required parameter: '${parsed.param}'.` : `Invalid value for '${parsed.param}': ${parsed.message}`;
  sendJson(call.res, 400, openAiError(400, message, parsed.param || null));
}

function lookup(ctx: SimContext, call: HttpCall, name: string): ModelSpec | undefined {
  const model = findModel(ctx.models, name);
  if (!model) sendJson(call.res, 404, openAiError(404, `The model \`${name}\` does not exist or you do not have access to it.`, null, "model_not_found"));
  return model;
}

function listModels(ctx: SimContext, call: HttpCall): Promise<void> {
  const data = [...ctx.models.values()].map((m) => ({ id: m.name, object: "model", created: CREATED, owned_by: "library" }));
  sendJson(call.res, 200, { object: "list", data });
  return Promise.resolve();
}

function getModel(ctx: SimContext, call: HttpCall): Promise<void> {
  const model = lookup(ctx, call, call.params.id);
  if (model) sendJson(call.res, 200, { id: model.name, object: "model", created: CREATED, owned_by: "library" });
  return Promise.resolve();
}

function textOf(content: z.infer<typeof chatSchema>["messages"][number]["content"]): { text: string; images: number } {
  if (!content) return { text: "", images: 0 };
  if (typeof content === "string") return { text: content, images: 0 };
  const text = content.map((part) => (part.type === "text" && "text" in part && typeof part.text === "string" ? part.text : "")).join("\n");
  return { text, images: content.filter((part) => part.type === "image_url").length };
}

function outputFormat(format: z.infer<typeof chatSchema>["response_format"]): OutputFormat {
  if (format?.type === "json_object") return { kind: "json" };
  if (format?.type === "json_schema") return format.json_schema.schema ? { kind: "schema", schema: format.json_schema.schema as JsonObject } : { kind: "json" };
  return { kind: "text" };
}

function toolCallsJson(reply: Reply): JsonObject[] {
  return reply.toolCalls.map((c) => ({ id: c.id, type: "function", function: { name: c.name, arguments: JSON.stringify(c.arguments) } }));
}

async function chatCompletions(ctx: SimContext, call: HttpCall): Promise<void> {
  const parsed = parseBody(chatSchema, call.body);
  if (!parsed.ok) return sendInvalid(call, parsed);
  const data = parsed.data;
  const model = lookup(ctx, call, data.model);
  if (!model) return;
  const turns: ChatTurn[] = data.messages.map((m) => {
    const { text, images } = textOf(m.content);
    return { role: m.role === "developer" ? "system" : m.role, content: text, imageCount: images };
  });
  const tools = (data.tools ?? []).map((t) => ({ name: t.function.name, description: t.function.description ?? "", parameters: (t.function.parameters ?? {}) as JsonObject }));
  const choice = data.tool_choice;
  const toolChoice: ToolChoice = !choice ? "auto" : typeof choice === "string" ? choice : { name: choice.function.name };
  if (typeof toolChoice === "object" && !tools.some((t) => t.name === toolChoice.name)) {
    return sendJson(call.res, 400, openAiError(400, `Invalid value for 'tool_choice': no tool named '${toolChoice.name}'.`, "tool_choice"));
  }
  const problem = capabilityError(model, "chat", { tools: tools.length > 0, images: turns.some((t) => t.imageCount > 0), think: false });
  if (problem) return sendJson(call.res, 400, openAiError(400, problem));

  const run = await beginRun(ctx, call, model, "openai", ctx.defaultKeepAliveMs, openAiErrorSender(call));
  if (!run) return;
  try {
    const reply = generateReply(
      model,
      { turns, tools, toolChoice, format: outputFormat(data.response_format), maxTokens: data.max_completion_tokens ?? data.max_tokens ?? undefined, think: false, requestSeed: data.seed ?? undefined },
      ctx.generation,
    );
    const id = `chatcmpl-${randomBytes(12).toString("hex")}`;
    const created = Math.floor(ctx.now() / 1000);
    const usage = { prompt_tokens: reply.promptTokens, completion_tokens: reply.completionTokens, total_tokens: reply.promptTokens + reply.completionTokens };
    if (!data.stream) {
      const message: JsonObject = { role: "assistant", content: reply.toolCalls.length > 0 ? null : reply.content };
      if (reply.toolCalls.length > 0) message.tool_calls = toolCallsJson(reply);
      const body = { id, object: "chat.completion", created, model: model.name, system_fingerprint: FINGERPRINT, choices: [{ index: 0, message, finish_reason: reply.finishReason, logprobs: null }], usage };
      await respondWhenDone(ctx, call, run, model, reply.completionTokens, body);
      return;
    }
    const includeUsage = data.stream_options?.include_usage === true;
    const event = (value: unknown): string => `data: ${JSON.stringify(value)}\n\n`;
    const chunk = (delta: JsonObject, finishReason: string | null = null): string =>
      event({
        id,
        object: "chat.completion.chunk",
        created,
        model: model.name,
        system_fingerprint: FINGERPRINT,
        choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }],
        ...(includeUsage ? { usage: null } : {}),
      });
    const frames: Frame[] = [{ data: chunk({ role: "assistant", content: "" }), tokens: 0 }];
    for (const piece of reply.contentPieces) frames.push({ data: chunk({ content: piece }), tokens: 1 });
    reply.toolCalls.forEach((c, index) => {
      frames.push({ data: chunk({ tool_calls: [{ index, id: c.id, type: "function", function: { name: c.name, arguments: "" } }] }), tokens: 1 });
      for (const fragment of JSON.stringify(c.arguments).match(/.{1,12}/gs) ?? []) {
        frames.push({ data: chunk({ tool_calls: [{ index, function: { arguments: fragment } }] }), tokens: 1 });
      }
    });
    frames.push({ data: chunk({}, reply.finishReason), tokens: 0 });
    if (includeUsage) {
      frames.push({ data: event({ id, object: "chat.completion.chunk", created, model: model.name, system_fingerprint: FINGERPRINT, choices: [], usage }), tokens: 0 });
    }
    frames.push({ data: "data: [DONE]\n\n", tokens: 0 });
    const malformed = `data: {"id":"${id}","object":"chat.completion.chunk","choices":[{"delta":{"content":\n\n`;
    await streamFrames(ctx, call, run, model, frames, "text/event-stream; charset=utf-8", malformed);
  } finally {
    run.finish();
  }
}

/** Little-endian float32 bytes, as OpenAI's base64 encoding_format. */
export function encodeBase64Floats(vector: number[]): string {
  const view = new DataView(new ArrayBuffer(vector.length * 4));
  vector.forEach((v, i) => view.setFloat32(i * 4, v, true));
  return Buffer.from(view.buffer).toString("base64");
}

async function embeddings(ctx: SimContext, call: HttpCall): Promise<void> {
  const parsed = parseBody(embeddingsSchema, call.body);
  if (!parsed.ok) return sendInvalid(call, parsed);
  const data = parsed.data;
  const model = lookup(ctx, call, data.model);
  if (!model) return;
  const problem = embeddingError(model);
  if (problem) return sendJson(call.res, 400, openAiError(400, problem, "model"));
  const raw = typeof data.input === "string" ? [data.input] : data.input;
  // token-id arrays are accepted like OpenAI does; the ids themselves become the text
  const inputs = raw.every((item) => typeof item === "number") && raw.length > 0 ? [raw.join(" ")] : raw.map((item) => (Array.isArray(item) ? item.join(" ") : String(item)));
  if (inputs.length === 0 || inputs.some((text) => text === "")) {
    return sendJson(call.res, 400, openAiError(400, "Invalid value for 'input': input must be a non-empty string or array.", "input"));
  }
  const run = await beginRun(ctx, call, model, "openai", ctx.defaultKeepAliveMs, openAiErrorSender(call));
  if (!run) return;
  try {
    const vectors = embedAll(ctx, model, inputs, data.dimensions ?? undefined);
    const promptTokens = inputs.reduce((sum, text) => sum + countTokens(text), 0);
    await respondWhenDone(ctx, call, run, model, 0, {
      object: "list",
      data: vectors.map((vector, index) => ({ object: "embedding", index, embedding: data.encoding_format === "base64" ? encodeBase64Floats(vector) : vector })),
      model: model.name,
      usage: { prompt_tokens: promptTokens, total_tokens: promptTokens },
    });
  } finally {
    run.finish();
  }
}

export const openAiRoutes: Partial<Record<string, Handler>> = {
  "GET /v1/models": listModels,
  "GET /v1/models/:id": getModel,
  "POST /v1/chat/completions": chatCompletions,
  "POST /v1/embeddings": embeddings,
};
