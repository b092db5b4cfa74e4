import { z } from "zod";
import { type Fault, faultSchema, formatIssues } from "./config";
import { createRandom, hashParts, type Random } from "./random";

export type Api = "ollama" | "openai";

interface FaultEntry {
  fault: Fault;
  remaining: number; // Infinity without `count`
}

export interface FaultScope {
  api: Api;
  path: string;
  model?: string; // undefined for model-less endpoints (/api/tags, /v1/models, ...)
}

const faultListSchema = z.union([z.array(faultSchema), z.strictObject({ faults: z.array(faultSchema) }), faultSchema]);

/** Parses a runtime fault update: an array, `{ faults: [...] }`, or a single fault. */
export function parseFaultList(raw: unknown): Fault[] {
  const result = faultListSchema.safeParse(raw);
  if (!result.success) throw new Error(formatIssues(result.error, raw, "faults").replace("invalid simulator config (faults)", "invalid faults"));
  const value = result.data;
  if (Array.isArray(value)) return value;
  return "faults" in value ? value.faults : [value];
}

/** Active faults; the rate roll uses its own seeded sequence so a run of requests is reproducible. */
export class FaultBook {
  private entries: FaultEntry[] = [];
  private random: Random;

  constructor(
    faults: Fault[],
    private readonly seed: number,
  ) {
    this.random = createRandom(hashParts(seed, "faults"));
    this.replace(faults);
  }

  replace(faults: Fault[]): void {
    this.entries = faults.map((fault) => ({ fault, remaining: fault.count ?? Infinity }));
    this.random = createRandom(hashParts(this.seed, "faults"));
  }

  list(): Array<Fault & { remaining: number | null }> {
    return this.entries.map((e) => ({ ...e.fault, remaining: Number.isFinite(e.remaining) ? e.remaining : null }));
  }

  /** The first matching fault whose rate roll succeeds, consuming one of its `count`. */
  take(scope: FaultScope): Fault | undefined {
    for (const entry of this.entries) {
      if (entry.remaining <= 0 || !matches(entry.fault, scope)) continue;
      if (entry.fault.rate < 1 && this.random() >= entry.fault.rate) continue;
      entry.remaining--;
      return entry.fault;
    }
    return undefined;
  }
}

function matches(fault: Fault, scope: FaultScope): boolean {
  if (fault.api && fault.api !== scope.api) return false;
  if (fault.path !== undefined && fault.path !== scope.path) return false;
  if (fault.path === undefined && scope.model === undefined) return false;
  const anyModel = fault.model === undefined || fault.model === "*";
  return anyModel || fault.model === scope.model;
}

const DEFAULT_MESSAGES: Record<number, string> = {
  400: "bad request (simulated fault)",
  401: "unauthorized (simulated fault)",
  404: "not found (simulated fault)",
  429: "rate limit exceeded (simulated fault)",
  500: "internal server error (simulated fault)",
  502: "bad gateway (simulated fault)",
  503: "server busy, please try again (simulated fault)",
};

export function faultMessage(fault: Fault, status: number): string {
  return fault.message ?? DEFAULT_MESSAGES[status] ?? `HTTP ${status} (simulated fault)`;
}
