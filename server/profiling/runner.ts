import { and, eq } from "drizzle-orm";
import { listLoadedModels } from "../backends/discovery";
import type { RegisteredModel } from "../backends/registry";
import type { BackendAdapter, ChatMessage, ChatRequest, ToolDefinition, Usage } from "../backends/types";
import type { Config } from "../config/settings";
import type { DatabaseHandle } from "../db";
import { modelProfiles, profilingAnswers, type AnswerOutcome, type CategoryScores, type NewProfilingAnswer, type ProfilingAnswer, type ScoreProvenance } from "../db/schema";
import type { Logger } from "../observability/logger";
import { recordJudgeScore, recordProfilingPrompt } from "../observability/metrics";
import { endGenAiSpan, recordEvaluation, startGenAiSpan } from "../observability/tracing";
import { TASK_CATEGORIES } from "../routing/categories";
import { checkAnswer } from "./graders";
import type { JudgeClient } from "./judge";
import { probeImageDataUrl } from "./probe-image";
import type { ProfilePrompt } from "./suite";
import { loadTimeoutMs, promptTimeoutMs, type MeasuredSpeed } from "./timeouts";

// Profiles one model: warm it up (load time), measure VRAM, run the prompts streaming (time to
// first token, tokens per second), grade each answer, probe vision and tool calling, and write
// what was measured to model_profiles. Answers are stored one by one, so a resumed job skips
// the prompts already answered.

export type ProfilerContext = {
  database: DatabaseHandle;
  config: Config;
  logger: Logger;
  judge?: JudgeClient;
  adapterFor: (backend: string) => BackendAdapter;
};

export type ModelRun = {
  jobId: string;
  model: RegisteredModel;
  prompts: ProfilePrompt[];
  signal: AbortSignal;
  /** After every prompt: how many of this model's prompts are answered. */
  onPrompt?: (done: number, total: number) => Promise<void>;
};

type StreamedAnswer = { text: string; timeToFirstTokenMs?: number; tokensPerSecond?: number; durationMs: number; toolCalled: boolean };
type CallFailure = { failed: "timeout" | "error"; message: string; durationMs: number };

const ANSWER_KEEP_CHARS = 4000;

export async function profileModel(ctx: ProfilerContext, run: ModelRun): Promise<void> {
  const { model, signal } = run;
  const adapter = ctx.adapterFor(model.backend);
  const warm = await callModel(ctx, adapter, model.name, [{ role: "user", content: "Reply with the single word: ready" }], { maxTokens: 8, timeoutMs: loadTimeoutMs(model, ctx.config), signal, stream: false });
  if ("failed" in warm) throw new Error(warm.failed === "timeout" ? `the model did not load within ${loadTimeoutMs(model, ctx.config)} ms` : `warm-up failed: ${warm.message}`);
  const vramGb = ctx.config.ROUTER_PROFILE_MEASURE_VRAM ? await measureVram(ctx, model, signal) : undefined;

  const answered = new Set((await answersOf(ctx.database, run.jobId, model.name)).map((row) => row.promptId));
  let measured = speedOf(await answersOf(ctx.database, run.jobId, model.name));
  for (const prompt of run.prompts) {
    if (answered.has(prompt.id)) continue;
    signal.throwIfAborted();
    const row = await answerPrompt(ctx, adapter, run, prompt, measured);
    await ctx.database.db.insert(profilingAnswers).values(row).onConflictDoNothing();
    answered.add(prompt.id);
    measured = speedOf(await answersOf(ctx.database, run.jobId, model.name));
    await run.onPrompt?.(answered.size, run.prompts.length);
  }

  const [vision, toolCalling] = [await probeVision(ctx, adapter, model, measured, signal), await probeTools(ctx, adapter, model, measured, signal)];
  await saveProfile(ctx, run, { loadTimeMs: warm.durationMs, vramGb, vision, toolCalling });
}

