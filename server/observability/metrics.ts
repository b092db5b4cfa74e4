import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry, type RegistryContentType } from "prom-client";
import { fastCounter, fastHistogram } from "./series";

// Every metric lives in this file, on one registry kept on globalThis: Next loads the
// instrumentation bundle and route bundles as separate module copies. The names and labels are
// the contract in METRICS.md (dashboards and alert rules depend on them). Labels stay bounded:
// route templates, discovered model names, configured backends, small enums.

const LATENCY_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120];
const OVERHEAD_BUCKETS = [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];
const DECISION_BUCKETS = [0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05];
const PER_TOKEN_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.02, 0.03, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.5, 1];
const FEEDBACK_BUCKETS = [-1, -0.75, -0.5, -0.25, 0, 0.25, 0.5, 0.75, 1];
const JUDGE_BUCKETS = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1];
const PROFILING_BUCKETS = [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200, 14400];
const LOAD_BUCKETS = [0.5, 1, 2.5, 5, 10, 20, 30, 60, 120, 300];
// OpenTelemetry GenAI semantic-convention bucket advice.
const GEN_AI_TOKEN_BUCKETS = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864];
const GEN_AI_DURATION_BUCKETS = [0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92];
const GEN_AI_TTFT_BUCKETS = [0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10];

// Label values known up front (their series start at zero).
const WRITE_QUEUES = ["decisions", "feedback"] as const;
const API_KEY_REJECTIONS = ["missing", "invalid", "revoked"] as const;

const GEN_AI_LABELS = ["gen_ai_operation_name", "gen_ai_provider_name", "gen_ai_request_model", "gen_ai_response_model"] as const;

