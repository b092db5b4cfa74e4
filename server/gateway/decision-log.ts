import { randomUUID } from "node:crypto";
import { getTableColumns, is, SQL, sql } from "drizzle-orm";
import type { DatabaseHandle } from "../db";
import { routingDecisions, type NewRoutingDecision } from "../db/schema";
import { WriteQueue } from "../db/write-queue";
import type { Logger } from "../observability/logger";

/**
 * Routing decisions, written off the request path through a bounded WriteQueue (batched inserts; rows kept and retried while the database is down; overflow dropped and counted).
 * flush() lets a reader (feedback) see everything recorded so far, and shutdown drain the queue.
 */
export class DecisionLog extends WriteQueue<NewRoutingDecision> {
  constructor(
    database: DatabaseHandle,
    logger: Logger,
    maxQueued = 10_000,
    /** Sees every recorded row (client API key usage totals). */
    private readonly observe?: (row: NewRoutingDecision) => void,
  ) {
    super({
      name: "decisions",
      logger,
      maxQueued,
      write: async (batch) => {
        await insertDecisions(database, batch);
      },
    });
  }

  /** Rows to build once the response is on its way (recordLater). */
  private later: Array<() => NewRoutingDecision> = [];

  record(row: NewRoutingDecision): void {
    row.writeKey ??= randomUUID(); // fixed now, so every retry of its batch carries the same key
    this.enqueue(row);
    this.observe?.(row);
  }

  /**
   * Builds the row after the current turn of the event loop (the handler's response is written
   * first): the prompt digest and the candidates' breakdown are not on the client's path. flush()
   * and `queued` count these rows too, so a reader never misses one.
   */
  recordLater(build: () => NewRoutingDecision): void {
    this.later.push(build);
    if (this.later.length === 1) setImmediate(() => this.buildLater());
  }

  override flush(): Promise<boolean> {
    this.buildLater();
    return super.flush();
  }

  override get queued(): number {
    return super.queued + this.later.length;
  }

  private buildLater(): void {
    const builds = this.later;
    this.later = [];
    for (const build of builds) this.record(build());
  }
}

// The insert as one JSON parameter expanded by the database (jsonb_populate_recordset) instead of
// drizzle's multi-row VALUES: building that statement cost more CPU per row (about 25 bound
// parameters each) than the database spent storing it, and with embedded PGlite both run in the
// router's process. Columns come from the drizzle schema, so a new column is written too.
const WRITTEN = Object.values(getTableColumns(routingDecisions)).filter((column) => !column.generatedIdentity && !is(column.default, SQL));
const COLUMN_LIST = sql.raw(WRITTEN.map((column) => `"${column.name}"`).join(", "));
// A column left out (undefined) gets its schema default, as drizzle's insert would give it.
const DEFAULTS = WRITTEN.flatMap((column) => (column.hasDefault && column.default !== undefined ? [[column.name, column.default] as const] : []));
const FIELD_TO_COLUMN = Object.entries(getTableColumns(routingDecisions)).map(([field, column]) => [field, column.name] as const);

function insertDecisions(database: DatabaseHandle, rows: NewRoutingDecision[]): Promise<unknown> {
  const records = rows.map((row) => {
    const record: Record<string, unknown> = {};
    for (const [field, column] of FIELD_TO_COLUMN) {
      const value = (row as Record<string, unknown>)[field];
      if (value !== undefined) record[column] = value;
    }
    for (const [column, value] of DEFAULTS) record[column] ??= value;
    return record;
  });
  return database.db.execute(
    // A batch retried after a lost connection may have been stored by its first attempt: its rows' write keys are taken, and nothing is stored twice.
    sql`insert into ${routingDecisions} (${COLUMN_LIST}) select ${COLUMN_LIST} from jsonb_populate_recordset(null::${routingDecisions}, ${JSON.stringify(records)}::jsonb) on conflict (write_key) do nothing`,
  );
}
