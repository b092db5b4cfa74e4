import { describe, expect, it } from "vitest";
import { bundledRecords } from "./bundled";
import { calibrationFor } from "./calibration";
import { categoryScores } from "./categories";
import type { BenchmarkRecord } from "./types";

const record = (name: string, metrics: BenchmarkRecord["metrics"]): BenchmarkRecord => ({ name, metrics, hints: { defaultVariant: "instruct" } });

describe("calibrationFor", () => {
  const source = [
    record("meta-llama/Llama-3.1-8B-Instruct", { mmlu_pro: 40, gpqa: 30, elo: 1176 }),
    record("meta-llama/Llama-3.1-70B-Instruct", { mmlu_pro: 55, gpqa: 30, elo: 1248 }),
    record("Qwen/Qwen2.5-14B-Instruct", { mmlu_pro: 47.5, gpqa: 45, elo: 1212 }),
  ];
  const calibration = calibrationFor(source)!;

  it("puts the two reference models on their size prior (0.533 and 0.847)", () => {
    expect(categoryScores(source[0].metrics, calibration).general).toBeCloseTo(0.533, 3);
    expect(categoryScores({ mmlu_pro: 55, elo: 1248 }, calibration).general).toBeCloseTo(0.847, 3);
  });

  it("places other models on the same line: halfway between the references is halfway between their priors", () => {
    expect(categoryScores({ mmlu_pro: 47.5 }, calibration).general).toBeCloseTo((0.533 + 0.847) / 2, 2);
  });

  it("skips a metric the references do not separate, which then keeps the chance-to-ceiling scale", () => {
    expect(calibration.gpqa).toBeUndefined();
    expect(categoryScores({ gpqa: 50 }, calibration).reasoning).toBe(0.5);
  });

  it("gives no calibration when a source lacks a reference model", () => {
    expect(calibrationFor(source.slice(1))).toBeUndefined();
    expect(calibrationFor([])).toBeUndefined();
  });

  it("lets benchmarks lift or lower a model from its prior instead of pulling every benchmarked model down", () => {
    const bundled = calibrationFor(bundledRecords())!;
    expect(bundled).toBeDefined();
    // Qwen2.5-14B beats Llama 3.1 8B clearly on MATH: above the 8B's prior; Llama 3.2 3B trails: below it.
    expect(categoryScores({ math: 80 }, bundled).math).toBeGreaterThan(0.8);
    expect(categoryScores({ math: 48 }, bundled).math).toBeLessThan(0.533);
  });
});