function createMetrics() {
  // prom-client only accepts exemplar-enabled metrics on an OpenMetrics registry; it is switched to
  // the Prometheus text format once they are registered (see renderMetrics).
  const registry = new Registry<RegistryContentType>();
  registry.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
  const registers = [registry];
  // Process metrics keep their conventional names (process_*, nodejs_*) so stock dashboards work.
  collectDefaultMetrics({ register: registry });
  const counter = <T extends string>(name: string, help: string, labelNames: readonly T[]) => new Counter<T>({ name, help, labelNames, registers });
  const gauge = <T extends string>(name: string, help: string, labelNames: readonly T[]) => new Gauge<T>({ name, help, labelNames, registers });
  const histogram = <T extends string>(name: string, help: string, labelNames: readonly T[], buckets: number[], enableExemplars = false) =>
    new Histogram<T>({ name, help, labelNames, buckets, registers, enableExemplars });

  const all = {
    registry,
    requests: counter("smarterrouter_requests_total", "HTTP requests handled, by route template", ["endpoint", "method", "status"]),
    requestDuration: histogram("smarterrouter_request_duration_seconds", "HTTP request duration; streams are measured to the last byte", ["endpoint", "method"], LATENCY_BUCKETS, true),
    errors: counter("smarterrouter_errors_total", "HTTP responses with status >= 400", ["endpoint", "error_type"]),
    modelSelections: counter("smarterrouter_model_selections_total", "Chat requests served, by the model that answered", ["selected_model", "category"]),
    cacheHits: counter("smarterrouter_cache_hits_total", "Cache lookups that found an entry", ["cache_type"]),
    cacheMisses: counter("smarterrouter_cache_misses_total", "Cache lookups that found nothing", ["cache_type"]),
    routingDecisions: counter("smarterrouter_routing_decisions_total", "Routing decisions, by the model routing chose", ["selected_model", "category", "complexity_tier", "reason"]),
    decisionDuration: histogram("smarterrouter_routing_decision_duration_seconds", "Prompt analysis and model scoring time", [], DECISION_BUCKETS),
    fallbacks: counter("smarterrouter_fallbacks_total", "Fallbacks from a failed model to the next one", ["from_model", "to_model", "reason"]),
    upstreamErrors: counter("smarterrouter_upstream_errors_total", "Failed backend attempts", ["backend", "model", "kind"]),
    timeToFirstToken: histogram("smarterrouter_time_to_first_token_seconds", "Streamed chat: request start to the first token", ["model"], LATENCY_BUCKETS, true),
    timePerOutputToken: histogram("smarterrouter_time_per_output_token_seconds", "Streamed chat: (end - first token) / output tokens", ["model"], PER_TOKEN_BUCKETS),
    tokens: counter("smarterrouter_tokens_total", "Tokens of served chat requests, as the backend reported them", ["model", "direction"]),
    overhead: histogram("smarterrouter_overhead_seconds", "Time spent in the router, backend time excluded (X-SmarterRouter-Overhead-Ms)", ["endpoint"], OVERHEAD_BUCKETS, true),
    feedbackScore: histogram("smarterrouter_feedback_score", "User feedback scores, normalised to [-1, 1]", ["model"], FEEDBACK_BUCKETS),
    modelsAvailable: gauge("smarterrouter_models_available", "Models a backend served at its last discovery (0 while unreachable)", ["backend"]),
    backendUp: gauge("smarterrouter_backend_up", "1 when the backend answered its last discovery, else 0", ["backend"]),

    // Defined ahead of the features that update them (profiling, rate limits, VRAM) so dashboards can reference them.
    judgeScore: histogram("smarterrouter_judge_score", "LLM-judge scores of profiling answers (0..1)", ["model", "category", "judge_model"], JUDGE_BUCKETS),
    judgeCalls: counter("smarterrouter_judge_calls_total", "LLM-judge calls", ["judge_model", "outcome"]),
    profilingJobs: counter("smarterrouter_profiling_jobs_total", "Profiling jobs finished", ["outcome"]),
    profilingJobDuration: histogram("smarterrouter_profiling_job_duration_seconds", "Wall time of a finished profiling job (this instance's share when it was resumed)", ["outcome"], PROFILING_BUCKETS),
    profilingPrompts: counter("smarterrouter_profiling_prompts_total", "Profiling prompts answered, by result", ["model", "category", "outcome"]),
    rateLimitHits: counter("smarterrouter_rate_limit_hits_total", "Requests refused by a rate limit", ["scope", "endpoint"]),
    benchmarkSourceSyncs: counter("smarterrouter_benchmark_source_syncs_total", "Benchmark source fetches during syncs, by outcome (ok, error, skipped)", ["source", "outcome"]),
    benchmarkMatchedModels: gauge("smarterrouter_benchmark_matched_models", "Backend models a benchmark source matched at its last successful sync", ["source"]),
    circuitState: gauge("smarterrouter_circuit_state", "Per-model circuit breaker: 0 closed, 1 open, 2 half-open (probing)", ["model"]),
    circuitOpens: counter("smarterrouter_circuit_opens_total", "Times a model's circuit opened", ["model"]),
    writeQueueDropped: counter("smarterrouter_write_queue_dropped_total", "Rows dropped because a write queue was full while the database was down", ["queue"]),
    writeQueueDepth: gauge("smarterrouter_write_queue_depth", "Rows waiting in a write queue", ["queue"]),
    decisionsPruned: counter("smarterrouter_decisions_pruned_total", "Decision-log rows deleted because they were older than ROUTER_DECISION_RETENTION_DAYS", []),
    apiKeyRejections: counter("smarterrouter_api_key_rejections_total", "Requests refused for a missing, unknown or revoked client API key", ["reason"]),
    vramTotal: gauge("smarterrouter_vram_total_bytes", "Memory of one GPU", ["gpu"]),
    vramTotalGb: gauge("smarterrouter_vram_total_gb", "GPU memory of every sampled GPU together, GB", []),
    vramUsedGb: gauge("smarterrouter_vram_used_gb", "GPU memory in use on every sampled GPU together, GB", []),
    vramUtilizationPct: gauge("smarterrouter_vram_utilization_pct", "Used / total GPU memory over every sampled GPU, percent", []),
    vramBudget: gauge("smarterrouter_vram_budget_bytes", "VRAM budget the manager keeps loaded models under (configured, else 90% of detected)", []),
    gpuTotalGb: gauge("smarterrouter_gpu_total_gb", "Memory of one GPU, GB", ["gpu_index", "vendor"]),
    gpuUsedGb: gauge("smarterrouter_gpu_used_gb", "Memory in use on one GPU, GB", ["gpu_index", "vendor"]),
    gpuFreeGb: gauge("smarterrouter_gpu_free_gb", "Free memory on one GPU, GB", ["gpu_index", "vendor"]),
    gpuUtilizationPct: gauge("smarterrouter_gpu_utilization_pct", "Compute utilisation of one GPU, percent (when the tool reports it)", ["gpu_index", "vendor"]),
    vramUsed: gauge("smarterrouter_vram_used_bytes", "Memory in use on one GPU", ["gpu"]),
    vramModel: gauge("smarterrouter_vram_model_bytes", "GPU memory held by a loaded model", ["model"]),
    /** Model label values of vramModel now set, so departed models can be removed. */
    residentModels: new Set<string>(),
    modelLoads: counter("smarterrouter_model_loads_total", "Model loads", ["model", "reason"]),
    modelUnloads: counter("smarterrouter_model_unloads_total", "Model unloads", ["model", "reason"]),
    modelLoadDuration: histogram("smarterrouter_model_load_duration_seconds", "Time to load a model", ["model"], LOAD_BUCKETS),

    // OpenTelemetry GenAI names, rendered the way the OTel→Prometheus translation would.
    genAiTokenUsage: histogram("gen_ai_client_token_usage", "Tokens per served chat request (gen_ai.client.token.usage)", [...GEN_AI_LABELS, "gen_ai_token_type"], GEN_AI_TOKEN_BUCKETS),
    genAiOperationDuration: histogram("gen_ai_client_operation_duration_seconds", "Backend attempt duration (gen_ai.client.operation.duration)", [...GEN_AI_LABELS, "error_type"], GEN_AI_DURATION_BUCKETS, true),
    genAiTimeToFirstToken: histogram(
      "gen_ai_server_time_to_first_token_seconds",
      "Streamed chat: time to the first token, measured at the router (gen_ai.server.time_to_first_token)",
      ["gen_ai_operation_name", "gen_ai_provider_name", "gen_ai_request_model"],
      GEN_AI_TTFT_BUCKETS,
      true,
    ),
  };
  registry.setContentType(Registry.PROMETHEUS_CONTENT_TYPE);
  // Series whose label values are known up front start at zero, so dashboards and alert rules read
  // 0, not "no data", until the first event (per-model circuits start at recordCircuitKnown).
  for (const queue of WRITE_QUEUES) {
    all.writeQueueDepth.set({ queue }, 0);
    all.writeQueueDropped.inc({ queue }, 0);
  }
  for (const reason of API_KEY_REJECTIONS) all.apiKeyRejections.inc({ reason }, 0);
  all.decisionsPruned.inc(0);
  // The series updated on every chat request, through the fast path (series.ts).
  const hot = {
    requests: fastCounter(all.requests),
    requestDuration: fastHistogram(all.requestDuration),
    overhead: fastHistogram(all.overhead),
    routingDecisions: fastCounter(all.routingDecisions),
    decisionDuration: fastHistogram(all.decisionDuration),
    modelSelections: fastCounter(all.modelSelections),
    cacheHits: fastCounter(all.cacheHits),
    cacheMisses: fastCounter(all.cacheMisses),
    tokens: fastCounter(all.tokens),
    genAiTokenUsage: fastHistogram(all.genAiTokenUsage),
    genAiOperationDuration: fastHistogram(all.genAiOperationDuration),
    timeToFirstToken: fastHistogram(all.timeToFirstToken),
    genAiTimeToFirstToken: fastHistogram(all.genAiTimeToFirstToken),
    timePerOutputToken: fastHistogram(all.timePerOutputToken),
  };
  return { ...all, hot };
}

