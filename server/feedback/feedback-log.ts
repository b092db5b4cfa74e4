import { randomUUID } from "node:crypto";
import type { DatabaseHandle } from "../db";
import { WriteQueue } from "../db/write-queue";
import type { Logger } from "../observability/logger";
import { storeFeedbackBatch, type FeedbackInput } from "./record-feedback";

/**
 * Ratings that arrived while the database was unavailable: held in a bounded queue and stored when
 * it answers again (after the decisions queued before them, so they still link to their response).
 */
export class FeedbackLog extends WriteQueue<FeedbackInput> {
  /** `before` writes the queued decisions; false (not all stored) keeps the ratings queued. */
  constructor(database: DatabaseHandle, logger: Logger, options: { before?: () => Promise<boolean>; maxQueued?: number } = {}) {
    super({
      name: "feedback",
      logger,
      maxQueued: options.maxQueued ?? 10_000,
      retryDelayMs: 1000,
      write: async (batch) => {
        // A rating must find its response's decision: never judge it before those rows are stored.
        if (options.before && !(await options.before())) throw new Error("routing decisions are not stored yet");
        const unknown = await storeFeedbackBatch(database, batch);
        if (unknown.length) logger.warn("queued feedback names no known response or model; not stored", { count: unknown.length });
      },
    });
  }

  override enqueue(item: FeedbackInput): void {
    super.enqueue({ ...item, writeKey: item.writeKey ?? randomUUID() }); // the same key on every retry of its batch
  }
}
