import type { CategoryWeights } from "./analysis-cues";
import { emptyEvidence, extractFeatures, type Evidence, type TextFeatures } from "./analysis-features";
import { estimateComplexity } from "./analysis-complexity";
import { capText, countImages, messageText, normalizeText, roleOf } from "./analysis-text";
import { TASK_CATEGORIES, type TaskCategory } from "./categories";
import type { AnalysisInput, ComplexityTier, PromptAnalysis, RequiredCapabilities } from "./types";

// Prompt analysis: a weighted-evidence classifier over the whole conversation. Each text yields
// named features with per-category weights; the last user turn counts fully, earlier turns and
// the system prompt less; a softmax turns the summed evidence into scores that sum to 1.

export type FeatureSource = "last-user" | "history" | "system" | "request";

export type MatchedFeature = {
  id: string;
  source: FeatureSource;
  /** Contribution to each category after weighting by source. */
  weights: CategoryWeights;
};

export type DetailedAnalysis = {
  analysis: PromptAnalysis;
  /** Summed evidence per category before the softmax (the general prior included). */
  evidence: Evidence;
  features: MatchedFeature[];
  /** True when the last turn was weak or a follow-up, so the conversation's topic carried over. */
  carriedOver: boolean;
};

/** Evidence every prompt starts with: with no other signal, a prompt is general. */
const GENERAL_PRIOR = 0.7;
const SYSTEM_WEIGHT = 0.35;
const HISTORY_USER_WEIGHT = 0.4;
const HISTORY_ASSISTANT_WEIGHT = 0.25;
const HISTORY_DECAY = 0.7;
/** How much more history counts when the last turn says little by itself. */
const CARRY_OVER_BOOST = 2.5;
const WEAK_TURN_EVIDENCE = 1.4;
/** Above this, the last turn decides alone even when it reads like a follow-up. */
const STRONG_TURN_EVIDENCE = 2.5;
const MAX_HISTORY_MESSAGES = 6;
/** Earlier turns and the system prompt are read less deeply than the last turn. */
const HISTORY_HEAD_CHARS = 1500;
const HISTORY_TAIL_CHARS = 500;
const SYSTEM_HEAD_CHARS = 3000;
const SYSTEM_TAIL_CHARS = 1000;
/** Room for the answer in the context estimate. */
const ANSWER_ALLOWANCE_TOKENS = 1024;
const TOOL_SCHEMA_ALLOWANCE_TOKENS = 512;
const IMAGE_TOKENS = 768;
/** JSON mode is mostly used to pull structure out of text. */
const JSON_MODE_EXTRACTION = 0.4;

// A short turn that points back at the conversation ("now make it faster", "and in French?").
const FOLLOW_UP = new RegExp(
  String.raw`^\s*(?:now|also|and|but|then|ok(?:ay)?|great|what about|how about|make it|do it|do the same|same|again|instead|continue|go on|more|shorter|longer|faster|simpler|fix|change|add|remove|rename|try|y (?:ahora|también)|ahora|et (?:maintenant|aussi)|maintenant|und jetzt|jetzt|а теперь|теперь)(?![\p{L}\p{N}])` +
    String.raw`|(?<![\p{L}\p{N}])(?:it|this|that|these|those|them|the same|eso|esto|ça|cela|das|dies|это)(?![\p{L}\p{N}])` +
    // Scripts without spaces need no word boundary.
    "|^\\s*(?:现在|然后|那么|じゃあ|次に)|它|这个|那个|それ|これ",
  "iu",
);

/** Category, complexity and required capabilities of a chat request. */
export function analyzePrompt(input: AnalysisInput): PromptAnalysis {
  return analyze(input, undefined).analysis;
}

/** Same as analyzePrompt, plus the evidence and the features behind it. */
export function analyzePromptDetailed(input: AnalysisInput): DetailedAnalysis {
  const features: MatchedFeature[] = [];
  const { analysis, evidence, carriedOver } = analyze(input, features);
  return { analysis, evidence, features, carriedOver };
}

