import { TASK_CATEGORIES, type TaskCategory } from "./categories";
import { modelFacts } from "./model-facts";
import type { Candidate, Capability, ComplexityTier, ModelFacts, PromptAnalysis, QualityWeights, RoutingSettings, ScoredCandidate } from "./types";

// One explainable utility per model:
//   score = clamp01( w·quality + (1−w)·speed − adequacy − minimumSize + pinned + adjustment + newness + loaded )
// quality and speed are in [0,1] and w ∈ [0,1], so the main term is in [0,1]; every other term is a
// small, capped bonus or penalty (SCORE_BOUNDS). Components hold these additive terms, so they sum to
// the score before the clamp. Nothing can flip a sign or grow without bound (the original's raw
// totals reached 15 or went negative).

/** Caps of the bounded terms. */
export const SCORE_BOUNDS = {
  /** Feedback shifts quality by at most this, weighted by count/(count+10). */
  feedback: 0.1,
  /** A name-given specialty for the category, at full size (≥ 14B). */
  specialty: 0.15,
  /** A specialist asked outside its specialty. */
  offSpecialty: 0.05,
  /** Quality below the tier's floor, scaled by the speed weight (it gates "fastest adequate"). */
  adequacy: 0.3,
  /** Below the category/tier minimum size. */
  minimumSize: 0.3,
  pinned: 0.1,
  adjustment: 0.2,
  newness: 0.02,
  /** Already in GPU memory: keeps the resident model on a near tie instead of swapping. */
  loaded: 0.02,
} as const;

/** Minimum parameter count (B) per category and tier: a soft penalty below it, not a filter. */
export const DEFAULT_MINIMUM_SIZE_B: Record<TaskCategory, Record<ComplexityTier, number>> = {
  coding: { simple: 1.5, medium: 3, hard: 7 },
  math: { simple: 1.5, medium: 3, hard: 7 },
  reasoning: { simple: 1.5, medium: 3, hard: 7 },
  creative: { simple: 1, medium: 3, hard: 7 },
  extraction: { simple: 1, medium: 3, hard: 7 },
  factual: { simple: 1, medium: 3, hard: 7 },
  general: { simple: 1, medium: 3, hard: 7 },
};

/** Size assumed when neither backend nor name tells: no bonus, no penalty, middling speed. */
export const NEUTRAL_SIZE_B = 7;

// Judge-graded profiles are the most trusted, then external benchmarks, then the size prior.
// A source a model has no data for drops out and the others share its weight (explain shows both).
export const SOURCE_WEIGHTS = { profile: 0.6, benchmark: 0.25, prior: 0.15 } as const;
// Quality the tier needs before a faster model counts as adequate.
const ADEQUACY_FLOOR: Record<ComplexityTier, number> = { simple: 0.35, medium: 0.45, hard: 0.55 };
// Effective preference = q^γ: hard prompts lean to quality, simple ones to speed; q = 0 and q = 1 stay put.
const TIER_EXPONENT: Record<ComplexityTier, number> = { simple: 1.6, medium: 0.8, hard: 0.5 };
// Where a stronger model is worth more of the user's wait: small generalists do poorly at these,
// so preference leans to quality and the adequacy floor is higher.
const DEMANDING: ReadonlySet<TaskCategory> = new Set(["coding", "math", "reasoning"]);
const DEMANDING_EXPONENT_SCALE = 0.6;
const DEMANDING_FLOOR_RAISE = 0.15;
const DEMANDING_FLOOR_CAP = 0.6;
// A category carrying less of the classifier's evidence than this is left out of the quality mix.
const MIN_CATEGORY_SHARE = 0.15;

export type QualityAssessment = {
  /** Blended quality for the prompt's category mix, with feedback; 0..1. */
  quality: number;
  /** The main category's parts, for explanations. */
  profile?: number;
  benchmark?: number;
  prior: number;
  feedback: number;
  sizeB?: number;
  /** The main category's effective source weights (they sum to 1). */
  weights: QualityWeights;
};

