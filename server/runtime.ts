import { configuredBackends, redactUrl, type BackendConfig } from "./config/backends";
import { databaseTarget } from "./config/database";
import { getConfig } from "./config/env";
import type { Config } from "./config/settings";
import { ModelRegistry } from "./backends/registry";
import { createRouterCaches, type RouterCaches } from "./cache/router-caches";
import type { Redis } from "ioredis";
import { connectRedis } from "./cache/store";
import { getDatabase, type DatabaseHandle } from "./db";
import { DecisionLog } from "./gateway/decision-log";
import { KnowledgeStore } from "./knowledge/store";
import { parseTrustedProxies, type TrustedProxies } from "./limits/client-ip";
import { createMemoryRateLimiter, createRedisRateLimiter, type RateLimiter } from "./limits/rate-limiter";
import type { Logger } from "./observability/logger";
import { processLogger } from "./observability/process-logger";
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
  decisions: DecisionLog;
  startedAt: Date;
  /** Set when REDIS_URL is configured; shared by the caches and the rate limiter. */
  redis?: Redis;
  /** In Redis when configured, so the limit holds for the whole cluster; else in memory. */
  rateLimiter: RateLimiter;
  trustedProxies: TrustedProxies;
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
  logger.info("SmarterRouter ready", {
    version: VERSION,
    database: target.kind === "postgres" ? redactUrl(target.url) : `pglite ${target.url}`,
    backends: backends.map((backend) => `${backend.name}=${backend.kind}@${redactUrl(backend.url)}`).join(","),
  });
  if (!config.ROUTER_ADMIN_API_KEY) {
    logger.warn("SECURITY: ROUTER_ADMIN_API_KEY is not set; the admin API and console stay locked until it is.");
  }
  const runtime = assembleRuntime({ config, logger, database, startedAt, ownsDatabase: true });
  runtime.registry.start(config.ROUTER_POLLING_INTERVAL * 1000);
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
}): Runtime {
  const { config, logger, database } = parts;
  const backends = configuredBackends(config);
  const registry = new ModelRegistry(backends, logger);
  const redis = config.REDIS_URL ? connectRedis(config.REDIS_URL) : undefined;
  redis?.on("error", (error: Error) => logger.debug("redis error", { error }));
  let stopping: Promise<void> | undefined;
  const runtime: Runtime = {
    config,
    logger,
    backends,
    database,
    registry,
    knowledge: new KnowledgeStore(database, registry, config, logger),
    caches: createRouterCaches(config, logger, redis),
    decisions: new DecisionLog(database, logger),
    startedAt: parts.startedAt ?? new Date(),
    redis,
    rateLimiter: redis ? createRedisRateLimiter(redis, { prefix: parts.rateLimitKeyPrefix, logger }) : createMemoryRateLimiter(),
    trustedProxies: parseTrustedProxies(config.ROUTER_TRUSTED_PROXIES),
    shutdown: () => (stopping ??= runSteps(shutdownSteps(runtime, parts.ownsDatabase === true), logger)),
  };
  return runtime;
}

type ShutdownStep = [name: string, run: () => unknown];

/** In order: stop producing work, flush what is queued, then close connections. */
function shutdownSteps(runtime: Runtime, ownsDatabase: boolean): ShutdownStep[] {
  return [
    ["model polling", () => runtime.registry.stop()],
    ["decision log", () => runtime.decisions.flush()],
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