async function answerPrompt(ctx: ProfilerContext, adapter: BackendAdapter, run: ModelRun, prompt: ProfilePrompt, measured: MeasuredSpeed | undefined): Promise<NewProfilingAnswer> {
  const model = run.model.name;
  const base = { jobId: run.jobId, model, category: prompt.category, promptId: prompt.id };
  const provider = { ollama: "ollama", llamacpp: "llama_cpp", openai: "openai" }[adapter.config.kind];
  const span = startGenAiSpan({ operation: "chat", provider, model, stream: true, maxTokens: prompt.maxTokens });
  const timeoutMs = promptTimeoutMs(measured, prompt.maxTokens, ctx.config);
  const result = await callModel(ctx, adapter, model, [{ role: "user", content: prompt.prompt }], {
    maxTokens: prompt.maxTokens,
    timeoutMs,
    signal: run.signal,
    stream: true,
    json: prompt.json,
  });
  if ("failed" in result) {
    // A timed-out prompt is a failed answer, never a fast one: score 0, and no speed recorded.
    endGenAiSpan(span, { errorType: result.failed, errorMessage: result.message });
    recordProfilingPrompt(model, prompt.category, result.failed);
    const message = result.failed === "timeout" ? `no complete answer within ${timeoutMs} ms` : result.message;
    return { ...base, outcome: result.failed, score: 0, error: message, durationMs: result.durationMs };
  }
  const check = prompt.check ? await checkAnswer(prompt.check, result.text) : undefined;
  const verdict = prompt.judge && ctx.judge ? await ctx.judge.grade({ model, category: prompt.category, question: prompt.prompt, reference: prompt.reference, answer: result.text }, run.signal) : undefined;
  if (verdict?.ok) {
    recordJudgeScore(model, prompt.category, ctx.judge!.model, verdict.verdict.score);
    recordEvaluation(span, { name: `smarterrouter.profile.${prompt.category}`, score: verdict.verdict.score, label: prompt.id });
  }
  const parts = [check?.score, verdict?.ok ? verdict.verdict.score : undefined].filter((v): v is number => v !== undefined);
  // Judge-only prompt whose judge call failed: nothing to grade it by, so it does not count either way.
  const outcome: AnswerOutcome = parts.length ? "graded" : "ungraded";
  endGenAiSpan(span, { responseModel: model });
  recordProfilingPrompt(model, prompt.category, outcome === "graded" ? "graded" : "error");
  return {
    ...base,
    outcome,
    score: parts.length ? parts.reduce((a, b) => a + b, 0) / parts.length : 0,
    checkScore: check?.score,
    judgeScore: verdict?.ok ? verdict.verdict.score : undefined,
    judgeRationale: verdict ? (verdict.ok ? verdict.verdict.rationale : undefined) : undefined,
    judgeModel: verdict ? ctx.judge!.model : undefined,
    error: verdict && !verdict.ok ? `judge: ${verdict.error}` : check && check.score < 1 ? check.detail : undefined,
    answer: result.text.slice(0, ANSWER_KEEP_CHARS),
    timeToFirstTokenMs: result.timeToFirstTokenMs,
    tokensPerSecond: result.tokensPerSecond,
    durationMs: result.durationMs,
  };
}

type CallOptions = { maxTokens: number; timeoutMs: number; signal: AbortSignal; stream: boolean; json?: boolean; tools?: ToolDefinition[] };

