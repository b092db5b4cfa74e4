import type { DatabaseHandle } from "../db";
import { routingDecisions, type NewRoutingDecision } from "../db/schema";
import { WriteQueue } from "../db/write-queue";
import type { Logger } from "../observability/logger";

/**
 * Routing decisions, written off the request path through a bounded WriteQueue (batched multi-row
 * inserts; rows kept and retried while the database is down; overflow dropped and counted).
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
        await database.db.insert(routingDecisions).values(batch);
      },
    });
  }

  record(row: NewRoutingDecision): void {
    this.enqueue(row);
    this.observe?.(row);
  }
}
