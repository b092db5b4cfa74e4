import type { BenchmarkMetrics } from "./categories";
import type { BenchmarkRecord } from "./types";

// Published figures for common open models, so routing has benchmark evidence with no network.
// Each row is what the model's own card or report publishes (instruct builds, percent), with its
// source. Leaderboards measure under one harness and are preferred when they are synced; these
// vendor figures are the offline fallback, averaged with them like any other source.

type Row = [name: string, metrics: BenchmarkMetrics, source: string];

const LLAMA31 = "https://huggingface.co/meta-llama/Llama-3.1-8B-Instruct";
const LLAMA32 = "https://huggingface.co/meta-llama/Llama-3.2-3B-Instruct";
const QWEN25 = "https://qwenlm.github.io/blog/qwen2.5-llm/";
const QWEN25_CODER = "https://qwenlm.github.io/blog/qwen2.5-coder-family/";
const GEMMA3 = "https://arxiv.org/abs/2503.19786";
const R1 = "https://huggingface.co/deepseek-ai/DeepSeek-R1";

const ROWS: Row[] = [
  ["meta-llama/Llama-3.1-8B-Instruct", { mmlu: 69.4, mmlu_pro: 48.3, ifeval: 80.4, humaneval: 72.6, math: 51.9, gpqa: 30.4 }, LLAMA31],
  ["meta-llama/Llama-3.1-70B-Instruct", { mmlu: 83.6, mmlu_pro: 66.4, ifeval: 87.5, humaneval: 80.5, math: 68.0, gpqa: 41.7 }, LLAMA31],
  ["meta-llama/Llama-3.2-3B-Instruct", { mmlu: 63.4, ifeval: 77.4, math: 48.0, gpqa: 32.8 }, LLAMA32],
  ["meta-llama/Llama-3.2-1B-Instruct", { mmlu: 49.3, ifeval: 59.5, math: 30.6, gpqa: 27.2 }, LLAMA32],
  ["Qwen/Qwen2.5-3B-Instruct", { mmlu_pro: 43.7, math: 65.9, humaneval: 74.4 }, QWEN25],
  ["Qwen/Qwen2.5-7B-Instruct", { mmlu_pro: 56.3, gpqa: 36.4, math: 75.5, humaneval: 84.8, livecodebench: 28.7, ifeval: 71.2 }, QWEN25],
  ["Qwen/Qwen2.5-14B-Instruct", { mmlu_pro: 63.7, gpqa: 45.5, math: 80.0, humaneval: 83.5, livecodebench: 42.6, ifeval: 81.0 }, QWEN25],
  ["Qwen/Qwen2.5-32B-Instruct", { mmlu_pro: 69.0, gpqa: 49.5, math: 83.1, humaneval: 88.4, livecodebench: 51.2, ifeval: 79.5 }, QWEN25],
  ["Qwen/Qwen2.5-72B-Instruct", { mmlu_pro: 71.1, gpqa: 49.0, math: 83.1, humaneval: 86.6, livecodebench: 55.5, ifeval: 84.1 }, QWEN25],
  ["Qwen/Qwen2.5-Coder-7B-Instruct", { humaneval: 88.4 }, QWEN25_CODER],
  ["Qwen/Qwen2.5-Coder-14B-Instruct", { humaneval: 89.6 }, QWEN25_CODER],
  ["Qwen/Qwen2.5-Coder-32B-Instruct", { humaneval: 92.7 }, QWEN25_CODER],
  ["google/gemma-3-4b-it", { mmlu_pro: 43.6, gpqa: 30.8, math: 75.6, humaneval: 71.3, livecodebench: 12.6 }, GEMMA3],
  ["google/gemma-3-12b-it", { mmlu_pro: 60.6, gpqa: 40.9, math: 83.8, humaneval: 85.4, livecodebench: 24.6 }, GEMMA3],
  ["google/gemma-3-27b-it", { mmlu_pro: 67.5, gpqa: 42.4, math: 89.0, humaneval: 87.8, livecodebench: 29.7 }, GEMMA3],
  ["microsoft/phi-4", { mmlu: 84.8, gpqa: 56.1, math: 80.4, humaneval: 82.6, ifeval: 63.0 }, "https://huggingface.co/microsoft/phi-4"],
  ["microsoft/Phi-3.5-mini-instruct", { mmlu: 69.0, gpqa: 30.4, math: 48.5, humaneval: 62.8 }, "https://huggingface.co/microsoft/Phi-3.5-mini-instruct"],
  ["deepseek-ai/DeepSeek-R1-Distill-Qwen-7B", { math: 92.8, gpqa: 49.1, livecodebench: 37.6 }, R1],
  ["deepseek-ai/DeepSeek-R1-Distill-Llama-8B", { math: 89.1, gpqa: 49.0, livecodebench: 39.6 }, R1],
  ["deepseek-ai/DeepSeek-R1-Distill-Qwen-14B", { math: 93.9, gpqa: 59.1, livecodebench: 53.1 }, R1],
  ["deepseek-ai/DeepSeek-R1-Distill-Qwen-32B", { math: 94.3, gpqa: 62.1, livecodebench: 57.2 }, R1],
  ["Qwen/QwQ-32B", { livecodebench: 63.4, ifeval: 83.9 }, "https://qwenlm.github.io/blog/qwq-32b/"],
];

/** phi-4 is an instruct model whose name says so nowhere. */
const INSTRUCT_WITHOUT_MARKER = new Set(["microsoft/phi-4", "Qwen/QwQ-32B"]);

export function bundledRecords(): BenchmarkRecord[] {
  return ROWS.map(([name, metrics, url]) => ({
    name,
    metrics,
    url,
    hints: { defaultVariant: "instruct", ...(INSTRUCT_WITHOUT_MARKER.has(name) ? { variant: "instruct" as const } : {}) },
  }));
}
