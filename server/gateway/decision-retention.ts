import { sql } from "drizzle-orm";
import { repeatInBackground } from "../background-timer";
import type { DatabaseHandle } from "../db";
import { runExclusive } from "../db/job-lock";
import { routingDecisions } from "../db/schema";
import type { Logger } from "../observability/logger";
import { recordDecisionsPruned } from "../observability/metrics";

// The decision log gains a row per request and SmarterRouter never deleted one, so its database grew
// without end. Rows older than ROUTER_DECISION_RETENTION_DAYS are deleted hourly by one instance at a
// time, in batches, so neither a Postgres lock nor embedded PGlite's single connection is held long.

const BATCH_ROWS = 5_000;
const FIRST_RUN_MS = 60_000;
const EVERY_MS = 60 * 60_000;

/** Deletes decision rows created before `cutoff`, a batch at a time; returns how many went. */
export async function pruneDecisions(database: DatabaseHandle, cutoff: Date, batchRows = BATCH_ROWS): Promise<number> {
  let total = 0;
  for (;;) {
    const deleted = await database.db
      .delete(routingDecisions)
      .where(sql`${routingDecisions.id} in (select ${routingDecisions.id} from ${routingDecisions} where ${routingDecisions.createdAt} < ${cutoff.toISOString()} order by ${routingDecisions.id} limit ${batchRows})`)
      .returning({ id: routingDecisions.id });
    total += deleted.length;
    if (deleted.length < batchRows) return total;
  }
}

export type DecisionRetention = { stop: () => void; runNow: () => Promise<number> };

/** The hourly clean-up (a minute after start, then every hour); nothing when `days` is 0. */
export function startDecisionRetention(database: DatabaseHandle, logger: Logger, days: number): DecisionRetention {
  const runNow = async (): Promise<number> => {
    if (days <= 0) return 0;
    const run = await runExclusive(database, "decision-retention", () => pruneDecisions(database, new Date(Date.now() - days * 86_400_000)));
    if (!run.ran) return 0;
    if (run.value) {
      recordDecisionsPruned(run.value);
      logger.info(`deleted ${run.value} routing decisions older than ${days} days (ROUTER_DECISION_RETENTION_DAYS)`);
    }
    return run.value;
  };
  if (days <= 0) return { stop: () => {}, runNow };
  const check = () => void runNow().catch((error: unknown) => logger.warn("could not delete old routing decisions; will try again in an hour", { error }));
  return { stop: repeatInBackground(FIRST_RUN_MS, EVERY_MS, check), runNow };
}
