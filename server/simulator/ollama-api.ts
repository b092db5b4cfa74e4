import { createHash } from "node:crypto";
import { z } from "zod";
import { findModel, keepAliveSchema, type ModelSpec, parseKeepAlive } from "./config";
import { type ChatTurn, embedText, generateReply, type JsonObject, type OutputFormat, type Reply, type ReplyRequest, type ToolSpec, countTokens } from "./generate";
import { type HttpCall, parseBody, sendJson } from "./http-io";
import { beginRun, type ErrorSender, type Frame, nominalTiming, respondWhenDone, type Run, type SimContext, streamFrames } from "./model-run";

export const OLLAMA_VERSION = "0.12.6";
const MODIFIED_AT = "2025-06-01T12:00:00.000Z";
const FOREVER = "2318-01-01T00:00:00.000Z"; // what Ollama shows for keep_alive -1

const jsonRecord = z.record(z.string(), z.unknown());
const modelField = z.string({ error: "model is required" }).min(1, "model is required");
const formatField = z.union([z.string(), jsonRecord]).nullish();
const optionsField = z.object({ seed: z.number().int().nullish(), num_predict: z.number().int().nullish() }).nullish();
const thinkField = z.union([z.boolean(), z.enum(["low", "medium", "high"])]).nullish();
const toolField = z.object({
  type: z.string().optional(),
  function: z.object({ name: z.string().min(1), description: z.string().nullish(), parameters: jsonRecord.nullish() }),
});

const chatSchema = z.object({
  model: modelField,
  messages: z
    .array(z.object({ role: z.string(), content: z.string().nullish(), images: z.array(z.string()).nullish(), tool_calls: z.array(z.unknown()).nullish() }))
    .nullish(),
  tools: z.array(toolField).nullish(),
  format: formatField,
  options: optionsField,
  stream: z.boolean().nullish(),
  keep_alive: keepAliveSchema.nullish(),
  think: thinkField,
});

const generateSchema = z.object({
  model: modelField,
  prompt: z.string().nullish(),
  system: z.string().nullish(),
  images: z.array(z.string()).nullish(),
  format: formatField,
  options: optionsField,
  stream: z.boolean().nullish(),
  keep_alive: keepAliveSchema.nullish(),
  think: thinkField,
});

const embedSchema = z.object({
  model: modelField,
  input: z.union([z.string(), z.array(z.string())]).nullish(),
  truncate: z.boolean().nullish(),
  dimensions: z.number().int().positive().nullish(),
  keep_alive: keepAliveSchema.nullish(),
});

const legacyEmbedSchema = z.object({ model: modelField, prompt: z.string().nullish(), keep_alive: keepAliveSchema.nullish() });

type Handler = (ctx: SimContext, call: HttpCall) => Promise<void>;

export function ollamaError(call: HttpCall): ErrorSender {
  return (status, message, headers) => sendJson(call.res, status, { error: message }, headers);
}

export function modelNotFound(name: string): string {
  return `model "${name}" not found, try pulling it first`;
}

function digestOf(model: ModelSpec): string {
  return createHash("sha256").update(model.name).digest("hex");
}

function parameterCount(size: string): number {
  const scale: Record<string, number> = { K: 1e3, M: 1e6, B: 1e9, T: 1e12 };
  return Math.round(parseFloat(size) * scale[size.slice(-1).toUpperCase()]);
}

function details(model: ModelSpec): JsonObject {
  return {
    parent_model: "",
    format: "gguf",
    family: model.family,
    families: [model.family],
    parameter_size: model.parameterSize,
    quantization_level: model.quantization,
  };
}

const bytes = (gb: number): number => Math.round(gb * 1e9);

function listModels(ctx: SimContext, call: HttpCall): Promise<void> {
  const models = [...ctx.models.values()].map((m) => ({
    name: m.name,
    model: m.name,
    modified_at: MODIFIED_AT,
    size: bytes(m.vramGb * 0.85), // the file is smaller than its VRAM footprint (KV cache, buffers)
    digest: digestOf(m),
    details: details(m),
  }));
  sendJson(call.res, 200, { models });
  return Promise.resolve();
}

function listRunning(ctx: SimContext, call: HttpCall): Promise<void> {
  const models = ctx.fleet.list().map(({ spec, expiresAt }) => ({
    name: spec.name,
    model: spec.name,
    size: bytes(spec.vramGb),
    digest: digestOf(spec),
    details: details(spec),
    expires_at: Number.isFinite(expiresAt) ? new Date(expiresAt).toISOString() : FOREVER,
    size_vram: bytes(spec.vramGb),
    context_length: Math.min(spec.contextLength, 4096),
  }));
  sendJson(call.res, 200, { models });
  return Promise.resolve();
}