/** The analysis; the matched features are listed only when `features` is given (the request path needs none). */
function analyze(input: AnalysisInput, features: MatchedFeature[] | undefined): Omit<DetailedAnalysis, "features"> {
  const messages = Array.isArray(input.messages) ? input.messages : [];
  const lastUserIndex = findLastUserIndex(messages);
  const evidence = emptyEvidence();
  evidence.general += GENERAL_PRIOR;

  const lastText = lastUserIndex >= 0 ? normalizeText(capText(messageText(messages[lastUserIndex]?.content))) : "";
  const last = extractFeatures(lastText);
  accumulate(evidence, features, last, "last-user", 1);

  // Earlier turns, newest first; anything after the last user turn (tool results) counts as history.
  const history: { text: TextFeatures; weight: number }[] = [];
  let turnsBack = 0;
  for (let index = messages.length - 1; index >= 0 && history.length < MAX_HISTORY_MESSAGES; index--) {
    const message = messages[index];
    if (!message || index === lastUserIndex) continue;
    const role = roleOf(message);
    if (role === "system") continue;
    const text = normalizeText(capText(messageText(message.content), HISTORY_HEAD_CHARS, HISTORY_TAIL_CHARS));
    if (!text.trim()) continue;
    const base = role === "user" ? HISTORY_USER_WEIGHT : HISTORY_ASSISTANT_WEIGHT;
    history.push({ text: extractFeatures(text), weight: base * HISTORY_DECAY ** turnsBack });
    if (role === "user") turnsBack++;
  }
  // Context (history, system prompt) matters in inverse proportion to what the last turn says.
  const lastSignal = strongestEvidence(last.evidence);
  const weakTurn = lastSignal < WEAK_TURN_EVIDENCE;
  const followUp = lastSignal < STRONG_TURN_EVIDENCE && last.stats.words <= 25 && FOLLOW_UP.test(lastText);
  const carriedOver = history.length > 0 && (weakTurn || followUp);
  const contextFactor = carriedOver ? CARRY_OVER_BOOST : 1 / (1 + lastSignal / WEAK_TURN_EVIDENCE);
  for (const turn of history) accumulate(evidence, features, turn.text, "history", turn.weight * contextFactor);

  const systemText = normalizeText(
    capText(
      messages
        .filter((message) => message && roleOf(message) === "system")
        .map((message) => messageText(message.content))
        .join("\n"),
      SYSTEM_HEAD_CHARS,
      SYSTEM_TAIL_CHARS,
    ),
  );
  if (systemText.trim()) accumulate(evidence, features, extractFeatures(systemText), "system", SYSTEM_WEIGHT * (weakTurn ? 2 : 1));

  const json = input.responseFormat?.type === "json_object" || input.responseFormat?.type === "json_schema";
  if (json) {
    evidence.extraction += JSON_MODE_EXTRACTION;
    features?.push({ id: "json-mode", source: "request", weights: { extraction: JSON_MODE_EXTRACTION } });
  }

  const categoryScores = softmax(evidence);
  const category = topCategory(categoryScores);
  const capabilities = requiredCapabilities(input, messages, json);
  const complexity = estimateComplexity({
    stats: last.stats,
    scores: categoryScores,
    historyMessages: history.length,
    contextTokens: capabilities.contextTokens,
    hasTools: capabilities.tools,
    json,
    vision: capabilities.vision,
  });
  return {
    analysis: {
      category,
      categoryConfidence: categoryScores[category],
      categoryScores,
      complexity,
      tier: complexityTier(complexity),
      capabilities,
    },
    evidence,
    carriedOver,
  };
}

/** simple < 0.33 ≤ medium < 0.66 ≤ hard. */
export function complexityTier(complexity: number): ComplexityTier {
  return complexity < 0.33 ? "simple" : complexity < 0.66 ? "medium" : "hard";
}

function findLastUserIndex(messages: AnalysisInput["messages"]): number {
  for (let index = messages.length - 1; index >= 0; index--) if (messages[index]?.role === "user") return index;
  // No user turn at all: read the last message that is not a system prompt.
  for (let index = messages.length - 1; index >= 0; index--) {
    const message = messages[index];
    if (message && roleOf(message) !== "system") return index;
  }
  return -1;
}

function accumulate(evidence: Evidence, features: MatchedFeature[] | undefined, text: TextFeatures, source: FeatureSource, weight: number) {
  for (const feature of text.features) {
    for (const category in feature.weights) evidence[category as TaskCategory] += (feature.weights[category as TaskCategory] as number) * weight;
    if (!features) continue;
    // The feature list (explanations and tests only) keeps the categories in their usual order.
    const weights: CategoryWeights = {};
    for (const category of TASK_CATEGORIES) {
      const value = feature.weights[category];
      if (value !== undefined) weights[category] = value * weight;
    }
    features.push({ id: feature.id, source, weights });
  }
}

function strongestEvidence(evidence: Evidence): number {
  let strongest = 0;
  for (const category of TASK_CATEGORIES) strongest = Math.max(strongest, evidence[category]);
  return strongest;
}

function softmax(evidence: Evidence): Record<TaskCategory, number> {
  let max = -Infinity;
  for (const category of TASK_CATEGORIES) max = Math.max(max, evidence[category]);
  const scores = emptyEvidence();
  let total = 0;
  for (const category of TASK_CATEGORIES) {
    scores[category] = Math.exp(evidence[category] - max);
    total += scores[category];
  }
  for (const category of TASK_CATEGORIES) scores[category] /= total;
  return scores;
}

function topCategory(scores: Record<TaskCategory, number>): TaskCategory {
  let best: TaskCategory = "general";
  for (const category of TASK_CATEGORIES) if (scores[category] > scores[best]) best = category;
  return best;
}

function requiredCapabilities(input: AnalysisInput, messages: AnalysisInput["messages"], json: boolean): RequiredCapabilities {
  let chars = 0;
  let images = 0;
  for (const message of messages) {
    if (!message) continue;
    chars += messageText(message.content).length + 16;
    if (message.role === "user") images += countImages(message.content);
    if (message.role === "assistant" && Array.isArray(message.tool_calls)) {
      for (const call of message.tool_calls) chars += (call?.function?.arguments?.length ?? 0) + (call?.function?.name?.length ?? 0);
    }
  }
  const tools = input.hasTools === true;
  const contextTokens =
    Math.ceil(chars / 4) + images * IMAGE_TOKENS + (tools ? TOOL_SCHEMA_ALLOWANCE_TOKENS : 0) + ANSWER_ALLOWANCE_TOKENS;
  return { vision: images > 0, tools, json, contextTokens };
}
