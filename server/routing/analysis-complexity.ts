import type { TextStats } from "./analysis-features";
import type { TaskCategory } from "./categories";
import { TASK_CATEGORIES } from "./categories";

// Complexity in [0, 1] from the shape of the last turn (length, parts, constraints), the depth
// of its content (code, math, demanding words), what kind of task it is, and the conversation.

export type ComplexityInput = {
  stats: TextStats;
  scores: Record<TaskCategory, number>;
  historyMessages: number;
  contextTokens: number;
  hasTools: boolean;
  json: boolean;
  vision: boolean;
};

/** What a task of each kind needs on top of its shape: a one-line coding task is not trivial. */
const CATEGORY_BASE: Record<TaskCategory, number> = {
  coding: 0.18,
  math: 0.15,
  reasoning: 0.2,
  creative: 0.05,
  extraction: 0.06,
  factual: 0.03,
  general: 0,
};

const LOG_MAX_WORDS = Math.log2(1 + 600 / 8);

export function estimateComplexity(input: ComplexityInput): number {
  const { stats } = input;
  if (stats.words === 0 && !input.vision) return 0;
  // Length on a log scale: 1 word ≈ 0, 20 ≈ 0.1, 100 ≈ 0.21, 600+ = 0.35.
  const length = 0.35 * Math.min(1, Math.log2(1 + stats.words / 8) / LOG_MAX_WORDS);
  const structure = Math.min(
    0.22,
    0.035 * Math.max(0, stats.questions - 1) + 0.025 * stats.listItems + 0.02 * stats.constraints + 0.015 * stats.steps,
  );
  const code = stats.codeLines > 0 || stats.fences > 0 ? 0.05 + Math.min(0.1, 0.006 * stats.codeLines) : 0;
  // Each given quantity is one more thing to keep track of (a multi-step word problem).
  const math = Math.min(0.12, 0.02 * (stats.mathOps + stats.mathSymbols)) + Math.min(0.1, 0.015 * stats.numbers);
  const demanding = Math.min(0.18, 0.06 * stats.demanding);
  let kind = 0;
  for (const category of TASK_CATEGORIES) kind += input.scores[category] * CATEGORY_BASE[category];
  const conversation = Math.min(0.08, 0.01 * input.historyMessages + (input.contextTokens > 8000 ? 0.04 : 0));
  const request = (input.hasTools ? 0.05 : 0) + (input.json ? 0.03 : 0) + (input.vision ? 0.04 : 0);
  const total = 0.04 + length + structure + code + math + demanding + kind + conversation + request;
  return Math.round(Math.min(1, Math.max(0, total)) * 1000) / 1000;
}