function showModel(ctx: SimContext, call: HttpCall): Promise<void> {
  const parsed = parseBody(z.object({ model: z.string().nullish(), name: z.string().nullish() }), call.body);
  const name = parsed.ok ? (parsed.data.model ?? parsed.data.name) : undefined;
  if (!name) return Promise.resolve(sendJson(call.res, 400, { error: "model is required" }));
  const model = findModel(ctx.models, name);
  if (!model) return Promise.resolve(sendJson(call.res, 404, { error: modelNotFound(name) }));
  const arch = model.family.replace(/[^a-z0-9]/gi, "").toLowerCase() || "llama";
  const modelInfo: JsonObject = {
    "general.architecture": arch,
    "general.file_type": 15,
    "general.parameter_count": parameterCount(model.parameterSize),
    "general.quantization_version": 2,
    [`${arch}.context_length`]: model.contextLength,
    [`${arch}.embedding_length`]: model.embeddingDim ?? 4096,
  };
  sendJson(call.res, 200, {
    license: "",
    modelfile: `# Modelfile generated by the SmarterRouter simulator\nFROM ${model.name}\nPARAMETER num_ctx ${model.contextLength}`,
    parameters: `num_ctx                        ${model.contextLength}`,
    template: "{{ .System }}\n{{ .Prompt }}",
    details: details(model),
    model_info: modelInfo,
    capabilities: model.capabilities,
    modified_at: MODIFIED_AT,
  });
  return Promise.resolve();
}

function keepAliveOf(ctx: SimContext, value: z.infer<typeof keepAliveSchema> | null | undefined): number {
  return value === null || value === undefined ? ctx.defaultKeepAliveMs : parseKeepAlive(value);
}

function outputFormat(format: string | Record<string, unknown> | null | undefined): OutputFormat {
  if (format === "json") return { kind: "json" };
  if (format && typeof format === "object") return { kind: "schema", schema: format as JsonObject };
  return { kind: "text" };
}

/** Ollama's up-front checks, in its order; returns the error message or undefined. */
export function capabilityError(model: ModelSpec, endpoint: "chat" | "generate", wants: { tools: boolean; images: boolean; think: boolean }): string | undefined {
  const has = (c: string): boolean => (model.capabilities as string[]).includes(c);
  if (!has("completion")) return `"${model.name}" does not support ${endpoint}`;
  if (wants.tools && !has("tools")) return `registry.ollama.ai/library/${model.name} does not support tools`;
  if (wants.images && !has("vision")) return "this model is missing data required for image input";
  if (wants.think && !has("thinking")) return `"${model.name}" does not support thinking`;
  return undefined;
}

function stats(model: ModelSpec, run: Run, reply: Reply): JsonObject {
  const timing = nominalTiming(model, reply.completionTokens);
  const ns = (ms: number): number => Math.round(ms * 1e6);
  return {
    total_duration: ns(run.loadMs + timing.promptMs + timing.evalMs),
    load_duration: ns(run.loadMs),
    prompt_eval_count: reply.promptTokens,
    prompt_eval_duration: ns(timing.promptMs),
    eval_count: reply.completionTokens,
    eval_duration: ns(timing.evalMs),
  };
}

/** Shared by /api/chat and /api/generate: validation done, now load, generate and answer. */
async function complete(
  ctx: SimContext,
  call: HttpCall,
  model: ModelSpec,
  keepAliveMs: number,
  request: ReplyRequest,
  stream: boolean,
  shape: (part: { content: string; thinking?: string; toolCalls?: Reply["toolCalls"] }) => JsonObject,
  finalExtra: JsonObject,
): Promise<void> {
  const run = await beginRun(ctx, call, model, "ollama", keepAliveMs, ollamaError(call));
  if (!run) return;
  try {
    const reply = generateReply(model, request, ctx.generation);
    const head = (): JsonObject => ({ model: model.name, created_at: new Date(ctx.now()).toISOString() });
    const doneReason = reply.finishReason === "length" ? "length" : "stop";
    if (!stream) {
      const body = { ...head(), ...shape({ content: reply.content, thinking: reply.thinking || undefined, toolCalls: reply.toolCalls }), done_reason: doneReason, done: true, ...finalExtra, ...stats(model, run, reply) };
      await respondWhenDone(ctx, call, run, model, reply.completionTokens, body);
      return;
    }
    const line = (value: JsonObject): string => `${JSON.stringify(value)}\n`;
    const frames: Frame[] = [
      ...reply.thinkingPieces.map((thinking) => ({ data: line({ ...head(), ...shape({ content: "", thinking }), done: false }), tokens: 1 })),
      ...reply.contentPieces.map((content) => ({ data: line({ ...head(), ...shape({ content }), done: false }), tokens: 1 })),
    ];
    if (reply.toolCalls.length > 0) {
      frames.push({ data: line({ ...head(), ...shape({ content: "", toolCalls: reply.toolCalls }), done: false }), tokens: reply.completionTokens });
    }
    frames.push({ data: line({ ...head(), ...shape({ content: "" }), done: true, done_reason: doneReason, ...finalExtra, ...stats(model, run, reply) }), tokens: 0 });
    const malformed = `{"model":"${model.name}","created_at":"${new Date(ctx.now()).toISOString()}","message":{"role":"assistant","content":"\n`;
    await streamFrames(ctx, call, run, model, frames, "application/x-ndjson", malformed);
  } finally {
    run.finish();
  }
}