type Metrics = ReturnType<typeof createMetrics>;
const holder = globalThis as unknown as { __smarterrouterMetrics?: Metrics };

export const metrics: Metrics = (holder.__smarterrouterMetrics ??= createMetrics());

/** Exemplar labels for a latency observation: the trace it happened in, when one is recording. */
function exemplar(traceId: string | undefined): Record<string, string> | undefined {
  return traceId ? { trace_id: traceId } : undefined;
}

export type CacheType = "routing" | "response";
export type GenAiOperation = "chat" | "embeddings";
/** The gen_ai.provider.name of a backend kind. */
export type GenAiProvider = "ollama" | "llama_cpp" | "openai";

export function recordHttpRequest(input: { endpoint: string; method: string; status: number; seconds: number; traceId?: string }): void {
  const status = String(input.status);
  metrics.hot.requests({ endpoint: input.endpoint, method: input.method, status });
  metrics.hot.requestDuration({ endpoint: input.endpoint, method: input.method }, input.seconds, exemplar(input.traceId));
  if (input.status >= 400) metrics.errors.inc({ endpoint: input.endpoint, error_type: status });
}

export function recordOverhead(endpoint: string, seconds: number, traceId?: string): void {
  metrics.hot.overhead({ endpoint }, seconds, exemplar(traceId));
}

