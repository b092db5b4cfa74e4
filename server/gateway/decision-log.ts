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
    this.writing = this.database.db
      .insert(routingDecisions)
      .values(batch)
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
