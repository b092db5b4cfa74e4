import { z } from "zod";
import { bool, escapedText, httpUrl, int, ipRangeList, keepAlive, listOf, logLevel, num, oneOf, originList, text, type Parser } from "./parsers";

// Every environment variable the router reads, with its default (as it would be written in a .env
// file) and a one-line description. ENV_DEFAULT is generated from this table
// (`npm run env:default`) and a test keeps the two equal.

type Setting<T> = {
  parser: Parser<T>;
  /** The default as an env string; undefined means "unset". */
  default: string | undefined;
  doc: string;
  group: string;
  /** Never echo the value (errors, logs, console). */
  secret?: boolean;
};

function setting<T, const D extends string | undefined>(
  group: string,
  parser: Parser<T>,
  defaultValue: D,
  doc: string,
  secret = false,
): Setting<T> & { default: D } {
  return { parser, default: defaultValue, doc, group, secret };
}

export const BACKEND_KINDS = ["ollama", "llamacpp", "openai"] as const;
export type BackendKind = (typeof BACKEND_KINDS)[number];

const backendEntry = z
  .object({
    name: z.string().regex(/^[a-z0-9][a-z0-9_-]{0,31}$/i, "name must be 1-32 letters, digits, _ or -"),
    kind: z.enum(BACKEND_KINDS),
    url: z.string().regex(/^https?:\/\/\S+$/i, "url must start with http:// or https://"),
    apiKey: z.string().optional(),
    modelPrefix: z.string().optional(),
  })
  .strict();
export type BackendEntry = z.infer<typeof backendEntry>;

const backendList: Parser<BackendEntry[]> = {
  parse: (raw) => {
    try {
      const parsed = z.array(backendEntry).min(1).safeParse(JSON.parse(raw));
      if (!parsed.success) return undefined;
      const names = parsed.data.map((entry) => entry.name);
      return new Set(names).size === names.length ? parsed.data : undefined;
    } catch {
      return undefined;
    }
  },
  allowed: 'a JSON array of {"name","kind":"ollama|llamacpp|openai","url","apiKey"?,"modelPrefix"?} with unique names',
};

const S = "Server";
const B = "Backends";
const R = "Routing";
const P = "Profiling";
const J = "LLM judge";
const M = "External benchmarks";
const X = "Security and limits";
const C = "Caches";
const V = "VRAM";
const D = "Storage and telemetry";

