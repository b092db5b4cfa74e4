import type { Logger } from "../observability/logger";
import { recordWriteQueue, type WriteQueueName } from "../observability/metrics";

export type WriteQueueOptions<T> = {
  name: WriteQueueName;
  /** Stores one batch; throws (or rejects) when the database cannot take it, so the batch is kept. */
  write: (batch: T[]) => Promise<void>;
  logger: Logger;
  /** Most items held while the database is down; more are dropped and counted. */
  maxQueued?: number;
  maxBatch?: number;
  batchDelayMs?: number;
  retryDelayMs?: number;
};

/**
 * Writes off the request path, batched: a response never waits for its row, one multi-row insert
 * replaces many single ones, and a database outage never fails a request. Items wait in a bounded
 * queue while the database is down and are retried; items beyond the bound are dropped and counted
 * (`dropped`, and smarterrouter_write_queue_dropped_total). `write` must be all-or-nothing per batch
 * (one statement or one transaction) and safe to repeat: a write whose answer was lost with the
 * connection may have been stored, and is retried (DecisionLog and FeedbackLog give each item a write
 * key, unique in its table, so the retry stores nothing twice).
 */
export class WriteQueue<T> {
  private queue: T[] = [];
  private timer?: NodeJS.Timeout;
  private writing?: Promise<void>;
  /** Items of the batch being written now (out of `queue`, not yet stored). */
  private inFlight = 0;
  private readonly maxQueued: number;
  private readonly maxBatch: number;
  /** Items dropped because the queue was full (the database was down too long). */
  dropped = 0;

  constructor(private readonly options: WriteQueueOptions<T>) {
    this.maxQueued = options.maxQueued ?? 10_000;
    this.maxBatch = options.maxBatch ?? 200;
  }

  enqueue(item: T): void {
    if (this.queue.length >= this.maxQueued) {
      this.drop(1);
      return;
    }
    this.queue.push(item);
    this.schedule(this.queue.length >= this.maxBatch ? 0 : (this.options.batchDelayMs ?? 50));
  }

  /**
   * Writes everything queued now; resolves true when it is stored, false when a write failed (the
   * items stay queued for the retry). Shutdown calls this; it never throws.
   */
  async flush(): Promise<boolean> {
    clearTimeout(this.timer);
    this.timer = undefined;
    for (;;) {
      if (this.writing) {
        await this.writing;
        continue;
      }
      const before = this.queue.length;
      if (!before) return true;
      await this.write();
      if (this.queue.length >= before) return false; // the write failed: the items stay queued for the retry
    }
  }

  /** Items not yet stored: waiting, or in the write under way. */
  get queued(): number {
    return this.queue.length + this.inFlight;
  }

  private drop(count: number): void {
    if (!count) return;
    this.dropped += count;
    recordWriteQueue(this.options.name, this.queue.length, count);
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
    const batch = this.queue.splice(0, this.maxBatch);
    if (!batch.length) return Promise.resolve();
    this.inFlight = batch.length;
    this.writing = Promise.resolve()
      .then(() => this.options.write(batch))
      .then(
        () => {
          this.inFlight = 0;
          recordWriteQueue(this.options.name, this.queue.length);
          if (this.queue.length) this.schedule(0);
        },
        (error: unknown) => {
          // Put the batch back in front (within the bound) and try again shortly.
          this.inFlight = 0;
          const room = Math.max(0, this.maxQueued - this.queue.length);
          this.queue.unshift(...batch.slice(0, room));
          this.drop(batch.length - Math.min(room, batch.length));
          recordWriteQueue(this.options.name, this.queue.length);
          this.options.logger.error(`could not write ${this.options.name}; will retry`, { error, queued: this.queue.length, dropped: this.dropped });
          this.schedule(this.options.retryDelayMs ?? 1000);
        },
      )
      .finally(() => (this.writing = undefined));
    return this.writing;
  }
}