async function callModel(ctx: ProfilerContext, adapter: BackendAdapter, model: string, messages: ChatMessage[], options: CallOptions): Promise<StreamedAnswer | CallFailure> {
  const started = performance.now();
  const elapsed = () => performance.now() - started;
  const timeout = AbortSignal.timeout(options.timeoutMs);
  const signal = AbortSignal.any([options.signal, timeout]);
  const request: ChatRequest = {
    model,
    messages,
    stream: options.stream,
    includeUsage: options.stream,
    max_tokens: options.maxTokens,
    temperature: 0,
    keepAlive: ctx.config.ROUTER_MODEL_KEEP_ALIVE,
    ...(options.json ? { response_format: { type: "json_object" as const } } : {}),
    ...(options.tools ? { tools: options.tools, tool_choice: "auto" as const } : {}),
  };
  const failure = (message: string): CallFailure => {
    options.signal.throwIfAborted(); // cancelled job: stop, do not record a failure
    return { failed: timeout.aborted ? "timeout" : "error", message, durationMs: elapsed() };
  };
  try {
    const response = await adapter.chat(request, { signal });
    if (!response.ok) return failure(response.error.message);
    let text = "";
    let firstTokenAt: number | undefined;
    let usage: Usage | undefined;
    let toolCalled = false;
    for await (const event of response.value) {
      if (event.type === "done") {
        usage = event.usage;
        continue;
      }
      if (event.toolCalls?.length) toolCalled = true;
      if (firstTokenAt === undefined && (event.content || event.reasoning || event.toolCalls?.length)) firstTokenAt = elapsed();
      text += event.content ?? "";
    }
    const durationMs = elapsed();
    const tokens = usage?.completion_tokens ?? 0;
    const generatingMs = firstTokenAt === undefined ? 0 : durationMs - firstTokenAt;
    return {
      text,
      timeToFirstTokenMs: options.stream ? firstTokenAt : undefined,
      // one token needs no generation time; the rate needs at least two
      tokensPerSecond: options.stream && tokens > 1 && generatingMs > 0 ? (tokens - 1) / (generatingMs / 1000) : undefined,
      durationMs,
      toolCalled,
    };
  } catch (error) {
    return failure(error instanceof Error ? error.message : String(error));
  }
}

/** Mean speed over the answered prompts that measured it. */
function speedOf(rows: ProfilingAnswer[]): MeasuredSpeed | undefined {
  const timed = rows.filter((row) => row.outcome === "graded" || row.outcome === "ungraded").filter((row) => row.tokensPerSecond !== null && row.timeToFirstTokenMs !== null);
  if (!timed.length) return undefined;
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
  return { timeToFirstTokenMs: mean(timed.map((row) => row.timeToFirstTokenMs!)), tokensPerSecond: mean(timed.map((row) => row.tokensPerSecond!)) };
}

function answersOf(database: DatabaseHandle, jobId: string, model: string): Promise<ProfilingAnswer[]> {
  return database.db.select().from(profilingAnswers).where(and(eq(profilingAnswers.jobId, jobId), eq(profilingAnswers.model, model)));
}

/** GB the model holds while loaded (Ollama /api/ps; the largest of a few samples). */
async function measureVram(ctx: ProfilerContext, model: RegisteredModel, signal: AbortSignal): Promise<number | undefined> {
  const backend = ctx.adapterFor(model.backend).config;
  let most: number | undefined;
  for (let i = 0; i < ctx.config.ROUTER_PROFILE_VRAM_SAMPLES; i++) {
    if (ctx.config.ROUTER_PROFILE_VRAM_SAMPLE_DELAY > 0) await new Promise((resolve) => setTimeout(resolve, ctx.config.ROUTER_PROFILE_VRAM_SAMPLE_DELAY * 1000));
    signal.throwIfAborted();
    const bytes = (await listLoadedModels(backend)).find((loaded) => loaded.name === model.name)?.vramBytes;
    if (bytes !== undefined) most = Math.max(most ?? 0, bytes);
  }
  return most === undefined ? undefined : Math.round((most / 1e9) * 100) / 100;
}

async function probeVision(ctx: ProfilerContext, adapter: BackendAdapter, model: RegisteredModel, measured: MeasuredSpeed | undefined, signal: AbortSignal): Promise<boolean> {
  const messages: ChatMessage[] = [
    {
      role: "user",
      content: [
        { type: "text", text: "What colour is the square in this image? Answer in one word." },
        { type: "image_url", image_url: { url: probeImageDataUrl() } },
      ],
    },
  ];
  const result = await callModel(ctx, adapter, model.name, messages, { maxTokens: 20, timeoutMs: promptTimeoutMs(measured, 20, ctx.config), signal, stream: false });
  if ("failed" in result || !result.text.trim()) return false;
  // Some servers drop images a text model cannot read and answer anyway: seeing the colour is the
  // evidence, or the backend's own vision capability when it declares one.
  return /\bred\b/i.test(result.text) || (model.capabilities?.includes("vision") ?? false);
}

