import { configuredBackends, redactUrl, type BackendConfig } from "./config/backends";
import { databaseTarget } from "./config/database";
import { getConfig } from "./config/env";
import type { Config } from "./config/settings";
import { startDecisionRetention, type DecisionRetention } from "./gateway/decision-retention";
import { DEFAULT_ADMIN_KEY_FILE, resolveAdminKey, type AdminKey } from "./auth/admin-key";
import { ModelRegistry } from "./backends/registry";
import { startBenchmarkSchedule, type BenchmarkSchedule } from "./benchmarks/schedule";
import { createRouterCaches, type RouterCaches } from "./cache/router-caches";
import type { Redis } from "ioredis";
import { connectRedis } from "./cache/store";
import { getDatabase, type DatabaseHandle } from "./db";
import { ApiKeyUsage, ApiKeyVerifier } from "./auth/api-keys";
import { CircuitBreaker } from "./gateway/circuit-breaker";
import { DecisionLog } from "./gateway/decision-log";
import { RequestStats } from "./gateway/request-stats";
import { FeedbackLog } from "./feedback/feedback-log";
import { KnowledgeStore } from "./knowledge/store";
import { parseTrustedProxies, type TrustedProxies } from "./limits/client-ip";
import { createMemoryRateLimiter, createRedisRateLimiter, type RateLimiter } from "./limits/rate-limiter";
import type { Logger } from "./observability/logger";
import { processLogger } from "./observability/process-logger";
import { VramMonitor } from "./vram/monitor";
import { ProfilingWorker } from "./profiling/jobs";
import { VERSION } from "./version";

// Everything a request handler needs from the process, created once per process (and shared
// across Next's module copies through globalThis).

export type Runtime = {
  config: Config;
  logger: Logger;
  backends: BackendConfig[];
  database: DatabaseHandle;
  registry: ModelRegistry;
  knowledge: KnowledgeStore;
  caches: RouterCaches;
  /** Decision rows, written in batches off the request path; flush() drains it (shutdown). */
  decisions: DecisionLog;
  /** Ratings that arrived while the database was down; flush() drains it (shutdown). */
  feedback: FeedbackLog;
  /** This instance's request counters since start (GET /admin/stats), fed by the decision log. */
  requestStats: RequestStats;
  startedAt: Date;
  /** Set when REDIS_URL is configured; shared by the caches and the rate limiter. */
  redis?: Redis;
  /** In Redis when configured, so the limit holds for the whole cluster; else in memory. */
  rateLimiter: RateLimiter;
  trustedProxies: TrustedProxies;
  /** GPU sampling and the load/unload manager; started by startRuntime (tests start it themselves). */
  vram: VramMonitor;
  /** ROUTER_ADMIN_API_KEY, or one generated at start (and logged once) when it is unset. */
  adminKey: AdminKey;
  /** The background benchmark sync; set only in the server process (not in test harnesses). */
  benchmarkSchedule?: BenchmarkSchedule;
  /** The hourly deletion of old decision rows; set only in the server process. */
  decisionRetention?: DecisionRetention;
  /** Runs profiling jobs; started once per process by startRuntime (tests drive it directly). */
  profiler: ProfilingWorker;
  /** Stops the background work this runtime started. */
  stop: () => Promise<void>;
  /** Per-model circuit breaker: routing skips models that keep failing (per instance). */
  breaker: CircuitBreaker;
  /** Client API keys (ROUTER_REQUIRE_API_KEY): cached verification and batched usage totals. */
  apiKeys: ApiKeyVerifier;
  /** flush() writes the pending usage totals (shutdown). */
  apiKeyUsage: ApiKeyUsage;
  /**
   * Stops background work and flushes queued writes (then closes what the runtime owns). Called
   * once the HTTP server has drained; safe to call more than once. Add new jobs and queues to
   * shutdownSteps below.
   */
  shutdown: () => Promise<void>;
};

const holder = globalThis as unknown as { __smarterrouterRuntime?: Promise<Runtime> };

export function getRuntime(): Promise<Runtime> {
  holder.__smarterrouterRuntime ??= startRuntime().catch((error: unknown) => {
    holder.__smarterrouterRuntime = undefined; // let the next caller retry
    throw error;
  });
  return holder.__smarterrouterRuntime;
}

async function startRuntime(): Promise<Runtime> {
  const startedAt = new Date();
  const config = getConfig();
  const logger = processLogger();
  const target = databaseTarget(config);
  if (target.warning) logger.warn(target.warning);
  const database = await getDatabase(target.url);
  const backends = configuredBackends(config);
  // A throwaway database (memory://) gets a throwaway admin key: printed, not kept.
  const adminKeyFile = target.url === "memory://" ? undefined : DEFAULT_ADMIN_KEY_FILE;
  const runtime = assembleRuntime({ config, logger, database, startedAt, ownsDatabase: true, adminKeyFile });
  logger.info("SmarterRouter ready", {
    version: VERSION,
    database: target.kind === "postgres" ? redactUrl(target.url) : `pglite ${target.url}`,
    backends: backends.map((backend) => `${backend.name}=${backend.kind}@${redactUrl(backend.url)}`).join(","),
  });
  runtime.registry.start(config.ROUTER_POLLING_INTERVAL * 1000);
  void runtime.vram.start(); // in the background: requests do not wait for GPU detection
  runtime.benchmarkSchedule = startBenchmarkSchedule(runtime);
  runtime.decisionRetention = startDecisionRetention(database, logger, config.ROUTER_DECISION_RETENTION_DAYS);
  runtime.profiler.start();
  return runtime;
}

