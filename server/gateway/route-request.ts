import type { RegisteredModel } from "../backends/registry";
import type { ChatRequest } from "../backends/types";
import type { Knowledge } from "../knowledge/store";
import { analyzePrompt } from "../routing/analyze";
import { modelFacts } from "../routing/model-facts";
import { selectModels } from "../routing/select";
import { SOURCE_WEIGHTS } from "../routing/score";
import type { Candidate, ModelFacts, QualityBreakdown, RoutingDecision } from "../routing/types";
import { recordCacheLookup, recordDecisionDuration, recordRoutingDecision } from "../observability/metrics";
import { endRouteSpan, startRouteSpan } from "../observability/tracing";
import type { Runtime } from "../runtime";

export type RouteOutcome = { decision: RoutingDecision; cacheHit: boolean };

/**
 * Analyse the request and rank every known model for it. `writeCache: false` makes it free of
 * side effects (explain must not change what later requests get, nor count as traffic in metrics).
 */
export async function routeChat(runtime: Runtime, chat: Omit<ChatRequest, "model">, options: { writeCache: boolean }): Promise<RouteOutcome> {
  const span = startRouteSpan();
  try {
    const outcome = await decideRoute(runtime, chat, options);
    const { decision, cacheHit } = outcome;
    const selected = decision.ranked[0]?.model;
    const reason = cacheHit ? "cache_hit" : "routed";
    const { category, complexity, tier } = decision.analysis;
    endRouteSpan(span, { category, complexity, tier, selectedModel: selected, candidates: decision.candidates.length, reason, cacheHit });
    if (options.writeCache && selected) recordRoutingDecision({ selectedModel: selected, category, tier, reason });
    return outcome;
  } catch (error) {
    endRouteSpan(span, { candidates: 0, reason: "routed", cacheHit: false, error: error instanceof Error ? error.message : String(error) });
    throw error;
  }
}

async function decideRoute(runtime: Runtime, chat: Omit<ChatRequest, "model">, options: { writeCache: boolean }): Promise<RouteOutcome> {
  const knowledge = await runtime.knowledge.current();
  const models = runtime.registry.models();
  const allows = (model: string) => runtime.breaker.allows(model);
  // The key (a digest of the whole conversation) only when the routing cache is read and written.
  const useCache = options.writeCache && runtime.caches.enabled;
  const key = useCache ? runtime.caches.routingKey(chat, JSON.stringify([knowledge.version, models.map((model) => [model.name, model.reachable, allows(model.name)])])) : undefined;
  const cached = key ? await runtime.caches.getRouting(key) : undefined;
  if (key) recordCacheLookup("routing", cached !== undefined);
  if (cached) return { decision: cached, cacheHit: true };
  const started = performance.now();
  const analysis = analyzePrompt({ messages: chat.messages, hasTools: Boolean(chat.tools?.length), responseFormat: chat.response_format });
  const decision = selectModels(analysis, candidatesFor(models, knowledge, allows), knowledge.settings);
  if (options.writeCache) recordDecisionDuration((performance.now() - started) / 1000);
  if (key && decision.ranked.length) await runtime.caches.setRouting(key, decision);
  return { decision, cacheHit: false };
}

// A registered model is replaced, never changed, when discovery sees it differ: its facts
// (name parsing, a few regexes) are computed once instead of on every request.
const factsCache = new WeakMap<RegisteredModel, ModelFacts>();

function factsOf(model: RegisteredModel): ModelFacts {
  let facts = factsCache.get(model);
  if (!facts) {
    facts = modelFacts(model.name, {
      family: model.family,
      parameterSize: model.parameterSize,
      quantization: model.quantization,
      contextLength: model.contextLength,
      capabilities: model.capabilities,
    });
    factsCache.set(model, facts);
  }
  return facts;
}

export function candidatesFor(models: readonly RegisteredModel[], knowledge: Knowledge, allows: (model: string) => boolean = () => true): Candidate[] {
  return models.map((model) => ({
    name: model.name,
    backend: model.backend,
    facts: factsOf(model),
    evidence: knowledge.evidence.get(model.name) ?? {},
    reachable: model.reachable,
    loaded: knowledge.loaded.has(`${model.backend}/${model.name}`),
    circuitOpen: !allows(model.name),
  }));
}

/** The explain response: what routing would do for this request, and why. */
export function explainDecision(decision: RoutingDecision) {
  const { analysis } = decision;
  return {
    selected_model: decision.ranked[0]?.model ?? null,
    category: analysis.category,
    category_confidence: round(analysis.categoryConfidence),
    complexity: round(analysis.complexity),
    complexity_tier: analysis.tier,
    capabilities: {
      vision: analysis.capabilities.vision,
      tools: analysis.capabilities.tools,
      json: analysis.capabilities.json,
      context_tokens: analysis.capabilities.contextTokens,
    },
    candidates: decision.candidates.map((candidate) => ({
      model: candidate.model,
      backend: candidate.backend,
      score: round(candidate.score),
      components: Object.fromEntries(Object.entries(candidate.components).map(([name, value]) => [name, round(value)])),
      quality: candidate.quality ? explainQuality(candidate.quality) : null,
      rejected_reason: candidate.rejectedReason ?? null,
    })),
    // Nominal weights of the quality sources; each candidate's `quality.weights` shows them renormalised over what it has.
    quality_weights: SOURCE_WEIGHTS,
    reasoning: decision.reasoning,
  };
}

/** The main category's quality parts: each source's 0..1 value next to its weight in the blend. */
function explainQuality(quality: QualityBreakdown) {
  const part = (value: number | undefined, weight: number | undefined) => (value === undefined || weight === undefined ? null : { value: round(value), weight: round(weight) });
  return {
    category: quality.category,
    value: round(quality.value),
    profile: part(quality.profile, quality.weights.profile),
    benchmark: part(quality.benchmark, quality.weights.benchmark),
    prior: part(quality.prior, quality.weights.prior),
    feedback: round(quality.feedback),
  };
}

const round = (value: number) => Math.round(value * 1000) / 1000;