async function probeTools(ctx: ProfilerContext, adapter: BackendAdapter, model: RegisteredModel, measured: MeasuredSpeed | undefined, signal: AbortSignal): Promise<boolean> {
  const tools: ToolDefinition[] = [
    {
      type: "function",
      function: {
        name: "get_weather",
        description: "Current weather for a city",
        parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] },
      },
    },
  ];
  const messages: ChatMessage[] = [{ role: "user", content: "What is the weather in Paris right now? Use the get_weather tool." }];
  const result = await callModel(ctx, adapter, model.name, messages, { maxTokens: 100, timeoutMs: promptTimeoutMs(measured, 100, ctx.config), signal, stream: false, tools });
  return !("failed" in result) && result.toolCalled;
}

type Observed = { loadTimeMs: number; vramGb?: number; vision: boolean; toolCalling: boolean };

/** Per-category means over this job's graded answers (timeouts and errors count as 0), merged into the model's profile. */
async function saveProfile(ctx: ProfilerContext, run: ModelRun, observed: Observed): Promise<void> {
  const { model } = run;
  const rows = await answersOf(ctx.database, run.jobId, model.name);
  const counted = rows.filter((row) => row.outcome !== "ungraded");
  const at = new Date().toISOString();
  const scores: CategoryScores = {};
  const provenance: ScoreProvenance = {};
  for (const category of TASK_CATEGORIES) {
    const inCategory = counted.filter((row) => row.category === category);
    if (!inCategory.length) continue;
    scores[category] = Math.round((inCategory.reduce((sum, row) => sum + row.score, 0) / inCategory.length) * 1000) / 1000;
    const judged = inCategory.some((row) => row.judgeScore !== null);
    provenance[category] = { source: judged ? "judge" : "check", ...(judged && ctx.judge ? { judgeModel: ctx.judge.model } : {}), samples: inCategory.length, at };
  }
  const speed = speedOf(rows);
  const durations = rows.filter((row) => row.outcome === "graded" && row.durationMs !== null).map((row) => row.durationMs!);
  const [existing] = await ctx.database.db.select().from(modelProfiles).where(eq(modelProfiles.name, model.name));
  const values = {
    backend: model.backend,
    scores: { ...existing?.scores, ...scores },
    scoreProvenance: { ...existing?.scoreProvenance, ...provenance },
    tokensPerSecond: speed?.tokensPerSecond ?? existing?.tokensPerSecond ?? null,
    timeToFirstTokenMs: speed?.timeToFirstTokenMs ?? existing?.timeToFirstTokenMs ?? null,
    avgResponseTimeMs: durations.length ? durations.reduce((a, b) => a + b, 0) / durations.length : (existing?.avgResponseTimeMs ?? null),
    loadTimeMs: observed.loadTimeMs,
    vision: observed.vision,
    toolCalling: observed.toolCalling,
    embeddings: model.capabilities?.includes("embedding") ?? false,
    vramRequiredGb: observed.vramGb ?? existing?.vramRequiredGb ?? null,
    vramMeasuredAt: observed.vramGb !== undefined ? new Date() : (existing?.vramMeasuredAt ?? null),
    parameterCountB: model.parameterCountB ?? null,
    quantization: model.quantization ?? null,
    family: model.family ?? null,
    contextLength: model.contextLength ?? null,
    lastProfiled: new Date(),
  };
  await ctx.database.db
    .insert(modelProfiles)
    .values({ name: model.name, ...values })
    .onConflictDoUpdate({ target: modelProfiles.name, set: values });
  ctx.logger.info("model profiled", { model: model.name, job: run.jobId, scores: JSON.stringify(scores) });
}
