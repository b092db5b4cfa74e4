import type { DatabaseHandle } from "../db";
import { routingDecisions, type NewRoutingDecision } from "../db/schema";
import type { Logger } from "../observability/logger";

/**
 * Writes routing decisions off the request path: a response never waits for the audit row, and a
 * database hiccup never fails a request. flush() lets a reader (feedback) see pending rows.
 */
export class DecisionLog {
  private readonly pending = new Set<Promise<void>>();

  constructor(
    private readonly database: DatabaseHandle,
    private readonly logger: Logger,
  ) {}

  record(row: NewRoutingDecision): void {
    const write = this.database.db
      .insert(routingDecisions)
      .values(row)
      .then(
        () => undefined,
        (error: unknown) => this.logger.error("could not record routing decision", { error, responseId: row.responseId }),
      )
      .finally(() => this.pending.delete(write));
    this.pending.add(write);
  }

  async flush(): Promise<void> {
    await Promise.all([...this.pending]);
  }
}