/** What scoring derives from the analysis and the settings alone: worked out once per decision. */
export type ScoringContext = {
  analysis: PromptAnalysis;
  settings: RoutingSettings;
  mix: [TaskCategory, number][];
  /** The source weights in use (the operator's when usable). */
  sourceWeights: { profile: number; benchmark: number; prior: number };
  qualityWeight: number;
  minimumSizeB: number;
  floor: number;
};

/**
 * Filters, then scores every candidate: accepted best first, then the rejected (score 0, with a reason).
 * `context`: the decision's scoringContext, when the caller already has it.
 */
export function scoreCandidates(
  analysis: PromptAnalysis,
  candidates: readonly Candidate[],
  settings: RoutingSettings,
  context: ScoringContext = scoringContext(analysis, settings),
): ScoredCandidate[] {
  const accepted: { scored: ScoredCandidate; sizeB: number }[] = [];
  const rejected: ScoredCandidate[] = [];
  for (const candidate of candidates) {
    const rejectedReason = rejectionReason(candidate, analysis, settings);
    if (rejectedReason) {
      rejected.push({ model: candidate.name, backend: candidate.backend, score: 0, components: {}, rejectedReason });
      continue;
    }
    accepted.push({ scored: scoreOne(candidate, context), sizeB: derivedOf(candidate.facts).sizeB ?? NEUTRAL_SIZE_B });
  }
  // Ties: smaller first when speed is preferred, larger when quality is, then the name.
  const sizeOrder = clamp01(settings.qualityPreference, 0.5) < 0.5 ? 1 : -1;
  accepted.sort(
    (a, b) =>
      b.scored.score - a.scored.score ||
      sizeOrder * (a.sizeB - b.sizeB) ||
      compareText(a.scored.model, b.scored.model) ||
      compareText(a.scored.backend, b.scored.backend),
  );
  rejected.sort((a, b) => compareText(a.model, b.model) || compareText(a.backend, b.backend));
  return [...accepted.map(({ scored }) => scored), ...rejected];
}

/** Why a model cannot serve this request at all, or undefined. */
export function rejectionReason(candidate: Candidate, analysis: PromptAnalysis, settings: RoutingSettings): string | undefined {
  const { facts, evidence } = candidate;
  const needs = analysis.capabilities;
  if (!candidate.reachable) return "backend unreachable";
  if (candidate.circuitOpen) return "unreachable: circuit open after repeated failures";
  if (settings.overrides[candidate.name]?.disabled) return "disabled by operator";
  // Facts built without the name's hints: the name decides when a capability is needed.
  const capabilities = facts.capabilities ?? (needs.vision || needs.tools ? nameCapabilities(candidate) : undefined);
  if (facts.embeddingOnly || (capabilities !== undefined && isEmbeddingOnly(capabilities))) return "embedding-only model";
  // Images sent to a text model fail, so vision must be known; tool support unknown is allowed.
  if (needs.vision && !capabilities?.includes("vision")) return "no vision";
  if (needs.tools && capabilities !== undefined && !capabilities.includes("tools")) return "no tool calling";
  const context = positive(facts.contextLength);
  if (context !== undefined && context < needs.contextTokens) {
    return `context window ${context} < ${Math.ceil(needs.contextTokens)} tokens needed`;
  }
  const vram = positive(evidence.vramGb);
  const budget = positive(settings.vramBudgetGb);
  // A resident model already fits; the budget is what is left beside the pinned model.
  if (!candidate.loaded && vram !== undefined && budget !== undefined && vram > budget) return `needs ${round(vram, 1)} GB VRAM > ${round(budget, 1)} GB budget`;
  return undefined;
}

/** Quality for the prompt: profile, benchmarks and the size prior, blended per category, plus feedback. */
export function assessQuality(candidate: Candidate, context: ScoringContext): QualityAssessment {
  return qualityOf(candidate, context);
}

/** The size/family/specialty prior for one category: bigger is better with diminishing returns. */
export function priorQuality(facts: ModelFacts, category: TaskCategory): number {
  const sizeB = effectiveSizeB(facts) ?? NEUTRAL_SIZE_B;
  // 0.5B → 0.26, 3B → 0.41, 8B → 0.53, 14B → 0.61, 70B → 0.84, capped at 100B.
  let prior = 0.2 + 0.7 * Math.min(1, Math.log1p(sizeB) / Math.log1p(100));
  if (facts.specialties.includes(category)) {
    // Scaled by size: a 1.5B coder gets a sliver, so it cannot beat a 14B generalist on hard code.
    prior += SCORE_BOUNDS.specialty * Math.min(1, sizeB / 14);
  } else if (facts.specialties.length > 0) {
    prior -= SCORE_BOUNDS.offSpecialty;
  }
  return clamp01(prior, 0);
}