export const SETTINGS = {
  ROUTER_HOST: setting(S, text, "127.0.0.1", "Address to listen on; 0.0.0.0 exposes the router to your network"),
  ROUTER_PORT: setting(S, int(0, 65535), "11436", "Port to listen on (0: any free port, printed at start)"),
  ROUTER_SHUTDOWN_TIMEOUT_SECONDS: setting(S, int(0, 3600), "30", "On SIGTERM/SIGINT, how long in-flight requests and streams may finish before the router exits"),
  ROUTER_EXTERNAL_MODEL_NAME: setting(S, text, "smarterrouter/main", "The virtual model clients ask for (\"auto\" means the same)"),
  ROUTER_SIGNATURE_ENABLED: setting(S, bool, "true", "Append a line naming the model that answered"),
  ROUTER_SIGNATURE_FORMAT: setting(S, escapedText, "\\nModel: {model}", "Signature template; {model} is replaced, \\n becomes a newline"),
  ROUTER_LOG_LEVEL: setting(S, logLevel, "INFO", "DEBUG, INFO, WARNING, ERROR or CRITICAL"),
  ROUTER_LOG_FORMAT: setting(S, oneOf(["text", "json"]), "text", "text for people, json for log collectors"),
  ROUTER_LOG_PROMPTS: setting(S, bool, "false", "Store conversation text in the decision log (off: only a hash is kept)"),

  ROUTER_PROVIDER: setting(B, oneOf(["ollama", "llamacpp", "openai"], { "llama.cpp": "llamacpp", "llama-cpp": "llamacpp", llamaswap: "llamacpp", "llama-swap": "llamacpp" }), "ollama", "Single-backend mode: ollama, llama.cpp (or llama-swap) or openai"),
  ROUTER_OLLAMA_URL: setting(B, httpUrl, "http://localhost:11434", "Ollama server used when ROUTER_PROVIDER=ollama"),
  ROUTER_LLAMA_CPP_URL: setting(B, httpUrl, undefined, "llama.cpp server; unset falls back to ROUTER_OPENAI_BASE_URL, then http://localhost:8080"),
  ROUTER_OPENAI_BASE_URL: setting(B, httpUrl, undefined, "OpenAI-compatible base URL (including /v1); unset means https://api.openai.com/v1"),
  ROUTER_OPENAI_API_KEY: setting(B, text, undefined, "API key sent to the OpenAI-compatible backend", true),
  ROUTER_BACKENDS: setting(B, backendList, undefined, 'Several backends at once, as JSON: [{"name":"gpu","kind":"ollama","url":"http://10.0.0.5:11434"}]; overrides ROUTER_PROVIDER', true),
  ROUTER_MODEL_PREFIX: setting(B, text, "", "Prefix added to model names sent to the backend"),
  ROUTER_PINNED_MODEL: setting(B, text, undefined, "Model to keep loaded at all times"),
  ROUTER_MODEL_KEEP_ALIVE: setting(B, keepAlive, "-1", "Ollama keep_alive sent with requests (-1 forever, 0 unload, or e.g. 5m)"),
  ROUTER_POLLING_INTERVAL: setting(B, int(5, 86400), "60", "Seconds between model discovery polls"),
  ROUTER_GENERATION_TIMEOUT: setting(B, num(1, 3600), "120", "Seconds a backend may take for a whole generation"),
  ROUTER_FIRST_TOKEN_TIMEOUT: setting(B, num(1, 3600), "60", "Seconds to wait for a streamed first token (includes a cold model load) before falling back"),
  ROUTER_MAX_FALLBACKS: setting(B, int(0, 10), "2", "Further models tried when the chosen one fails before answering"),
  ROUTER_DEFAULT_EMBEDDING_MODEL: setting(B, text, undefined, "Model for /v1/embeddings requests that name none; unset picks the first embedding model found"),

  ROUTER_QUALITY_PREFERENCE: setting(R, num(0, 1), "0.5", "0 favours speed, 1 favours quality"),
  ROUTER_MODEL: setting(R, text, undefined, "Optional LLM dispatcher model that helps pick a model"),
  ROUTER_TEMPERATURE: setting(R, num(0, 2), "0.0", "Temperature for the dispatcher model"),
  ROUTER_MAX_TOKENS: setting(R, int(1, 4096), "50", "Max tokens for the dispatcher model"),
  ROUTER_PREFER_SMALLER_MODELS: setting(R, bool, "true", "Break near-ties in favour of smaller models"),
  ROUTER_PREFER_NEWER_MODELS: setting(R, bool, "true", "Give newly discovered models a small bonus"),
  ROUTER_CASCADING_ENABLED: setting(R, bool, "true", "Fall back to the next-best model when one fails"),
  ROUTER_FEEDBACK_ENABLED: setting(R, bool, "true", "Accept /v1/feedback and let it influence routing"),

  ROUTER_PROFILE_TIMEOUT: setting(P, num(1, 3600), "90", "Base seconds allowed per profiling prompt"),
  ROUTER_PROFILE_PROMPTS_PER_CATEGORY: setting(P, int(1, 50), "3", "Profiling prompts run per task category"),
  ROUTER_PROFILE_PARALLEL_COUNT: setting(P, int(1, 16), "1", "Models profiled at the same time"),
  ROUTER_PROFILE_WARMUP_DISK_SPEED_MBPS: setting(P, num(1, 100000), "50.0", "Assumed disk speed for the model-load warm-up timeout"),
  ROUTER_PROFILE_WARMUP_MAX_TIMEOUT: setting(P, num(1, 86400), "1800.0", "Upper bound in seconds for the warm-up timeout"),
  ROUTER_PROFILE_ADAPTIVE_TIMEOUT_MIN: setting(P, num(1, 86400), "30.0", "Lower bound in seconds for the adaptive timeout"),
  ROUTER_PROFILE_ADAPTIVE_TIMEOUT_MAX: setting(P, num(1, 86400), "1800.0", "Upper bound in seconds for the adaptive timeout"),
  ROUTER_PROFILE_ADAPTIVE_SAFETY_FACTOR: setting(P, num(1, 100), "2.0", "Multiplier applied to the measured time per prompt"),
  ROUTER_PROFILE_MEASURE_VRAM: setting(P, bool, "true", "Measure each model's VRAM while profiling"),
  ROUTER_PROFILE_VRAM_SAMPLE_DELAY: setting(P, num(0, 600), "2.0", "Seconds to wait before sampling VRAM after a load"),
  ROUTER_PROFILE_VRAM_SAMPLES: setting(P, int(1, 100), "3", "VRAM samples taken per model"),
  ROUTER_PROFILE_AUTO: setting(P, bool, "true", "Profile newly discovered models automatically in the background"),

  ROUTER_JUDGE_ENABLED: setting(J, bool, "false", "Grade profiling answers with an LLM judge"),
  ROUTER_JUDGE_MODEL: setting(J, text, "gpt-4o", "Judge model name"),
  ROUTER_JUDGE_BASE_URL: setting(J, httpUrl, "https://api.openai.com/v1", "OpenAI-compatible base URL of the judge"),
  ROUTER_JUDGE_API_KEY: setting(J, text, undefined, "API key for the judge", true),
  ROUTER_JUDGE_HTTP_REFERER: setting(J, text, undefined, "HTTP-Referer header for OpenRouter-style judges"),
  ROUTER_JUDGE_X_TITLE: setting(J, text, undefined, "X-Title header for OpenRouter-style judges"),
  ROUTER_JUDGE_MAX_RETRIES: setting(J, int(0, 10), "3", "Retries for a failed judge call"),
  ROUTER_JUDGE_RETRY_BASE_DELAY: setting(J, num(0, 60), "1.0", "Seconds before the first retry (doubles each time)"),
  ROUTER_JUDGE_TIMEOUT: setting(J, num(1, 3600), "60", "Seconds one judge call may take before it counts as failed (and is retried)"),
  ROUTER_JUDGE_CONCURRENCY: setting(J, int(1, 64), "2", "Judge calls in flight at once"),

  ROUTER_BENCHMARK_SOURCES: setting(M, listOf(["huggingface", "lmsys", "artificial_analysis"]), "huggingface,lmsys", "Benchmark sources to sync (huggingface, lmsys, artificial_analysis); their figures are averaged per category, weighted by how sure each name match is"),
  ROUTER_ARTIFICIAL_ANALYSIS_API_KEY: setting(M, text, undefined, "API key for ArtificialAnalysis", true),
  ROUTER_ARTIFICIAL_ANALYSIS_CACHE_TTL: setting(M, int(0, 31_536_000), "86400", "Seconds to cache ArtificialAnalysis data"),
  ROUTER_ARTIFICIAL_ANALYSIS_MODEL_MAPPING_FILE: setting(M, text, undefined, "YAML file mapping local model names to ArtificialAnalysis names"),
  ROUTER_BENCHMARK_SYNC_INTERVAL_HOURS: setting(M, int(0, 8760), "24", "Hours between background benchmark syncs, for every backend kind (0 turns the background sync off)"),
  ROUTER_BENCHMARK_BUNDLED: setting(M, bool, "true", "Use the bundled table of published figures for common open models (works offline)"),
  ROUTER_BENCHMARK_MAX_ROWS: setting(M, int(100, 100_000), "10000", "Most rows read from one benchmark source per sync"),
  ROUTER_BENCHMARK_HUGGINGFACE_URL: setting(M, httpUrl, "https://datasets-server.huggingface.co/rows?dataset=open-llm-leaderboard%2Fcontents&config=default&split=train", "Open LLM Leaderboard v2 rows (datasets-server rows API; offset and length are added)"),
  ROUTER_BENCHMARK_LMSYS_URL: setting(M, httpUrl, "https://datasets-server.huggingface.co/rows?dataset=lmarena-ai%2Fleaderboard-dataset&config=text&split=latest", "LMArena leaderboard: datasets-server rows, or a CSV/JSON file with model and rating columns"),
  ROUTER_ARTIFICIAL_ANALYSIS_URL: setting(M, httpUrl, "https://artificialanalysis.ai/api/v2/data/llms/models", "ArtificialAnalysis models endpoint (needs ROUTER_ARTIFICIAL_ANALYSIS_API_KEY)"),

  ROUTER_ADMIN_API_KEY: setting(X, text, undefined, "Bearer key for /admin/* and the console login; unset: the router generates one and keeps it in data/admin-api-key (mode 0600)", true),
  ROUTER_MAX_BODY_BYTES: setting(X, int(1024, 1_073_741_824), "10485760", "Largest request body accepted (413 above it)"),
  ROUTER_FETCH_IMAGE_URLS: setting(X, bool, "false", "Let the router download http(s) image_url parts for Ollama (off: only data: URLs, so clients cannot make the router fetch internal addresses)"),
  ROUTER_MAX_MESSAGES: setting(X, int(1, 100_000), "1000", "Most messages accepted in one chat request"),
  ROUTER_RATE_LIMIT_ENABLED: setting(X, bool, "false", "Limit requests per client"),
  ROUTER_RATE_LIMIT_REQUESTS_PER_MINUTE: setting(X, int(1, 1_000_000), "60", "Requests per minute per client on /v1/chat/completions and /v1/embeddings"),
  ROUTER_RATE_LIMIT_TOKENS_PER_MINUTE: setting(X, int(1, 1_000_000_000), undefined, "Prompt + completion tokens per minute per client and per API key on /v1/chat/completions; unset means no token limit"),
  ROUTER_RATE_LIMIT_ADMIN_REQUESTS_PER_MINUTE: setting(X, int(1, 1_000_000), "10", "Requests per minute per client on /admin/*"),
  ROUTER_TRUSTED_PROXIES: setting(X, ipRangeList, "", "Proxies (IPs or CIDRs, comma-separated) whose X-Forwarded-For is believed when finding the client IP"),
  ROUTER_CORS_ALLOWED_ORIGINS: setting(X, originList, "", "Browser origins allowed to call /v1/* (comma-separated, or *); empty turns CORS off"),
  ROUTER_REQUIRE_API_KEY: setting(X, bool, "false", "Require a client API key (Authorization: Bearer sr-…, created in the console or via /admin/api-keys) on /v1/*"),
  ROUTER_CIRCUIT_BREAKER_ENABLED: setting(X, bool, "true", "Stop sending to a model after repeated failures, for a cooldown, then probe it back"),
  ROUTER_CIRCUIT_BREAKER_FAILURES: setting(X, int(1, 1000), "5", "Consecutive failed attempts that open a model's circuit"),
  ROUTER_CIRCUIT_BREAKER_COOLDOWN: setting(X, num(0.1, 3600), "30", "Seconds a model's circuit stays open before a request probes it again"),

  ROUTER_CACHE_ENABLED: setting(C, bool, "true", "Routing and response caches on; the default for the live setting on the console's Routing page"),
  ROUTER_CACHE_MAX_SIZE: setting(C, int(1, 1_000_000), "500", "Routing cache entries"),
  ROUTER_CACHE_TTL_SECONDS: setting(C, int(1, 31_536_000), "3600", "Seconds a cached routing decision or response lives; the default for the live setting"),
  ROUTER_CACHE_SIMILARITY_THRESHOLD: setting(C, num(0, 1), "0.85", "Cosine similarity for a semantic cache hit"),
  ROUTER_CACHE_RESPONSE_MAX_SIZE: setting(C, int(0, 1_000_000), "200", "Response cache entries"),
  ROUTER_EMBED_MODEL: setting(C, text, undefined, "Embedding model for the semantic cache; unset disables it"),

  ROUTER_VRAM_MONITOR_ENABLED: setting(V, bool, "true", "Sample GPU memory in the background"),
  ROUTER_VRAM_SAMPLER: setting(V, oneOf(["auto", "nvidia", "amd", "intel", "apple", "none"]), "auto", "GPU sampler: auto (every tool found on PATH) or one of nvidia, amd, intel, apple, none"),
  ROUTER_VRAM_MONITOR_INTERVAL: setting(V, num(1, 3600), "30", "Seconds between VRAM samples"),
  ROUTER_VRAM_MAX_TOTAL_GB: setting(V, num(0.1, 100_000), undefined, "VRAM budget in GB; unset means 90% of detected GPU memory"),
  ROUTER_VRAM_LOG_INTERVAL: setting(V, num(1, 86400), "60", "Seconds between VRAM log lines"),
  ROUTER_VRAM_AUTO_UNLOAD_ENABLED: setting(V, bool, "true", "Unload models to make room for the one a request needs"),
  ROUTER_VRAM_UNLOAD_THRESHOLD_PCT: setting(V, num(1, 100), "85.0", "Usage percentage that triggers a warning"),
  ROUTER_VRAM_UNLOAD_STRATEGY: setting(V, oneOf(["lru", "largest"]), "lru", "Which model to unload first: lru or largest"),
  ROUTER_VRAM_DEFAULT_ESTIMATE_GB: setting(V, num(0.1, 10_000), "8.0", "VRAM assumed for a model never measured"),
  ROUTER_APPLE_UNIFIED_MEMORY_GB: setting(V, num(1, 100_000), undefined, "Apple Silicon: total unified memory in GB"),
  ROUTER_AMD_UNIFIED_MEMORY_GB: setting(V, num(1, 100_000), undefined, "AMD APU: total unified memory in GB"),

  DATABASE_URL: setting(D, text, undefined, "postgres://user:pass@host:5432/db; unset uses embedded PGlite in ./data/pglite", true),
  ROUTER_DATABASE_URL: setting(D, text, undefined, "SmarterRouter's name for DATABASE_URL (DATABASE_URL wins)", true),
  ROUTER_DECISION_RETENTION_DAYS: setting(D, int(0, 36_500), "30", "Days the decision log keeps a routing decision; older rows are deleted hourly (0 keeps them forever)"),
  REDIS_URL: setting(D, text, undefined, "redis://host:6379 to share rate limits and caches between instances", true),
  OTEL_EXPORTER_OTLP_ENDPOINT: setting(D, httpUrl, undefined, "OTLP/HTTP collector, e.g. http://127.0.0.1:4318; unset turns tracing off"),
  OTEL_SERVICE_NAME: setting(D, text, "smarterrouter", "service.name on exported spans"),
  ROUTER_TRACE_CONTENT: setting(D, bool, "false", "Put prompt and completion text on exported spans (gen_ai.input.messages / gen_ai.output.messages)"),
  ROUTER_GRAFANA_URL: setting(D, httpUrl, "http://localhost:3000", "Grafana the console links to (dashboards, and traces through the tempo datasource)"),
  ROUTER_METRICS_TOKEN: setting(D, text, undefined, "Bearer token /metrics requires; unset leaves /metrics open", true),
} satisfies Record<string, Setting<unknown>>;

export type SettingName = keyof typeof SETTINGS;
type ValueOf<S> = S extends Setting<infer T> ? T : never;
type DefaultOf<S> = S extends { default: string } ? true : false;

/** The parsed configuration: settings with a default are always present. */
export type Config = {
  [K in SettingName]: DefaultOf<(typeof SETTINGS)[K]> extends true ? ValueOf<(typeof SETTINGS)[K]> : ValueOf<(typeof SETTINGS)[K]> | undefined;
};
