import { inArray, isNotNull, and, sql } from "drizzle-orm";
import { redactUrl } from "./config/backends";
import { discoverModels } from "./backends/discovery";
import { modelProfiles, profilingJobs } from "./db/schema";
import { isProfiledKind } from "./profiling/jobs";
import type { CircuitSnapshot } from "./gateway/circuit-breaker";
import type { Runtime } from "./runtime";
import { VERSION } from "./version";

export type HealthStatus = "ok" | "degraded" | "down";

export type HealthReport = {
  status: HealthStatus;
  version: string;
  uptime_seconds: number;
  timestamp: string;
  database: { kind: "postgres" | "pglite"; reachable: boolean };
  backends: { name: string; kind: string; url: string; reachable: boolean; models: number; latency_ms: number; error?: string }[];
  /** SmarterRouter's documented fields, kept for existing health checks. */
  backend_connected: boolean;
  models_available: number;
  profiling_complete: boolean;
  profiling: { state: "idle" | "running" | "unknown"; profiled_models: number; queued_or_running_jobs: number };
  /** Models whose circuit breaker is open or half-open (empty when every model is healthy). */
  circuits: CircuitSnapshot[];
  /** Writes waiting for the database (they are flushed when it answers again). */
  write_queues: { decisions: number; feedback: number };
};

// Health checks are polled by Docker and load balancers; a short memo keeps a burst of them from
// turning into a burst of backend probes.
const MEMO_MS = 1000;
const memo = new WeakMap<Runtime, { at: number; report: Promise<HealthReport> }>();

export function checkHealth(runtime: Runtime): Promise<HealthReport> {
  const now = Date.now();
  const cached = memo.get(runtime);
  if (cached && now - cached.at < MEMO_MS) return cached.report;
  const report = buildReport(runtime);
  memo.set(runtime, { at: now, report });
  return report;
}

async function buildReport(runtime: Runtime): Promise<HealthReport> {
  const [databaseUp, discoveries] = await Promise.all([
    runtime.database.ping(),
    Promise.all(runtime.backends.map((backend) => discoverModels(backend))),
  ]);
  const modelNames = [...new Set(discoveries.flatMap((result) => (result.ok ? result.models.map((model) => model.name) : [])))];
  // Embedding models and the judge are never profiled, so they do not hold "complete" back.
  const judge = runtime.config.ROUTER_JUDGE_ENABLED ? runtime.config.ROUTER_JUDGE_MODEL : undefined;
  const toProfile = modelNames.filter((name) => isProfiledKind(runtime.registry.find(name) ?? { name }, judge));
  const profiling = databaseUp ? await readProfilingState(runtime, toProfile) : { state: "unknown" as const, profiled_models: 0, queued_or_running_jobs: 0 };
  const backendsUp = discoveries.filter((result) => result.ok).length;
  const circuits = runtime.breaker.snapshot();
  const status: HealthStatus = modelNames.length === 0 ? "down" : !databaseUp || backendsUp < discoveries.length || circuits.some((circuit) => circuit.state === "open") ? "degraded" : "ok";
  return {
    status,
    version: VERSION,
    uptime_seconds: Math.round((Date.now() - runtime.startedAt.getTime()) / 1000),
    timestamp: new Date().toISOString(),
    database: { kind: runtime.database.kind, reachable: databaseUp },
    backends: runtime.backends.map((backend, index) => {
      const result = discoveries[index];
      return {
        name: backend.name,
        kind: backend.kind,
        url: redactUrl(backend.url),
        reachable: result.ok,
        models: result.ok ? result.models.length : 0,
        latency_ms: result.latencyMs,
        ...(result.ok ? {} : { error: result.error }),
      };
    }),
    backend_connected: backendsUp > 0,
    models_available: modelNames.length,
    profiling_complete: toProfile.length > 0 && profiling.profiled_models >= toProfile.length && profiling.queued_or_running_jobs === 0,
    profiling,
    circuits,
    write_queues: { decisions: runtime.decisions.queued, feedback: runtime.feedback.queued },
  };
}

async function readProfilingState(runtime: Runtime, modelNames: string[]): Promise<HealthReport["profiling"]> {
  try {
    const { db } = runtime.database;
    const [profiled] = modelNames.length
      ? await db
          .select({ count: sql<number>`count(*)::int` })
          .from(modelProfiles)
          .where(and(isNotNull(modelProfiles.lastProfiled), inArray(modelProfiles.name, modelNames)))
      : [{ count: 0 }];
    const [jobs] = await db
      .select({ count: sql<number>`count(*)::int` })
      .from(profilingJobs)
      .where(inArray(profilingJobs.status, ["queued", "running"]));
    return { state: jobs.count > 0 ? "running" : "idle", profiled_models: profiled.count, queued_or_running_jobs: jobs.count };
  } catch (error) {
    runtime.logger.warn("health: could not read profiling state", { error });
    return { state: "unknown", profiled_models: 0, queued_or_running_jobs: 0 };
  }
}

export function healthHttpStatus(report: HealthReport): number {
  return report.status === "down" ? 503 : 200;
}

/** GET /health as an HTTP answer: 200 while usable, 503 when down. */
export async function serveHealth(runtime: Runtime): Promise<Response> {
  const report = await checkHealth(runtime);
  return Response.json(report, { status: healthHttpStatus(report), headers: { "cache-control": "no-store" } });
}