/** 0..1 from measured tokens/s and time to first token, else from the active size; cold models pay a load. */
export function speedScore(candidate: Candidate, category: TaskCategory): number {
  const { facts, evidence } = candidate;
  const activeB = positive(facts.activeParameterCountB) ?? effectiveSizeB(facts) ?? NEUTRAL_SIZE_B;
  // Rough consumer-GPU Q4 figures: 3B ≈ 90 tok/s, 8B ≈ 43, 14B ≈ 27, 70B ≈ 7.
  const tokensPerSecond = positive(evidence.tokensPerSecond) ?? 250 / Math.pow(activeB, 0.85);
  const ttftMs = nonNegative(evidence.timeToFirstTokenMs) ?? 30 + 12 * activeB;
  // Log scale: 5 tok/s → 0, 200 tok/s → 1.
  const throughput = clamp01(Math.log(tokensPerSecond / 5) / Math.log(40), 0);
  const latency = 1 / (1 + ttftMs / 500);
  let speed = 0.75 * throughput + 0.25 * latency;
  // A thinking model's hidden chain is latency wasted on prompts outside its specialty.
  if (facts.specialties.includes("reasoning") && !facts.specialties.includes(category)) speed *= 0.8;
  if (!candidate.loaded) {
    const loadSeconds = 0.36 * (positive(evidence.vramGb) ?? derivedOf(facts).vramGb);
    speed *= 1 - 0.4 * (loadSeconds / (loadSeconds + 3));
  }
  return clamp01(speed, 0);
}

/** Size that drives quality: a mixture counts as the geometric mean of its total and active parameters. */
export function effectiveSizeB(facts: ModelFacts): number | undefined {
  const total = positive(facts.parameterCountB);
  const active = positive(facts.activeParameterCountB);
  if (total === undefined) return active;
  return active !== undefined && active < total ? Math.sqrt(total * active) : total;
}

/** What scoring needs from a model's facts alone (and, for facts without capabilities, what its name tells). */
type DerivedFacts = {
  sizeB: number | undefined;
  priors: Partial<Record<TaskCategory, number>>;
  vramGb: number;
  nameCapabilities?: { name: string; capabilities: Capability[] | undefined };
};

// Facts are built once per registered model and never changed (route-request.ts keeps them per
// model), so what follows from them alone is worked out once, not for every candidate of every request.
const derivedFacts = new WeakMap<ModelFacts, DerivedFacts>();

function derivedOf(facts: ModelFacts): DerivedFacts {
  let derived = derivedFacts.get(facts);
  if (!derived) {
    // No prototype: a stray key in categoryScores must not find an inherited property.
    const priors: Partial<Record<TaskCategory, number>> = Object.create(null);
    for (const category of TASK_CATEGORIES) priors[category] = priorQuality(facts, category);
    derived = { sizeB: effectiveSizeB(facts), priors, vramGb: estimatedVramGb(facts) };
    derivedFacts.set(facts, derived);
  }
  return derived;
}

/** The capabilities the name alone implies (parsing a name is a few regexes: once per model, not per request). */
function nameCapabilities(candidate: Candidate): Capability[] | undefined {
  const derived = derivedOf(candidate.facts);
  if (derived.nameCapabilities?.name !== candidate.name) {
    derived.nameCapabilities = { name: candidate.name, capabilities: modelFacts(candidate.name).capabilities };
  }
  return derived.nameCapabilities.capabilities;
}