/** An empty prompt only loads the model; with keep_alive 0 it unloads it. */
async function loadOrUnload(ctx: SimContext, call: HttpCall, model: ModelSpec, keepAliveMs: number, shape: (reason: string) => JsonObject): Promise<void> {
  if (keepAliveMs === 0) {
    ctx.fleet.unload(model.name);
    return sendJson(call.res, 200, shape("unload"));
  }
  const run = await beginRun(ctx, call, model, "ollama", keepAliveMs, ollamaError(call));
  if (!run) return;
  run.finish();
  sendJson(call.res, 200, shape("load"));
}

function toolSpecs(tools: Array<z.infer<typeof toolField>> | null | undefined): ToolSpec[] {
  return (tools ?? []).map((t) => ({ name: t.function.name, description: t.function.description ?? "", parameters: (t.function.parameters ?? {}) as JsonObject }));
}

/** Validation and lookup shared by the model endpoints; undefined means an error was sent. */
function resolve<S extends z.ZodType<{ model: string; keep_alive?: z.infer<typeof keepAliveSchema> | null }>>(
  ctx: SimContext,
  call: HttpCall,
  schema: S,
): { data: z.infer<S>; model: ModelSpec; keepAliveMs: number } | undefined {
  const parsed = parseBody(schema, call.body);
  if (!parsed.ok) {
    const message = parsed.param === "model" ? "model is required" : `invalid request: ${parsed.param}: ${parsed.message}`;
    sendJson(call.res, 400, { error: message });
    return undefined;
  }
  const model = findModel(ctx.models, parsed.data.model);
  if (!model) {
    sendJson(call.res, 404, { error: modelNotFound(parsed.data.model) });
    return undefined;
  }
  try {
    return { data: parsed.data, model, keepAliveMs: keepAliveOf(ctx, parsed.data.keep_alive) };
  } catch (error) {
    sendJson(call.res, 400, { error: (error as Error).message });
    return undefined;
  }
}

async function chat(ctx: SimContext, call: HttpCall): Promise<void> {
  const resolved = resolve(ctx, call, chatSchema);
  if (!resolved) return;
  const { data, model, keepAliveMs } = resolved;
  const messages = data.messages ?? [];
  const shape = (part: { content: string; thinking?: string; toolCalls?: Reply["toolCalls"] }): JsonObject => ({
    message: {
      role: "assistant",
      content: part.content,
      ...(part.thinking ? { thinking: part.thinking } : {}),
      ...(part.toolCalls?.length ? { tool_calls: part.toolCalls.map((c) => ({ function: { name: c.name, arguments: c.arguments } })) } : {}),
    },
  });
  if (messages.length === 0) {
    return loadOrUnload(ctx, call, model, keepAliveMs, (reason) => ({ model: model.name, created_at: new Date(ctx.now()).toISOString(), ...shape({ content: "" }), done_reason: reason, done: true }));
  }
  const tools = toolSpecs(data.tools);
  const turns: ChatTurn[] = messages.map((m) => ({ role: m.role, content: m.content ?? "", imageCount: m.images?.length ?? 0 }));
  const problem = capabilityError(model, "chat", { tools: tools.length > 0, images: turns.some((t) => t.imageCount > 0), think: Boolean(data.think) });
  if (problem) return sendJson(call.res, 400, { error: problem });
  const request: ReplyRequest = {
    turns,
    tools,
    toolChoice: "auto",
    format: outputFormat(data.format),
    maxTokens: data.options?.num_predict && data.options.num_predict > 0 ? data.options.num_predict : undefined,
    think: Boolean(data.think),
    requestSeed: data.options?.seed ?? undefined,
  };
  await complete(ctx, call, model, keepAliveMs, request, data.stream !== false, shape, {});
}

