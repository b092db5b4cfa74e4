import { and, gte, sql } from "drizzle-orm";
import { routingDecisions } from "../db/schema";
import { checkHealth } from "../health";
import type { Runtime } from "../runtime";
import { vramReport } from "../vram/report";
import { dashboardLinks } from "./grafana";

// The Overview page reads the decision log (routing_decisions) over a recent window, not this
// process's metrics registry: every instance writes there, so the numbers are the cluster's.

export type OverviewInput = { windowMinutes: number };

export async function readOverview(runtime: Runtime, input: OverviewInput) {
  const since = new Date(Date.now() - input.windowMinutes * 60_000);
  const { db } = runtime.database;
  const inWindow = and(gte(routingDecisions.createdAt, since));
  const [totals, perMinute, byCategory, byModel, health] = await Promise.all([
    db
      .select({
        requests: sql<number>`count(*)::int`,
        errors: sql<number>`count(*) filter (where ${routingDecisions.status} = 'error')::int`,
        cacheHits: sql<number>`count(*) filter (where ${routingDecisions.cacheHit})::int`,
        fallbacks: sql<number>`count(*) filter (where ${routingDecisions.fallbackCount} > 0)::int`,
        p50: sql<number | null>`percentile_cont(0.5) within group (order by ${routingDecisions.latencyMs})`,
        p95: sql<number | null>`percentile_cont(0.95) within group (order by ${routingDecisions.latencyMs})`,
      })
      .from(routingDecisions)
      .where(inWindow),
    db
      .select({ minute: sql<string>`to_char(date_trunc('minute', ${routingDecisions.createdAt} at time zone 'UTC'), 'YYYY-MM-DD"T"HH24:MI')`, requests: sql<number>`count(*)::int`, errors: sql<number>`count(*) filter (where ${routingDecisions.status} = 'error')::int` })
      .from(routingDecisions)
      .where(inWindow)
      .groupBy(sql`1`)
      .orderBy(sql`1`),
    db.select({ name: sql<string>`coalesce(${routingDecisions.category}, 'unknown')`, count: sql<number>`count(*)::int` }).from(routingDecisions).where(inWindow).groupBy(sql`1`).orderBy(sql`2 desc`),
    db.select({ name: routingDecisions.selectedModel, count: sql<number>`count(*)::int` }).from(routingDecisions).where(inWindow).groupBy(routingDecisions.selectedModel).orderBy(sql`2 desc`).limit(20),
    checkHealth(runtime),
  ]);
  const total = totals[0];
  const vram = vramReport(runtime, 1);
  return {
    windowMinutes: input.windowMinutes,
    requests: total.requests,
    requestsPerMinute: Math.round((total.requests / input.windowMinutes) * 100) / 100,
    errorRatio: total.requests ? total.errors / total.requests : 0,
    cacheHitRatio: total.requests ? total.cacheHits / total.requests : 0,
    fallbacks: total.fallbacks,
    latencyMs: { p50: total.p50 === null ? null : Math.round(Number(total.p50)), p95: total.p95 === null ? null : Math.round(Number(total.p95)) },
    perMinute: fillMinutes(since, input.windowMinutes, perMinute),
    byCategory,
    byModel,
    health: { status: health.status, backends: health.backends, modelsAvailable: health.models_available, database: health.database },
    // The VRAM manager's view (what /api/ps says is resident, the budget it keeps to), as on the VRAM page.
    vram: {
      budgetGb: vram.budget.max_gb,
      budgetSource: vram.budget.source,
      allocatedGb: vram.budget.allocated_gb,
      budgetUtilizationPct: vram.budget.utilization_pct,
      gpuUsedGb: vram.used_gb,
      gpuTotalGb: vram.total_gb,
      loaded: vram.loaded_models.map((model) => ({ key: `${model.backend}/${model.model}`, name: model.model, vramGb: model.vram_gb, pinned: model.pinned })),
      warnings: vram.warnings,
    },
    dashboards: dashboardLinks(runtime.config.ROUTER_GRAFANA_URL),
  };
}

/** One point per minute of the window, zero where nothing happened (a chart needs the gaps). */
function fillMinutes(since: Date, minutes: number, rows: { minute: string; requests: number; errors: number }[]) {
  const byMinute = new Map(rows.map((row) => [row.minute, row]));
  const start = Math.floor(since.getTime() / 60_000) * 60_000;
  return Array.from({ length: minutes + 1 }, (_, index) => {
    const minute = new Date(start + index * 60_000).toISOString().slice(0, 16);
    const row = byMinute.get(minute);
    return { minute, requests: row?.requests ?? 0, errors: row?.errors ?? 0 };
  });
}