/** The parts built from config, logger and database: shared by the server and the test harnesses. */
export function assembleRuntime(parts: {
  config: Config;
  logger: Logger;
  database: DatabaseHandle;
  startedAt?: Date;
  rateLimitKeyPrefix?: string;
  /** Close the database on shutdown (the process runtime does; harnesses close their own). */
  ownsDatabase?: boolean;
  /** Where a generated admin key is kept (the process runtime's; harnesses keep theirs in memory). */
  adminKeyFile?: string;
}): Runtime {
  const { config, logger, database } = parts;
  const backends = configuredBackends(config);
  const registry = new ModelRegistry(backends, logger);
  const redis = config.REDIS_URL ? connectRedis(config.REDIS_URL) : undefined;
  const apiKeyUsage = new ApiKeyUsage(database, logger);
  const requestStats = new RequestStats();
  // A decision row carries the client key and the tokens it used: that is where key usage comes from.
  const decisions = new DecisionLog(database, logger, undefined, (row) => {
    requestStats.observe(row);
    if (row.clientKeyId) apiKeyUsage.add(row.clientKeyId, { promptTokens: row.promptTokens ?? 0, completionTokens: row.completionTokens ?? 0 });
  });
  redis?.on("error", (error: Error) => logger.debug("redis error", { error }));
  let knowledge: KnowledgeStore | undefined = undefined;
  const vram = new VramMonitor({ config, logger, registry, profiledVramGb: (model) => knowledge?.profiledVramGb(model) });
  knowledge = new KnowledgeStore(database, registry, config, logger, vram.manager);
  const profiler = new ProfilingWorker(database, registry, config, logger, { pollMs: config.ROUTER_POLLING_INTERVAL * 1000 });
  let stopping: Promise<void> | undefined;
  const runtime: Runtime = {
    config,
    logger,
    backends,
    database,
    registry,
    knowledge,
    caches: createRouterCaches(config, logger, redis),
    decisions,
    feedback: new FeedbackLog(database, logger, { before: () => decisions.flush() }),
    requestStats,
    startedAt: parts.startedAt ?? new Date(),
    redis,
    rateLimiter: redis ? createRedisRateLimiter(redis, { prefix: parts.rateLimitKeyPrefix, logger }) : createMemoryRateLimiter(),
    trustedProxies: parseTrustedProxies(config.ROUTER_TRUSTED_PROXIES),
    vram,
    adminKey: resolveAdminKey(config, logger, parts.adminKeyFile),
    profiler,
    stop: async () => {
      registry.stop();
      vram.stop();
      runtime.benchmarkSchedule?.stop();
      runtime.decisionRetention?.stop();
      await profiler.stop();
    },
    breaker: new CircuitBreaker({
      enabled: config.ROUTER_CIRCUIT_BREAKER_ENABLED,
      failureThreshold: config.ROUTER_CIRCUIT_BREAKER_FAILURES,
      cooldownMs: config.ROUTER_CIRCUIT_BREAKER_COOLDOWN * 1000,
    }),
    apiKeys: new ApiKeyVerifier(database, logger),
    apiKeyUsage,
    shutdown: () => (stopping ??= runSteps(shutdownSteps(runtime, parts.ownsDatabase === true), logger)),
  };
  return runtime;
}

type ShutdownStep = [name: string, run: () => unknown];

/** In order: stop producing work, flush what is queued, then close connections. */
function shutdownSteps(runtime: Runtime, ownsDatabase: boolean): ShutdownStep[] {
  return [
    ["background work", () => runtime.stop()],
    ["decision log", () => runtime.decisions.flush()],
    ["feedback", () => runtime.feedback.flush()],
    ["API key usage", () => runtime.apiKeyUsage.flush()],
    // Answers already sent whose cache entry is still being written (Redis is closed next).
    ["response cache", () => runtime.caches.settled()],
    ["redis", () => runtime.redis?.quit()],
    ...(ownsDatabase ? [["database", () => runtime.database.close()] satisfies ShutdownStep] : []),
  ];
}

/** Every step runs even when an earlier one fails: one stuck queue must not lose the others' rows. */
async function runSteps(steps: ShutdownStep[], logger: Logger): Promise<void> {
  for (const [name, run] of steps) {
    try {
      await run();
    } catch (error) {
      logger.error(`shutdown: ${name} failed`, { error });
    }
  }
}
