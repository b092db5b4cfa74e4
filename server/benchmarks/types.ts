import type { BenchmarkSource } from "../db/schema/model-benchmarks";
import type { BenchmarkMetrics } from "./categories";
import type { BenchmarkNameHints } from "./name-match";

/** Sources a sync reads (file imports arrive through importBenchmarks instead). */
export type SyncedSource = Exclude<BenchmarkSource, "file">;

/** One model as a source reports it, before it is matched to a local model. */
export type BenchmarkRecord = {
  name: string;
  metrics: BenchmarkMetrics;
  hints?: BenchmarkNameHints;
  /** Output tokens per second, where the source measures it. */
  throughput?: number;
  contextWindow?: number;
  /** Where the figures come from (a page a person can open). */
  url?: string;
  extra?: Record<string, unknown>;
};

export type SourceFetch = { records: BenchmarkRecord[]; note?: string; skipped?: boolean };