export function recordRoutingDecision(input: { selectedModel: string; category: string; tier: string; reason: "routed" | "explicit" | "cache_hit" }): void {
  metrics.hot.routingDecisions({ selected_model: input.selectedModel, category: input.category, complexity_tier: input.tier, reason: input.reason });
}

export function recordDecisionDuration(seconds: number): void {
  metrics.hot.decisionDuration({}, seconds);
}

export function recordModelSelection(model: string, category: string): void {
  metrics.hot.modelSelections({ selected_model: model, category });
}

export type RateLimitScopeLabel = "client" | "admin" | "api_key" | "client_tokens" | "api_key_tokens";

export function recordRateLimitHit(scope: RateLimitScopeLabel, endpoint: string): void {
  metrics.rateLimitHits.inc({ scope, endpoint });
}

export function recordCacheLookup(cacheType: CacheType, hit: boolean): void {
  (hit ? metrics.hot.cacheHits : metrics.hot.cacheMisses)({ cache_type: cacheType });
}

export function recordFallback(fromModel: string, toModel: string, reason: string): void {
  metrics.fallbacks.inc({ from_model: fromModel, to_model: toModel, reason });
}

export function recordUpstreamError(backend: string, model: string, kind: string): void {
  metrics.upstreamErrors.inc({ backend, model, kind });
}

type GenAiCall = { operation: GenAiOperation; provider: GenAiProvider; model: string };

/** One backend attempt, finished (a stream at its end); errorType only when it failed. */
export function recordAttempt(call: GenAiCall & { seconds: number; errorType?: string; traceId?: string }): void {
  const labels = { gen_ai_operation_name: call.operation, gen_ai_provider_name: call.provider, gen_ai_request_model: call.model };
  metrics.hot.genAiOperationDuration(call.errorType ? { ...labels, error_type: call.errorType } : { ...labels, gen_ai_response_model: call.model }, call.seconds, exemplar(call.traceId));
}

export function recordFirstToken(call: GenAiCall & { seconds: number; traceId?: string }): void {
  const exemplarLabels = exemplar(call.traceId);
  metrics.hot.timeToFirstToken({ model: call.model }, call.seconds, exemplarLabels);
  metrics.hot.genAiTimeToFirstToken({ gen_ai_operation_name: call.operation, gen_ai_provider_name: call.provider, gen_ai_request_model: call.model }, call.seconds, exemplarLabels);
}

export function recordTimePerOutputToken(model: string, seconds: number): void {
  metrics.hot.timePerOutputToken({ model }, seconds);
}

