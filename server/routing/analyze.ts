import type { TaskCategory } from "./categories";
import type { ComplexityTier, RoutingInput } from "./types";

// A first, keyword-based reading of the prompt. The routing-engine issue replaces it with a
// measured classifier; this one only has to be reasonable and cheap.

const SIGNALS: [TaskCategory, RegExp][] = [
  ["coding", /\b(code|function|class|bug|debug|compile|python|javascript|typescript|rust|golang|java|sql|regex|api|stack ?trace|refactor|unit test|script)\b|```/i],
  ["math", /\b(calculate|solve|equation|integral|derivative|probability|sum of|how many|percent|algebra|geometry)\b|\d+\s*[-+*/^]\s*\d+/i],
  ["reasoning", /\b(why|explain why|reason|logic|puzzle|deduce|prove|step by step|trade-?offs?|compare)\b/i],
  ["creative", /\b(write a (story|poem|song|haiku)|story|poem|creative|imagine|fiction|lyrics|slogan)\b/i],
  ["extraction", /\b(extract|parse|list all|pull out|summari[sz]e|tl;?dr|key points|classify|json)\b/i],
  ["factual", /\b(what is|who (is|was)|when (did|was)|where is|capital of|define|history of|fact)\b/i],
];

export function classifyPrompt(input: RoutingInput): TaskCategory {
  const text = input.lastUser || input.context;
  let best: TaskCategory = "general";
  let bestHits = 0;
  for (const [category, pattern] of SIGNALS) {
    const hits = text.match(new RegExp(pattern.source, "gi"))?.length ?? 0;
    if (hits > bestHits) {
      best = category;
      bestHits = hits;
    }
  }
  return best;
}

/** 0..1 from length and structure; long, multi-part prompts are harder. */
export function estimateComplexity(input: RoutingInput): number {
  const words = input.lastUser.split(/\s+/).filter(Boolean).length;
  const lengthScore = Math.min(1, words / 400);
  const parts = (input.lastUser.match(/\n\s*(\d+\.|-|\*)\s/g)?.length ?? 0) / 10;
  const extras = (input.hasTools ? 0.1 : 0) + (input.jsonMode ? 0.05 : 0);
  return Math.min(1, Math.round((0.15 + lengthScore * 0.6 + Math.min(0.2, parts) + extras) * 100) / 100);
}

export function complexityTier(complexity: number): ComplexityTier {
  return complexity < 0.33 ? "simple" : complexity < 0.66 ? "medium" : "hard";
}