export function scoringContext(analysis: PromptAnalysis, settings: RoutingSettings): ScoringContext {
  const preference = clamp01(settings.qualityPreference, 0.5);
  const tier = analysis.tier in TIER_EXPONENT ? analysis.tier : "medium";
  const demanding = DEMANDING.has(analysis.category);
  const minimum = settings.minimumSizeB[analysis.category]?.[tier] ?? DEFAULT_MINIMUM_SIZE_B[analysis.category]?.[tier] ?? 0;
  return {
    analysis,
    settings,
    mix: categoryMix(analysis),
    sourceWeights: sourceWeights(settings.sourceWeights),
    qualityWeight: Math.pow(preference, TIER_EXPONENT[tier] * (demanding ? DEMANDING_EXPONENT_SCALE : 1)),
    minimumSizeB: nonNegative(minimum) ?? 0,
    // Capped so a mid-size generalist (~0.6 prior at 14B) still counts as adequate for hard work.
    floor: demanding ? Math.max(ADEQUACY_FLOOR[tier], Math.min(DEMANDING_FLOOR_CAP, ADEQUACY_FLOOR[tier] + DEMANDING_FLOOR_RAISE)) : ADEQUACY_FLOOR[tier],
  };
}

function scoreOne(candidate: Candidate, context: ScoringContext): ScoredCandidate {
  const { settings, qualityWeight: w } = context;
  const assessment = qualityOf(candidate, context);
  const { quality, sizeB } = assessment;
  const speed = speedScore(candidate, context.analysis.category);
  const override = settings.overrides[candidate.name];
  const shortfall = sizeB !== undefined && sizeB < context.minimumSizeB ? 1 - sizeB / context.minimumSizeB : 0;
  const terms = {
    quality: w * quality,
    speed: (1 - w) * speed,
    adequacy: -(1 - w) * Math.min(SCORE_BOUNDS.adequacy, 1.5 * Math.max(0, context.floor - quality)),
    minimumSize: -SCORE_BOUNDS.minimumSize * shortfall,
    pinned: override?.pinned ? SCORE_BOUNDS.pinned : 0,
    adjustment: SCORE_BOUNDS.adjustment * clampSigned(override?.scoreAdjustment),
    newness: settings.preferNewerModels && settings.newModels?.includes(candidate.name) ? SCORE_BOUNDS.newness : 0,
    loaded: candidate.loaded ? SCORE_BOUNDS.loaded : 0,
  };
  const total = terms.quality + terms.speed + terms.adequacy + terms.minimumSize + terms.pinned + terms.adjustment + terms.newness + terms.loaded;
  // A fixed-shape literal (not a loop over keys) keeps this hot path cheap.
  const components = {
    quality: round(terms.quality, 4),
    speed: round(terms.speed, 4),
    adequacy: round(terms.adequacy, 4),
    minimumSize: round(terms.minimumSize, 4),
    pinned: terms.pinned,
    adjustment: round(terms.adjustment, 4),
    newness: terms.newness,
    loaded: terms.loaded,
  };
  const qualityParts = {
    category: context.analysis.category,
    value: round(quality, 4),
    profile: assessment.profile === undefined ? undefined : round(assessment.profile, 4),
    benchmark: assessment.benchmark === undefined ? undefined : round(assessment.benchmark, 4),
    prior: round(assessment.prior, 4),
    feedback: round(assessment.feedback, 4),
    weights: assessment.weights,
  };
  return { model: candidate.name, backend: candidate.backend, score: round(clamp01(total, 0), 4), components, quality: qualityParts };
}

function qualityOf(candidate: Candidate, context: ScoringContext): QualityAssessment {
  const { facts, evidence } = candidate;
  const weights = context.sourceWeights;
  const derived = derivedOf(facts);
  let blended = 0;
  let main: { profile: number | undefined; benchmark: number | undefined; prior: number; weights: QualityWeights } | undefined;
  for (const [category, share] of context.mix) {
    const profile = unit(evidence.profile?.[category]);
    const benchmark = unit(evidence.benchmarks?.[category]);
    const prior = derived.priors[category] ?? priorQuality(facts, category);
    let sum = weights.prior * prior;
    let weight = weights.prior;
    if (profile !== undefined) {
      sum += weights.profile * profile;
      weight += weights.profile;
    }
    if (benchmark !== undefined) {
      sum += weights.benchmark * benchmark;
      weight += weights.benchmark;
    }
    blended += share * (sum / weight);
    if (category === context.analysis.category) {
      const mainWeights: QualityWeights = { prior: round(weights.prior / weight, 4) };
      if (profile !== undefined) mainWeights.profile = round(weights.profile / weight, 4);
      if (benchmark !== undefined) mainWeights.benchmark = round(weights.benchmark / weight, 4);
      main = { profile, benchmark, prior, weights: mainWeights };
    }
  }
  const feedback = context.settings.feedbackEnabled ? feedbackShift(evidence.feedback) : 0;
  const quality = clamp01(blended + feedback, 0);
  // Literals rather than a spread: this runs for every candidate of every request.
  const { sizeB } = derived;
  if (!main) return { quality, feedback, sizeB, prior: 0, weights: { prior: 1 } };
  return { quality, feedback, sizeB, profile: main.profile, benchmark: main.benchmark, prior: main.prior, weights: main.weights };
}