/** Usage of one served chat request, as the backend reported it (or the router estimated it). */
export function recordUsage(call: GenAiCall & { inputTokens: number; outputTokens: number }): void {
  metrics.hot.tokens({ model: call.model, direction: "input" }, call.inputTokens);
  metrics.hot.tokens({ model: call.model, direction: "output" }, call.outputTokens);
  const labels = { gen_ai_operation_name: call.operation, gen_ai_provider_name: call.provider, gen_ai_request_model: call.model, gen_ai_response_model: call.model };
  metrics.hot.genAiTokenUsage({ ...labels, gen_ai_token_type: "input" }, call.inputTokens);
  metrics.hot.genAiTokenUsage({ ...labels, gen_ai_token_type: "output" }, call.outputTokens);
}

export type JudgeCallOutcome = "success" | "rate_limited" | "server_error" | "client_error" | "timeout" | "connect" | "malformed";

/** One judge HTTP call (each retry counts once). */
export function recordJudgeCall(judgeModel: string, outcome: JudgeCallOutcome): void {
  metrics.judgeCalls.inc({ judge_model: judgeModel, outcome });
}

export function recordJudgeScore(model: string, category: string, judgeModel: string, score: number): void {
  metrics.judgeScore.observe({ model, category, judge_model: judgeModel }, score);
}

export function recordProfilingPrompt(model: string, category: string, outcome: "graded" | "timeout" | "error"): void {
  metrics.profilingPrompts.inc({ model, category, outcome });
}

export function recordProfilingJob(outcome: "completed" | "failed" | "cancelled" | "interrupted", seconds: number): void {
  metrics.profilingJobs.inc({ outcome });
  metrics.profilingJobDuration.observe({ outcome }, seconds);
}

export function recordFeedbackScore(model: string, score: number): void {
  metrics.feedbackScore.observe({ model }, score);
}

/** After each benchmark source's part of a sync; the matched count only when the source answered. */
export function recordBenchmarkSourceSync(source: string, outcome: "ok" | "error" | "skipped", matchedModels?: number): void {
  metrics.benchmarkSourceSyncs.inc({ source, outcome });
  if (matchedModels !== undefined) metrics.benchmarkMatchedModels.set({ source }, matchedModels);
}

/** After each discovery of a backend. */
export function setBackendState(backend: string, up: boolean, modelsAvailable: number): void {
  metrics.backendUp.set({ backend }, up ? 1 : 0);
  metrics.modelsAvailable.set({ backend }, up ? modelsAvailable : 0);
}

const GB = 1024 ** 3;

export type GpuGaugeInput = { index: number; vendor: string; totalBytes: number; usedBytes: number; freeBytes: number; utilizationPct?: number };

/** One VRAM sample: per-GPU gauges (bytes and the original's GB names) and the totals over all GPUs. */
export function recordGpuSample(gpus: readonly GpuGaugeInput[]): void {
  let total = 0;
  let used = 0;
  for (const gpu of gpus) {
    const labels = { gpu_index: String(gpu.index), vendor: gpu.vendor };
    const id = `${gpu.vendor}${gpu.index}`;
    metrics.vramTotal.set({ gpu: id }, gpu.totalBytes);
    metrics.vramUsed.set({ gpu: id }, gpu.usedBytes);
    metrics.gpuTotalGb.set(labels, gpu.totalBytes / GB);
    metrics.gpuUsedGb.set(labels, gpu.usedBytes / GB);
    metrics.gpuFreeGb.set(labels, gpu.freeBytes / GB);
    if (gpu.utilizationPct !== undefined) metrics.gpuUtilizationPct.set(labels, gpu.utilizationPct);
    total += gpu.totalBytes;
    used += gpu.usedBytes;
  }
  if (gpus.length === 0) return;
  metrics.vramTotalGb.set(total / GB);
  metrics.vramUsedGb.set(used / GB);
  metrics.vramUtilizationPct.set(total > 0 ? (used / total) * 100 : 0);
}