async function generate(ctx: SimContext, call: HttpCall): Promise<void> {
  const resolved = resolve(ctx, call, generateSchema);
  if (!resolved) return;
  const { data, model, keepAliveMs } = resolved;
  const shape = (part: { content: string; thinking?: string }): JsonObject => ({ response: part.content, ...(part.thinking ? { thinking: part.thinking } : {}) });
  if (!data.prompt) {
    return loadOrUnload(ctx, call, model, keepAliveMs, (reason) => ({ model: model.name, created_at: new Date(ctx.now()).toISOString(), response: "", done: true, done_reason: reason }));
  }
  const imageCount = data.images?.length ?? 0;
  const problem = capabilityError(model, "generate", { tools: false, images: imageCount > 0, think: Boolean(data.think) });
  if (problem) return sendJson(call.res, 400, { error: problem });
  const turns: ChatTurn[] = [...(data.system ? [{ role: "system", content: data.system, imageCount: 0 }] : []), { role: "user", content: data.prompt, imageCount }];
  const request: ReplyRequest = {
    turns,
    tools: [],
    toolChoice: "none",
    format: outputFormat(data.format),
    maxTokens: data.options?.num_predict && data.options.num_predict > 0 ? data.options.num_predict : undefined,
    think: Boolean(data.think),
    requestSeed: data.options?.seed ?? undefined,
  };
  const context = Array.from({ length: Math.min(8, countTokens(data.prompt)) }, (_, i) => 1000 + i);
  await complete(ctx, call, model, keepAliveMs, request, data.stream !== false, shape, { context });
}

export function embeddingError(model: ModelSpec): string | undefined {
  return model.embeddingDim === undefined ? `"${model.name}" does not support embeddings` : undefined;
}

export function embedAll(ctx: SimContext, model: ModelSpec, inputs: string[], dimensions?: number): number[][] {
  const dim = model.embeddingDim ?? 0;
  return inputs.map((text) => {
    const vector = embedText(text, dim, ctx.config.seed, model.name);
    if (!dimensions || dimensions >= dim) return vector;
    const cut = vector.slice(0, dimensions);
    const norm = Math.hypot(...cut) || 1;
    return cut.map((v) => Math.fround(v / norm));
  });
}

async function embed(ctx: SimContext, call: HttpCall): Promise<void> {
  const resolved = resolve(ctx, call, embedSchema);
  if (!resolved) return;
  const { data, model, keepAliveMs } = resolved;
  const problem = embeddingError(model);
  if (problem) return sendJson(call.res, 400, { error: problem });
  const inputs = data.input === null || data.input === undefined ? [] : typeof data.input === "string" ? [data.input] : data.input;
  if (data.truncate === false && inputs.some((t) => countTokens(t) > model.contextLength)) {
    return sendJson(call.res, 400, { error: "input length exceeds the context length" });
  }
  const run = await beginRun(ctx, call, model, "ollama", keepAliveMs, ollamaError(call));
  if (!run) return;
  try {
    const promptTokens = inputs.reduce((sum, t) => sum + countTokens(t), 0);
    const ns = (ms: number): number => Math.round(ms * 1e6);
    await respondWhenDone(ctx, call, run, model, 0, {
      model: model.name,
      embeddings: embedAll(ctx, model, inputs, data.dimensions ?? undefined),
      total_duration: ns(run.loadMs + model.ttftMs),
      load_duration: ns(run.loadMs),
      prompt_eval_count: promptTokens,
    });
  } finally {
    run.finish();
  }
}

async function legacyEmbeddings(ctx: SimContext, call: HttpCall): Promise<void> {
  const resolved = resolve(ctx, call, legacyEmbedSchema);
  if (!resolved) return;
  const { data, model, keepAliveMs } = resolved;
  const problem = embeddingError(model);
  if (problem) return sendJson(call.res, 400, { error: problem });
  const run = await beginRun(ctx, call, model, "ollama", keepAliveMs, ollamaError(call));
  if (!run) return;
  try {
    await respondWhenDone(ctx, call, run, model, 0, { embedding: data.prompt ? embedAll(ctx, model, [data.prompt])[0] : [] });
  } finally {
    run.finish();
  }
}

export const ollamaRoutes: Partial<Record<string, Handler>> = {
  "GET /api/tags": listModels,
  "GET /api/ps": listRunning,
  "POST /api/show": showModel,
  "POST /api/chat": chat,
  "POST /api/generate": generate,
  "POST /api/embed": embed,
  "POST /api/embeddings": legacyEmbeddings,
};
