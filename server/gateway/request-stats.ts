import type { NewRoutingDecision } from "../db/schema";

/**
 * GET /admin/stats counters: chat requests this instance answered or failed since it started (as
 * SmarterRouter's were). Fed by every recorded routing decision, so a request counts once it got
 * past validation, cache hits and streams included; an error is a request no model could answer.
 */
export class RequestStats {
  total = 0;
  errors = 0;
  readonly byModel = new Map<string, number>();
  readonly byCategory = new Map<string, number>();
  /** Order in which models last answered (higher is later): the latest resident one is "current". */
  readonly lastUse = new Map<string, number>();

  observe(row: Pick<NewRoutingDecision, "selectedModel" | "category" | "status">): void {
    this.total += 1;
    if (row.status === "error") this.errors += 1;
    this.byModel.set(row.selectedModel, (this.byModel.get(row.selectedModel) ?? 0) + 1);
    // Explicit model requests skip analysis: they have no category.
    if (row.category) this.byCategory.set(row.category, (this.byCategory.get(row.category) ?? 0) + 1);
    this.lastUse.set(row.selectedModel, this.total);
  }
}