/** The models resident now (Ollama size_vram); models no longer resident lose their series. */
export function recordModelResidency(models: ReadonlyMap<string, number>): void {
  for (const model of metrics.residentModels) {
    if (!models.has(model)) metrics.vramModel.remove({ model });
  }
  metrics.residentModels.clear();
  for (const [model, bytes] of models) {
    metrics.vramModel.set({ model }, bytes);
    metrics.residentModels.add(model);
  }
}

export function recordVramBudget(bytes: number | undefined): void {
  if (bytes === undefined) metrics.vramBudget.reset();
  else metrics.vramBudget.set(bytes);
}

/** reason: request (a request needed it), pinned (ROUTER_PINNED_MODEL), external (loaded by someone else). */
export function recordModelLoad(model: string, reason: "request" | "pinned" | "external", seconds?: number): void {
  metrics.modelLoads.inc({ model, reason });
  if (seconds !== undefined) metrics.modelLoadDuration.observe({ model }, seconds);
}

/** reason: lru or largest (the strategy made room), expired (gone from /api/ps without the router). */
export function recordModelUnload(model: string, reason: "lru" | "largest" | "expired"): void {
  metrics.modelUnloads.inc({ model, reason });
}

export type MetricsFormat = "prometheus" | "openmetrics";

/** OpenMetrics (with exemplars) when the scraper asks for it, the Prometheus text format otherwise. */
export function metricsFormatFor(accept: string | null): MetricsFormat {
  return accept && /application\/openmetrics-text/i.test(accept) ? "openmetrics" : "prometheus";
}

let rendering: Promise<unknown> = Promise.resolve();

/**
 * Renders the registry. prom-client renders OpenMetrics by switching the registry's content type
 * and renaming counters (dropping `_total`) in place, so renders are serialised and both are put
 * back afterwards: a concurrent Prometheus-format scrape must never see the renamed counters.
 */
export function renderMetrics(format: MetricsFormat): Promise<{ body: string; contentType: string }> {
  const run = rendering.then(() => renderNow(format));
  rendering = run.catch(() => undefined);
  return run;
}

async function renderNow(format: MetricsFormat): Promise<{ body: string; contentType: string }> {
  const { registry } = metrics;
  if (format === "prometheus") return { body: await registry.metrics(), contentType: Registry.PROMETHEUS_CONTENT_TYPE };
  const counters = registry.getMetricsAsArray().map((metric) => [metric, metric.name] as const);
  registry.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
  try {
    return { body: await registry.metrics(), contentType: Registry.OPENMETRICS_CONTENT_TYPE };
  } finally {
    registry.setContentType(Registry.PROMETHEUS_CONTENT_TYPE);
    for (const [metric, name] of counters) metric.name = name;
  }
}

export type CircuitState = "closed" | "open" | "half_open";
const CIRCUIT_VALUE: Record<CircuitState, number> = { closed: 0, open: 1, half_open: 2 };

export function recordCircuitState(model: string, state: CircuitState, opened = false): void {
  metrics.circuitState.set({ model }, CIRCUIT_VALUE[state]);
  if (opened) metrics.circuitOpens.inc({ model });
}

/** A model the breaker has just met: its circuit reads closed, with no opens, from now on. */
export function recordCircuitKnown(model: string): void {
  metrics.circuitState.set({ model }, CIRCUIT_VALUE.closed);
  metrics.circuitOpens.inc({ model }, 0);
}

export type WriteQueueName = (typeof WRITE_QUEUES)[number];

export function recordWriteQueue(queue: WriteQueueName, depth: number, dropped = 0): void {
  metrics.writeQueueDepth.set({ queue }, depth);
  if (dropped) metrics.writeQueueDropped.inc({ queue }, dropped);
}

export function recordDecisionsPruned(rows: number): void {
  metrics.decisionsPruned.inc(rows);
}

export function recordApiKeyRejection(reason: (typeof API_KEY_REJECTIONS)[number]): void {
  metrics.apiKeyRejections.inc({ reason });
}
