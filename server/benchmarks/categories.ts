import type { TaskCategory } from "../routing/categories";

// How published benchmark figures become routing's 0..1 per task category. Each metric is put on
// a 0..1 scale, then a category is the weighted mean of the metrics that speak to it; a source that
// reports none of a category's metrics leaves that category out (routing then uses its other
// evidence) instead of writing a zero.
//
// The scale matters because routing blends benchmarks with a size prior: raw accuracies (an 8B
// model scores 27% on GPQA, barely above chance) would rank any benchmarked model below one with
// no benchmarks at all. So where a source lists both reference models (see calibration.ts), each
// metric is mapped linearly so that they land on their prior; elsewhere a metric is rescaled from
// its chance level (floor) to a strong score (ceiling).

export const BENCHMARK_METRICS = [
  "mmlu", "mmlu_pro", "gpqa", "math", "humaneval", "livecodebench", "bbh", "musr", "ifeval", "elo", "arena_coding", "arena_math", "arena_creative", "arena_instruction", "arena_hard", "aa_intelligence", "aa_coding", "aa_math",
] as const;
export type BenchmarkMetric = (typeof BENCHMARK_METRICS)[number];
/** Accuracy-style figures in percent (0..100); `elo` as an arena rating; AA indices on their 0..100 scale. */
export type BenchmarkMetrics = Partial<Record<BenchmarkMetric, number>>;

type MetricScale = { label: string; floor: number; ceiling: number; weights: Partial<Record<TaskCategory, number>> };

export const METRIC_SCALES: Record<BenchmarkMetric, MetricScale> = {
  mmlu: { label: "MMLU", floor: 25, ceiling: 90, weights: { factual: 1, general: 1, reasoning: 0.5 } },
  mmlu_pro: { label: "MMLU-Pro", floor: 10, ceiling: 85, weights: { factual: 1, general: 1, reasoning: 1 } },
  gpqa: { label: "GPQA", floor: 25, ceiling: 75, weights: { reasoning: 1, factual: 0.5 } },
  math: { label: "MATH", floor: 0, ceiling: 95, weights: { math: 1, reasoning: 0.3 } },
  humaneval: { label: "HumanEval", floor: 0, ceiling: 95, weights: { coding: 1 } },
  livecodebench: { label: "LiveCodeBench", floor: 0, ceiling: 75, weights: { coding: 1 } },
  bbh: { label: "BBH", floor: 25, ceiling: 90, weights: { reasoning: 1, general: 0.5 } },
  musr: { label: "MuSR", floor: 33, ceiling: 80, weights: { reasoning: 0.5, extraction: 0.5 } },
  ifeval: { label: "IFEval", floor: 0, ceiling: 95, weights: { extraction: 1, general: 0.5, creative: 0.3 } },
  // Human preference is the only public signal for creative writing.
  elo: { label: "Arena rating", floor: 1000, ceiling: 1450, weights: { general: 1, creative: 0.5 } },
  arena_coding: { label: "Arena rating (coding)", floor: 1000, ceiling: 1450, weights: { coding: 0.5 } },
  arena_math: { label: "Arena rating (math)", floor: 1000, ceiling: 1450, weights: { math: 0.5 } },
  arena_creative: { label: "Arena rating (creative writing)", floor: 1000, ceiling: 1450, weights: { creative: 1 } },
  arena_instruction: { label: "Arena rating (instruction following)", floor: 1000, ceiling: 1450, weights: { extraction: 0.5 } },
  arena_hard: { label: "Arena rating (hard prompts)", floor: 1000, ceiling: 1450, weights: { reasoning: 0.5 } },
  aa_intelligence: { label: "AA Intelligence Index", floor: 0, ceiling: 75, weights: { general: 1, reasoning: 0.5 } },
  aa_coding: { label: "AA Coding Index", floor: 0, ceiling: 70, weights: { coding: 0.5 } },
  aa_math: { label: "AA Math Index", floor: 0, ceiling: 95, weights: { math: 0.5 } },
};

/** A linear map of one metric onto 0..1 (before clamping). */
export type MetricCalibration = { slope: number; intercept: number };
export type Calibration = Partial<Record<BenchmarkMetric, MetricCalibration>>;

/** One metric on 0..1: by the source's calibration when it has one for the metric, else chance-to-ceiling. */
export function scaleMetric(metric: BenchmarkMetric, value: number, calibration?: Calibration): number {
  const calibrated = calibration?.[metric];
  const { floor, ceiling } = METRIC_SCALES[metric];
  const scaled = calibrated ? calibrated.intercept + calibrated.slope * value : (value - floor) / (ceiling - floor);
  return Math.min(1, Math.max(0, scaled));
}

/** 0..1 per category from whatever metrics are present; categories with no metric are absent. */
export function categoryScores(metrics: BenchmarkMetrics, calibration?: Calibration): Partial<Record<TaskCategory, number>> {
  const sums: Partial<Record<TaskCategory, { total: number; weight: number }>> = {};
  for (const metric of BENCHMARK_METRICS) {
    const value = metrics[metric];
    if (value === undefined || !Number.isFinite(value)) continue;
    const scaled = scaleMetric(metric, value, calibration);
    for (const [category, weight] of Object.entries(METRIC_SCALES[metric].weights) as [TaskCategory, number][]) {
      const cell = (sums[category] ??= { total: 0, weight: 0 });
      cell.total += weight * scaled;
      cell.weight += weight;
    }
  }
  return Object.fromEntries(Object.entries(sums).map(([category, cell]) => [category, Math.round((cell.total / cell.weight) * 1000) / 1000]));
}

/** Reads a figure given as a fraction (0.734) or a percentage (73.4) as a percentage. */
export function asPercent(value: unknown): number | undefined {
  const number = toNumber(value);
  if (number === undefined || number < 0) return undefined;
  return number <= 1 ? Math.round(number * 10000) / 100 : number <= 100 ? number : undefined;
}

export function toNumber(value: unknown): number | undefined {
  if (typeof value === "number") return Number.isFinite(value) ? value : undefined;
  if (typeof value === "string" && value.trim() !== "") {
    const number = Number(value.trim().replace(/%$/, ""));
    return Number.isFinite(number) ? number : undefined;
  }
  return undefined;
}
