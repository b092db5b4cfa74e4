import { setTimeout as sleep } from "node:timers/promises";
import { createAdapter } from "../backends/adapters";
import type { BackendError, ChatRequest } from "../backends/types";
import type { BackendConfig } from "../config/backends";
import type { Config } from "../config/settings";
import { recordJudgeCall, type JudgeCallOutcome } from "../observability/metrics";
import type { TaskCategory } from "../routing/categories";
import { extractJsonObject } from "./json-text";

// LLM-as-judge over any OpenAI-compatible endpoint. The HTTP goes through the backends' OpenAI
// adapter (the only code that talks to model servers); this file adds the judge's policy: a JSON
// verdict, robust parsing, retries of 429/5xx/timeouts with exponential backoff that honours
// Retry-After, no retry of a 4xx, and a cap on calls in flight.

export type JudgeSettings = {
  model: string;
  baseUrl: string;
  apiKey?: string;
  httpReferer?: string;
  xTitle?: string;
  maxRetries: number;
  retryBaseDelayMs: number;
  timeoutMs: number;
  concurrency: number;
};

export type JudgeInput = { model: string; category: TaskCategory; question: string; reference?: string; answer: string };
export type Verdict = { score: number; rationale: string };
export type JudgeResult = { ok: true; verdict: Verdict; attempts: number } | { ok: false; error: string; attempts: number };

const MAX_DELAY_MS = 120_000;
const MAX_ANSWER_CHARS = 12_000;

const SYSTEM_PROMPT = [
  "You grade answers written by AI models. Judge correctness first (against the reference when one is given), then completeness, clarity and fitness for the task.",
  'Reply with one JSON object and nothing else: {"score": <number from 0 to 1>, "reasoning": "<one or two sentences>"}.',
].join(" ");

export function judgeSettingsFrom(config: Config): JudgeSettings | undefined {
  if (!config.ROUTER_JUDGE_ENABLED) return undefined;
  return {
    model: config.ROUTER_JUDGE_MODEL,
    baseUrl: config.ROUTER_JUDGE_BASE_URL,
    apiKey: config.ROUTER_JUDGE_API_KEY,
    httpReferer: config.ROUTER_JUDGE_HTTP_REFERER,
    xTitle: config.ROUTER_JUDGE_X_TITLE,
    maxRetries: config.ROUTER_JUDGE_MAX_RETRIES,
    retryBaseDelayMs: config.ROUTER_JUDGE_RETRY_BASE_DELAY * 1000,
    timeoutMs: config.ROUTER_JUDGE_TIMEOUT * 1000,
    concurrency: config.ROUTER_JUDGE_CONCURRENCY,
  };
}

/** The grading prompt: labelled lines (Model/Category/Question/Expected/Answer) the simulator's judge also reads. */
export function judgePrompt(input: JudgeInput): string {
  const lines = [`Model: ${input.model}`, `Category: ${input.category}`, `Question: ${input.question}`];
  if (input.reference !== undefined) lines.push(`Expected: ${input.reference}`);
  lines.push(`Answer: ${input.answer.slice(0, MAX_ANSWER_CHARS)}`);
  return lines.join("\n");
}

/** A verdict from the judge's text: plain JSON, fenced JSON, JSON inside prose, or a bare "score: 7/10". */
export function parseVerdict(text: string): Verdict | undefined {
  const object = extractJsonObject(text);
  // Prose like "Score: 7" is accepted only when the reply has no (broken) JSON object in it.
  const prose = object || text.includes("{") ? undefined : /\bscore\s*[:=]\s*(-?\d+(?:\.\d+)?)/i.exec(text)?.[1];
  const raw = object ? (object.score ?? object.rating ?? object.grade) : prose;
  const value = typeof raw === "string" ? Number(raw) : raw;
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) return undefined;
  const score = value <= 1 ? value : value <= 10 ? value / 10 : value <= 100 ? value / 100 : undefined;
  if (score === undefined) return undefined;
  const reason = object ? (object.reasoning ?? object.rationale ?? object.explanation ?? object.reason) : undefined;
  return { score, rationale: typeof reason === "string" ? reason.slice(0, 2000) : "" };
}

export class JudgeClient {
  private readonly backend: BackendConfig;
  private active = 0;
  private readonly waiting: (() => void)[] = [];
  /** Cleared when the server rejects response_format; later calls ask for JSON in the prompt only. */
  private jsonMode = true;

