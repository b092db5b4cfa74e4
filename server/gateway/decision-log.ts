import { getTableColumns, is, SQL, sql } from "drizzle-orm";
import type { DatabaseHandle } from "../db";
import { routingDecisions, type NewRoutingDecision } from "../db/schema";
import type { Logger } from "../observability/logger";

const BATCH_DELAY_MS = 50;
const MAX_BATCH = 200;
const RETRY_DELAY_MS = 1000;

/**
 * Writes routing decisions off the request path, batched: a response never waits for its audit
 * row, one multi-row insert replaces many single ones (the embedded database pays per statement),
 * and a database hiccup never fails a request. Rows wait in a bounded queue while the database is
 * down and are retried; rows beyond the bound are dropped and counted. flush() lets a reader
 * (feedback) see everything recorded so far.
 */
export class DecisionLog {
  private queue: NewRoutingDecision[] = [];
  private timer?: NodeJS.Timeout;
  private writing?: Promise<void>;
  /** Rows dropped because the queue was full (the database was down too long). */
  dropped = 0;

  constructor(
    private readonly database: DatabaseHandle,
    private readonly logger: Logger,
    private readonly maxQueued = 10_000,
  ) {}

  record(row: NewRoutingDecision): void {
    if (this.queue.length >= this.maxQueued) {
      this.dropped += 1;
      return;
    }
    this.queue.push(row);
    this.schedule(this.queue.length >= MAX_BATCH ? 0 : BATCH_DELAY_MS);
  }

  /** Writes everything queued now; resolves when it is stored (or has failed and stays queued). */
  async flush(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    for (;;) {
      if (this.writing) {
        await this.writing;
        continue;
      }
      const before = this.queue.length;
      if (!before) return;
      await this.write();
      if (this.queue.length >= before) return; // the write failed: the rows stay queued for the retry
    }
  }

  get queued(): number {
    return this.queue.length;
  }

  private schedule(delayMs: number): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.write();
    }, delayMs);
    this.timer.unref();
  }

  private write(): Promise<void> {
    if (this.writing) return this.writing;
    const batch = this.queue.splice(0, MAX_BATCH);
    if (!batch.length) return Promise.resolve();
    this.writing = insertDecisions(this.database, batch)
      .then(
        () => {
          if (this.queue.length) this.schedule(0);
        },
        (error: unknown) => {
          // Put the batch back in front (within the bound) and try again shortly.
          const room = Math.max(0, this.maxQueued - this.queue.length);
          this.dropped += batch.length - Math.min(room, batch.length);
          this.queue.unshift(...batch.slice(0, room));
          this.logger.error("could not record routing decisions; will retry", { error, queued: this.queue.length, dropped: this.dropped });
          this.schedule(RETRY_DELAY_MS);
        },
      )
      .finally(() => (this.writing = undefined));
    return this.writing;
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
    sql`insert into ${routingDecisions} (${COLUMN_LIST}) select ${COLUMN_LIST} from jsonb_populate_recordset(null::${routingDecisions}, ${JSON.stringify(records)}::jsonb)`,
  );
}
