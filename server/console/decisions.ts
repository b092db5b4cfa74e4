import { and, desc, eq, gt, gte, lte, sql, type SQL } from "drizzle-orm";
import { routingDecisions, type DecisionStatus } from "../db/schema";
import type { TaskCategory } from "../routing/categories";
import type { Runtime } from "../runtime";
import { traceLink } from "./grafana";

// The Decisions page: the decision log, paginated and filtered in the database.

export type DecisionFilter = {
  page: number;
  pageSize: number;
  from?: Date;
  to?: Date;
  model?: string;
  category?: TaskCategory;
  outcome?: DecisionStatus;
  fallback?: boolean;
};

export async function listDecisions(runtime: Runtime, filter: DecisionFilter) {
  const where = and(...conditions(filter));
  const { db } = runtime.database;
  const [rows, [total]] = await Promise.all([
    db
      .select({
        id: routingDecisions.id,
        createdAt: routingDecisions.createdAt,
        selectedModel: routingDecisions.selectedModel,
        backend: routingDecisions.backend,
        category: routingDecisions.category,
        tier: routingDecisions.tier,
        status: routingDecisions.status,
        fallbackCount: routingDecisions.fallbackCount,
        cacheHit: routingDecisions.cacheHit,
        latencyMs: routingDecisions.latencyMs,
        promptTokens: routingDecisions.promptTokens,
        completionTokens: routingDecisions.completionTokens,
      })
      .from(routingDecisions)
      .where(where)
      .orderBy(desc(routingDecisions.createdAt), desc(routingDecisions.id))
      .limit(filter.pageSize)
      .offset((filter.page - 1) * filter.pageSize),
    db.select({ count: sql<number>`count(*)::int` }).from(routingDecisions).where(where),
  ]);
  return { rows: rows.map((row) => ({ ...row, createdAt: row.createdAt.toISOString() })), total: total.count, page: filter.page, pageSize: filter.pageSize };
}

export async function readDecision(runtime: Runtime, id: number) {
  const [row] = await runtime.database.db.select().from(routingDecisions).where(eq(routingDecisions.id, id));
  if (!row) return null;
  return { ...row, createdAt: row.createdAt.toISOString(), traceUrl: row.traceId ? traceLink(runtime.config.ROUTER_GRAFANA_URL, row.traceId) : null };
}

function conditions(filter: DecisionFilter): SQL[] {
  const out: SQL[] = [];
  if (filter.from) out.push(gte(routingDecisions.createdAt, filter.from));
  if (filter.to) out.push(lte(routingDecisions.createdAt, filter.to));
  if (filter.model) out.push(eq(routingDecisions.selectedModel, filter.model));
  if (filter.category) out.push(eq(routingDecisions.category, filter.category));
  if (filter.outcome) out.push(eq(routingDecisions.status, filter.outcome));
  if (filter.fallback === true) out.push(gt(routingDecisions.fallbackCount, 0));
  if (filter.fallback === false) out.push(eq(routingDecisions.fallbackCount, 0));
  return out;
}