/** The operator's source weights when usable (finite, ≥ 0, prior > 0 so the mix never divides by 0). */
function sourceWeights(given: RoutingSettings["sourceWeights"]): { profile: number; benchmark: number; prior: number } {
  if (!given) return SOURCE_WEIGHTS;
  const values = [given.profile, given.benchmark, given.prior];
  return values.every((value) => Number.isFinite(value) && value >= 0) && given.prior > 0 ? given : SOURCE_WEIGHTS;
}

/** At most ±0.1, and a handful of votes barely moves it: weight = count/(count+10). */
function feedbackShift(feedback: { mean: number; count: number } | undefined): number {
  if (!feedback) return 0;
  const count = nonNegative(feedback.count) ?? 0;
  return SCORE_BOUNDS.feedback * clampSigned(feedback.mean) * (count / (count + 10));
}

/** The classifier's distribution, keeping categories with a real share; the main category always counts. */
function categoryMix(analysis: PromptAnalysis): [TaskCategory, number][] {
  const mix: [TaskCategory, number][] = [];
  let total = 0;
  const scores = analysis.categoryScores ?? {};
  for (const key in scores) {
    const category = key as TaskCategory;
    const value = unit(scores[category]);
    if (value === undefined || (value < MIN_CATEGORY_SHARE && category !== analysis.category)) continue;
    if (value === 0) continue;
    mix.push([category, value]);
    total += value;
  }
  if (!mix.some(([category]) => category === analysis.category) || total <= 0) return [[analysis.category, 1]];
  for (const entry of mix) entry[1] /= total;
  return mix;
}

function isEmbeddingOnly(capabilities: readonly Capability[]): boolean {
  return capabilities.includes("embedding") && !capabilities.includes("completion");
}

// Bytes per parameter by quantization (GGUF averages, with overhead); unknown → Q4.
function estimatedVramGb(facts: ModelFacts): number {
  const sizeB = positive(facts.parameterCountB) ?? NEUTRAL_SIZE_B;
  const q = facts.quantization?.toUpperCase() ?? "";
  const bytes = /F32/.test(q) ? 4 : /F16|BF16/.test(q) ? 2 : /Q8|INT8|FP8/.test(q) ? 1.07 : /Q6/.test(q) ? 0.82 : /Q5/.test(q) ? 0.7 : /Q[23]|IQ[1-3]/.test(q) ? 0.45 : 0.6;
  return sizeB * bytes + 0.5;
}

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function unit(value: number | undefined): number | undefined {
  return value === undefined || !Number.isFinite(value) ? undefined : Math.min(1, Math.max(0, value));
}

function clamp01(value: number | undefined, fallback: number): number {
  return value === undefined || Number.isNaN(value) ? fallback : Math.min(1, Math.max(0, value));
}

function clampSigned(value: number | undefined): number {
  return value === undefined || !Number.isFinite(value) ? 0 : Math.min(1, Math.max(-1, value));
}

function positive(value: number | undefined): number | undefined {
  return value !== undefined && Number.isFinite(value) && value > 0 ? value : undefined;
}

function nonNegative(value: number | undefined): number | undefined {
  return value !== undefined && Number.isFinite(value) && value >= 0 ? value : undefined;
}

function round(value: number, digits: number): number {
  const scale = digits === 4 ? 1e4 : 10 ** digits;
  // `|| 0` turns -0 (a zero penalty) into 0.
  return Math.round(value * scale) / scale || 0;
}
