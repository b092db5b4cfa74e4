import type { ChatMessage, ResponseFormat } from "../backends/types";
import type { TaskCategory } from "./categories";

// The routing contract. Everything in server/routing is pure: these types go in, decisions come
// out, so analysis and scoring are table-tested and benchmarked without I/O.

export type ComplexityTier = "simple" | "medium" | "hard";

/** What analysis reads: the whole request, not only the last message. */
export type AnalysisInput = {
  messages: readonly ChatMessage[];
  hasTools: boolean;
  responseFormat?: ResponseFormat;
};

export type RequiredCapabilities = {
  vision: boolean;
  tools: boolean;
  json: boolean;
  /** Estimated tokens the model must hold: the conversation plus room for an answer. */
  contextTokens: number;
};

export type PromptAnalysis = {
  category: TaskCategory;
  /** 0..1: how sure the classifier is (the winning category's share of the evidence). */
  categoryConfidence: number;
  /** 0..1 per category; sums to 1. */
  categoryScores: Record<TaskCategory, number>;
  complexity: number;
  tier: ComplexityTier;
  capabilities: RequiredCapabilities;
};

export type Capability = "completion" | "vision" | "tools" | "embedding" | "thinking";

/** What is known about a model from its name and what its backend reports. */
export type ModelFacts = {
  family?: string;
  parameterCountB?: number;
  /** Active parameters for mixtures (8x7b → ~13); what drives speed. */
  activeParameterCountB?: number;
  quantization?: string;
  contextLength?: number;
  /** Undefined when neither the backend nor the name tells. */
  capabilities?: Capability[];
  /** Names that mark a specialist (coder, math, r1, vision…): a bounded prior, not a verdict. */
  specialties: TaskCategory[];
  embeddingOnly: boolean;
};

/** Measured knowledge about one model, each part optional: routing works from facts alone. */
export type ModelEvidence = {
  /** Judge-graded profile, per category 0..1. */
  profile?: Partial<Record<TaskCategory, number>>;
  /** External benchmarks mapped to categories, 0..1. */
  benchmarks?: Partial<Record<TaskCategory, number>>;
  /** User feedback per model: mean in [-1, 1] and how many ratings it rests on. */
  feedback?: { mean: number; count: number };
  tokensPerSecond?: number;
  timeToFirstTokenMs?: number;
  /** Measured or estimated VRAM need in GB. */
  vramGb?: number;
};

export type Candidate = {
  name: string;
  backend: string;
  facts: ModelFacts;
  evidence: ModelEvidence;
  reachable: boolean;
  /** Resident in GPU memory now (Ollama /api/ps); a cold model costs a load. */
  loaded: boolean;
  /** Its circuit breaker is open after repeated failures: skip it until the cooldown ends. */
  circuitOpen?: boolean;
};

/** Operator-tunable routing settings (live: from the database, defaults from the environment). */
export type RoutingSettings = {
  /** 0 = fastest adequate model, 1 = best model regardless of speed. */
  qualityPreference: number;
  preferNewerModels: boolean;
  feedbackEnabled: boolean;
  /** Minimum parameter count (B) per category and tier; a soft penalty below it. */
  minimumSizeB: Partial<Record<TaskCategory, Partial<Record<ComplexityTier, number>>>>;
  /** Per-model operator overrides. */
  overrides: Record<string, { disabled?: boolean; pinned?: boolean; scoreAdjustment?: number; reason?: string }>;
  /** VRAM budget in GB; models that cannot fit are filtered out. Undefined = unknown. */
  vramBudgetGb?: number;
  /** How much each quality source counts (relative); undefined = the built-in 0.6 / 0.25 / 0.15. */
  sourceWeights?: { profile: number; benchmark: number; prior: number };
  /** Further models tried when the chosen one fails; undefined = ROUTER_MAX_FALLBACKS. Used by the gateway. */
  maxFallbacks?: number;
  /** Routing and response caches on or off; undefined = ROUTER_CACHE_ENABLED. Used by the gateway, not by scoring. */
  cacheEnabled?: boolean;
  /** Seconds a new cache entry lives; undefined = ROUTER_CACHE_TTL_SECONDS. Used by the gateway, not by scoring. */
  cacheTtlSeconds?: number;
  /** Models first seen recently, for the newness bonus. */
  newModels?: readonly string[];
};

/** Named, bounded parts of a score; the score is their weighted sum, clamped to [0, 1]. */
export type ScoreComponents = Record<string, number>;

/** Each quality source's share of the blend for one category; absent sources are left out. */
export type QualityWeights = { profile?: number; benchmark?: number; prior: number };

/** How the quality term was built for the prompt's main category, for explanations. */
export type QualityBreakdown = {
  category: TaskCategory;
  /** The blended quality over the prompt's category mix, feedback included. */
  value: number;
  profile?: number;
  benchmark?: number;
  prior: number;
  feedback: number;
  weights: QualityWeights;
};

export type ScoredCandidate = {
  model: string;
  backend: string;
  score: number;
  components: ScoreComponents;
  /** Absent on rejected candidates. */
  quality?: QualityBreakdown;
  /** Set when a hard filter removed the model; score is then 0. */
  rejectedReason?: string;
};

export type RoutingDecision = {
  analysis: PromptAnalysis;
  /** Every candidate, best first; rejected ones last with their reason. */
  candidates: ScoredCandidate[];
  /** Accepted candidates only, best first: the fallback order. Empty when none can serve. */
  ranked: ScoredCandidate[];
  reasoning: string;
};