  constructor(
    readonly settings: JudgeSettings,
    private readonly wait: (ms: number, signal?: AbortSignal) => Promise<unknown> = (ms, signal) => sleep(ms, undefined, { signal }),
  ) {
    const headers: Record<string, string> = {};
    if (settings.httpReferer) headers["HTTP-Referer"] = settings.httpReferer;
    if (settings.xTitle) headers["X-Title"] = settings.xTitle;
    this.backend = { name: "judge", kind: "openai", url: settings.baseUrl.replace(/\/+$/, ""), apiKey: settings.apiKey, modelPrefix: "", headers };
  }

  get model(): string {
    return this.settings.model;
  }

  async grade(input: JudgeInput, signal?: AbortSignal): Promise<JudgeResult> {
    await this.acquire(signal);
    try {
      return await this.gradeWithRetries(input, signal);
    } finally {
      this.release();
    }
  }

  private async gradeWithRetries(input: JudgeInput, signal?: AbortSignal): Promise<JudgeResult> {
    const adapter = createAdapter(this.backend);
    let lastError = "no attempt made";
    let retries = 0;
    for (let attempts = 1; ; attempts++) {
      signal?.throwIfAborted();
      const request: ChatRequest = {
        model: this.settings.model,
        messages: [
          { role: "system", content: SYSTEM_PROMPT },
          { role: "user", content: judgePrompt(input) },
        ],
        stream: false,
        includeUsage: false,
        temperature: 0,
        max_tokens: 300,
        ...(this.jsonMode ? { response_format: { type: "json_object" as const } } : {}),
      };
      const callSignal = signal ? AbortSignal.any([signal, AbortSignal.timeout(this.settings.timeoutMs)]) : AbortSignal.timeout(this.settings.timeoutMs);
      const outcome = await this.callOnce(adapter, request, callSignal);
      recordJudgeCall(this.settings.model, outcome.kind);
      if (outcome.kind === "success") return { ok: true, verdict: outcome.verdict, attempts };
      signal?.throwIfAborted();
      lastError = outcome.message;
      if (outcome.kind === "client_error") {
        // A server without JSON mode says so with a 400; asking again without it is a different request, not a retry.
        if (this.jsonMode && outcome.status === 400 && /response_format|json/i.test(outcome.message)) {
          this.jsonMode = false;
          continue;
        }
        return { ok: false, error: lastError, attempts };
      }
      if (retries >= this.settings.maxRetries) return { ok: false, error: `${lastError} (gave up after ${attempts} attempts)`, attempts };
      const backoff = this.settings.retryBaseDelayMs * 2 ** retries;
      retries++;
      await this.wait(Math.min(MAX_DELAY_MS, outcome.retryAfterMs ?? backoff), signal);
    }
  }

  private async callOnce(
    adapter: ReturnType<typeof createAdapter>,
    request: ChatRequest,
    signal: AbortSignal,
  ): Promise<{ kind: "success"; verdict: Verdict } | { kind: Exclude<JudgeCallOutcome, "success">; message: string; status?: number; retryAfterMs?: number }> {
    try {
      const started = await adapter.chat(request, { signal });
      if (!started.ok) return classify(started.error);
      let text = "";
      for await (const event of started.value) if (event.type === "delta") text += event.content ?? "";
      const verdict = parseVerdict(text);
      return verdict ? { kind: "success", verdict } : { kind: "malformed", message: `the judge's reply is not a verdict: ${text.slice(0, 120)}` };
    } catch (error) {
      if (signal.aborted) return { kind: "timeout", message: `the judge did not answer within ${this.settings.timeoutMs} ms` };
      return { kind: "connect", message: error instanceof Error ? error.message : String(error) };
    }
  }

  private async acquire(signal?: AbortSignal): Promise<void> {
    while (this.active >= this.settings.concurrency) {
      signal?.throwIfAborted();
      await new Promise<void>((resolve) => this.waiting.push(resolve));
    }
    this.active++;
  }

  private release(): void {
    this.active--;
    this.waiting.shift()?.();
  }
}

function classify(error: BackendError): { kind: Exclude<JudgeCallOutcome, "success" | "malformed">; message: string; status?: number; retryAfterMs?: number } {
  const retryAfterMs = error.retryAfterSeconds !== undefined ? error.retryAfterSeconds * 1000 : undefined;
  if (error.kind === "timeout" || error.kind === "aborted") return { kind: "timeout", message: error.message };
  if (error.kind === "http" && error.status === 429) return { kind: "rate_limited", message: error.message, status: 429, retryAfterMs };
  if (error.kind === "http" && (error.status ?? 500) >= 500) return { kind: "server_error", message: error.message, status: error.status, retryAfterMs };
  if (error.kind === "http") return { kind: "client_error", message: error.message, status: error.status };
  return { kind: "connect", message: error.message };
}
