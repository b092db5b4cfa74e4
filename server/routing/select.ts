import { classifyPrompt, complexityTier, estimateComplexity } from "./analyze";
import type { ModelCandidate, RankedModel, RoutingDecision, RoutingInput } from "./types";

/**
 * Filters the models that can serve the request, then ranks them. Until profiles and benchmarks
 * feed a score (the routing-engine issue), the rank is model size: larger first for hard
 * prompts, smaller first for simple ones.
 */
export function selectModels(input: RoutingInput, candidates: readonly ModelCandidate[]): RoutingDecision {
  const category = classifyPrompt(input);
  const complexity = estimateComplexity(input);
  const tier = complexityTier(complexity);
  const excluded: RoutingDecision["excluded"] = [];
  const usable = candidates.filter((model) => {
    const reason = exclusionReason(model, input);
    if (reason) excluded.push({ name: model.name, reason });
    return !reason;
  });
  const size = (model: ModelCandidate) => model.parameterCountB ?? 7;
  const direction = tier === "simple" ? 1 : -1;
  const ranked: RankedModel[] = usable
    .map((model) => ({ model, score: scoreBySize(size(model), tier) }))
    .sort((a, b) => b.score - a.score || direction * (size(a.model) - size(b.model)) || a.model.name.localeCompare(b.model.name))
    .map(({ model, score }) => ({ name: model.name, backend: model.backend, score, reason: `${size(model)}B parameters for a ${tier} ${category} prompt` }));
  const reason = ranked.length ? `${category}/${tier}: ${ranked[0].reason}` : "no model can serve this request";
  return { category, complexity, tier, ranked, reason, excluded };
}

// Backends that cannot report capabilities (OpenAI-compatible) still list embedding models.
const EMBEDDING_NAME = /(embed|bge-|\be5-|minilm|rerank)/i;

function exclusionReason(model: ModelCandidate, input: RoutingInput): string | undefined {
  if (!model.reachable) return "backend unreachable";
  const caps = model.capabilities;
  if (caps ? !caps.includes("completion") : EMBEDDING_NAME.test(model.name)) return "not a chat model";
  if (input.imageCount > 0 && caps && !caps.includes("vision")) return "no vision";
  if (input.hasTools && caps && !caps.includes("tools")) return "no tool calling";
  return undefined;
}

/** Simple prompts prefer ~3-8B models, hard ones the largest; a 0..1 score. */
function scoreBySize(sizeB: number, tier: RoutingDecision["tier"]): number {
  const capped = Math.min(sizeB, 70) / 70;
  const score = tier === "hard" ? capped : tier === "medium" ? 1 - Math.abs(capped - 0.2) : 1 - Math.abs(capped - 0.08);
  return Math.round(score * 1000) / 1000;
}
