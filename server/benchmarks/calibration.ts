import { modelFacts } from "../routing/model-facts";
import { priorQuality } from "../routing/score";
import { BENCHMARK_METRICS, type Calibration } from "./categories";
import { bestMatch, prepareCandidates } from "./name-match";
import type { BenchmarkRecord } from "./types";

// Puts a source's figures on the scale of routing's size prior. Two reference models that nearly
// every source lists — Llama 3.1 8B and 70B Instruct — fix a straight line per metric: each lands
// on its own prior (0.53 and 0.85), so a model that beats Llama 3.1 8B on a test by as much as the
// 70B does counts as much better than its size suggests, and one that trails it counts as worse.
// Benchmarks then move a model up or down from where its size puts it, instead of pulling every
// benchmarked model below the unbenchmarked ones (raw accuracies are far below prior values).

const REFERENCES = ["llama3.1:8b", "llama3.1:70b"] as const;

/** The source's calibration, or undefined when it lacks either reference model. */
export function calibrationFor(records: readonly BenchmarkRecord[]): Calibration | undefined {
  const candidates = prepareCandidates(records.map((record) => ({ name: record.name, hints: record.hints, item: record })));
  const [low, high] = REFERENCES.map((name) => bestMatch(name, candidates)?.item);
  if (!low || !high) return undefined;
  const [lowTarget, highTarget] = REFERENCES.map((name) => priorQuality(modelFacts(name), "general"));
  const calibration: Calibration = {};
  for (const metric of BENCHMARK_METRICS) {
    const a = low.metrics[metric];
    const b = high.metrics[metric];
    // The larger model must score clearly higher, or the line says nothing (or points the wrong way).
    if (a === undefined || b === undefined || !(b - a > 1e-6)) continue;
    const slope = (highTarget - lowTarget) / (b - a);
    calibration[metric] = { slope, intercept: lowTarget - slope * a };
  }
  return Object.keys(calibration).length ? calibration : undefined;
}
