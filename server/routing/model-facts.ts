import type { TaskCategory } from "./categories";
import type { Capability, ModelFacts } from "./types";

/** What a backend reports about a model (Ollama /api/show details and capabilities); each part optional. */
export type ReportedModelDetails = {
  family?: string;
  parameterSize?: string;
  quantization?: string;
  contextLength?: number;
  capabilities?: Capability[];
};

/**
 * Facts about a model: the backend's report wins, the name fills the gaps. Sizes come from the
 * tag as well as the base name (`mistral:7b`, `deepseek-r1:1.5b`), with word boundaries, so a
 * letter in the name never implies a size (the original read any "l" as 70B). Unknown stays
 * undefined: the scorer uses a neutral size rather than a guessed one.
 */
export function modelFacts(name: string, reported: ReportedModelDetails = {}): ModelFacts {
  const { base, tag } = splitModelName(name);
  const sized = sizeFromName(base, tag);
  const reportedSize = parseParameterSize(reported.parameterSize);
  const parameterCountB = reportedSize?.total ?? sized?.total;
  // A mixture's active share only shows in the name; a dense model's active count is its size.
  const mixture = [sized, reportedSize].find((size) => size !== undefined && size.active < size.total);
  const activeParameterCountB = mixture ? Math.min(mixture.active, parameterCountB ?? Infinity) : parameterCountB;
  const reportedCapabilities = reported.capabilities?.length ? [...reported.capabilities] : undefined;
  const capabilities = reportedCapabilities ?? capabilitiesFromName(base, parameterCountB);
  const embeddingOnly = reportedCapabilities
    ? reportedCapabilities.includes("embedding") && !reportedCapabilities.includes("completion")
    : EMBEDDING_NAME.test(base);
  return {
    family: nonEmpty(reported.family)?.toLowerCase() ?? familyFromName(base),
    parameterCountB,
    activeParameterCountB,
    quantization: canonicalQuantization(nonEmpty(reported.quantization)) ?? quantizationFromTag(tag),
    contextLength: positive(reported.contextLength) ?? contextFromName(base, tag),
    capabilities,
    specialties: embeddingOnly ? [] : specialtiesFromName(base),
    embeddingOnly,
  };
}

/** `hf.co/org/Repo-7B-GGUF:Q4_K_M` → base `repo-7b-gguf`, tag `q4_k_m`; registry and namespace dropped. */
export function splitModelName(name: string): { base: string; tag: string } {
  const lower = name.trim().toLowerCase();
  const path = lower.slice(lower.lastIndexOf("/") + 1);
  const colon = path.indexOf(":");
  return colon < 0 ? { base: path, tag: "" } : { base: path.slice(0, colon), tag: path.slice(colon + 1) };
}

// A token boundary: start or a separator, never a letter, digit or dot (so "3.2" in llama3.2 is no size).
const B = "(?:^|[^a-z0-9.])";
const END = "(?![a-z0-9])";
const MIXTURE = new RegExp(`${B}(\\d+)x(\\d+(?:\\.\\d+)?)b${END}`);
const ACTIVE = new RegExp(`(?:^|[-_])a(\\d+(?:\\.\\d+)?)b${END}`);
const DENSE = new RegExp(`${B}(\\d+(?:\\.\\d+)?)([bm])${END}`);
const CONTEXT_K = new RegExp(`${B}(\\d+)k${END}`);

// Mixtral-style mixtures share attention across experts, and two experts run per token:
// total ≈ 0.83·N·S (8x7b → 46.5, published 46.7), active ≈ 1.85·S (8x7b → 13.0, published 12.9).
const MIXTURE_TOTAL_SHARE = 0.83;
const MIXTURE_ACTIVE_EXPERTS = 1.85;

/** Models published in exactly one size, so the name alone is a fact rather than a guess. */
const SINGLE_SIZE_B: Record<string, number> = {
  "phi3.5": 3.8,
  phi4: 14.7,
  "phi4-mini": 3.8,
  "phi4-reasoning": 14.7,
  "phi4-mini-reasoning": 3.8,
  mistral: 7.2,
  "mistral-nemo": 12.2,
  mathstral: 7.2,
  codestral: 22.2,
  "mistral-large": 123,
  qwq: 32.8,
  "marco-o1": 7.6,
  deepscaler: 1.8,
  bakllava: 7,
  "command-r": 35,
  "command-r-plus": 104,
  tinyllama: 1.1,
  "nomic-embed-text": 0.137,
  "mxbai-embed-large": 0.335,
};

/** Phi-3's variants are named, not numbered. */
const PHI3_VARIANTS: Record<string, number> = { mini: 3.8, small: 7.4, medium: 14 };

type Size = { total: number; active: number };

function sizeFromName(base: string, tag: string): Size | undefined {
  // The tag is the more specific part (`qwen2.5:0.5b`), so it is read first.
  for (const part of [tag, base]) {
    const mixture = MIXTURE.exec(part);
    if (mixture) {
      const experts = Number(mixture[1]);
      const expert = Number(mixture[2]);
      return { total: round1(experts * expert * MIXTURE_TOTAL_SHARE), active: round1(expert * MIXTURE_ACTIVE_EXPERTS) };
    }
    const dense = DENSE.exec(part);
    if (dense) {
      const total = Number(dense[1]) / (dense[2] === "m" ? 1000 : 1);
      // `qwen3:30b-a3b`: a mixture that names its active share.
      const active = ACTIVE.exec(part);
      return { total, active: active ? Number(active[1]) : total };
    }
  }
  if (base.startsWith("phi3") && !base.startsWith("phi3.5")) {
    const variant = Object.keys(PHI3_VARIANTS).find((word) => new RegExp(`${B}${word}${END}`).test(`${base} ${tag}`));
    if (variant) return same(PHI3_VARIANTS[variant]);
  }
  const single = SINGLE_SIZE_B[base];
  return single === undefined ? undefined : same(single);
}

/** Ollama's `parameter_size`: "3.2B", "137M", "46.7B", "8x7B". */
export function parseParameterSize(text: string | undefined): Size | undefined {
  if (!text) return undefined;
  const lower = text.trim().toLowerCase();
  const mixture = /^(\d+)x(\d+(?:\.\d+)?)\s*b$/.exec(lower);
  if (mixture) {
    const expert = Number(mixture[2]);
    return { total: round1(Number(mixture[1]) * expert * MIXTURE_TOTAL_SHARE), active: round1(expert * MIXTURE_ACTIVE_EXPERTS) };
  }
  const match = /^(\d+(?:\.\d+)?)\s*([kmbt])?$/.exec(lower);
  if (!match) return undefined;
  const scale = { k: 1e-6, m: 1e-3, b: 1, t: 1000 }[match[2] ?? "b"] ?? 1;
  const value = Number(match[1]) * scale;
  return value > 0 && Number.isFinite(value) ? same(value) : undefined;
}

const FAMILIES: [RegExp, string][] = [
  [/nomic-(?:embed|bert)/, "nomic-bert"],
  [/llava/, "llava"],
  [/llama/, "llama"],
  [/qwq/, "qwen2"],
  [/qwen-?3/, "qwen3"],
  [/qwen-?2\.5|qwen25/, "qwen2.5"],
  [/qwen-?2/, "qwen2"],
  [/qwen/, "qwen"],
  [/mixtral/, "mixtral"],
  [/mistral|mathstral|codestral|ministral|devstral|magistral/, "mistral"],
  [/gemma/, "gemma"],
  // "dolphin" contains "phi": only a name part that starts with phi counts.
  [/(?:^|[-_.])phi/, "phi"],
  [/deepseek|deepscaler/, "deepseek"],
  [/command-r/, "command-r"],
  [/starcoder/, "starcoder"],
  [/granite/, "granite"],
  [/moondream/, "moondream"],
  [/minicpm/, "minicpm"],
  [/smollm/, "smollm"],
  [/falcon/, "falcon"],
  [/gpt-oss/, "gpt-oss"],
  [/mxbai|(?:^|[-_])bge(?:[-_]|$)|snowflake-arctic-embed|minilm|(?:^|[-_])e5(?:[-_]|$)/, "bert"],
];

function familyFromName(base: string): string | undefined {
  return FAMILIES.find(([pattern]) => pattern.test(base))?.[1];
}

const SPECIALTIES: [RegExp, TaskCategory[]][] = [
  [/coder|codellama|starcoder|codestral|codegemma|codeqwen|codegeex|devstral|(?:^|[-_])code(?:[-_.]|$)/, ["coding"]],
  // Reasoning models: "r1" only as its own name part (the original matched it anywhere).
  [
    /(?:^|[-_.])r1(?:[-_.]|$)|qwq|reason|(?:^|[-_])o1(?:[-_.]|$)|deepscaler|openthinker|magistral|exaone-deep/,
    ["reasoning", "math"],
  ],
  [/math/, ["math"]],
];

function specialtiesFromName(base: string): TaskCategory[] {
  const found = new Set<TaskCategory>();
  for (const [pattern, categories] of SPECIALTIES) if (pattern.test(base)) categories.forEach((category) => found.add(category));
  return [...found];
}

export const EMBEDDING_NAME =
  /embed|(?:^|[-_])bge(?:[-_.]|$)|(?:^|[-_])e5(?:[-_.]|$)|minilm|(?:^|[-_])gte(?:[-_.]|$)|rerank/;
// Hosted models behind OpenAI-compatible backends report nothing, so their names count too.
const HOSTED_MULTIMODAL = /^(?:gpt-4o|gpt-4\.1|gpt-4-turbo|gpt-5|claude-3|claude-(?:sonnet|opus|haiku)|gemini)/;
const VISION_NAME =
  /llava|vision|moondream|minicpm-v|pixtral|llama4|mistral-small3\.[12]|(?:[\d._-])vl(?:[-_.]|$)|^gemma3(?!n)/;
// Tool calling as Ollama's library tags it; a name on neither list stays unknown (and is allowed).
const TOOLS_NAME =
  /^(?:llama-?3\.[123]|llama4|qwen-?2\.5|qwen-?3|qwq|mistral|mixtral|command-r|hermes3|firefunction|granite3|smollm2|phi4-mini|nemotron|devstral|magistral|cogito|gpt-oss)/;
const NO_TOOLS_NAME = /^(?:llama2|llama-?3(?![.\d])|codellama|gemma|phi(?!4-mini)|starcoder|tinyllama|deepseek-coder(?!-v2)|orca|vicuna)/;

/** Best effort from the name: undefined when it says nothing either way. */
function capabilitiesFromName(base: string, sizeB: number | undefined): Capability[] | undefined {
  if (EMBEDDING_NAME.test(base)) return ["embedding"];
  // gemma3's 1B and 270M builds are text-only.
  const hosted = HOSTED_MULTIMODAL.test(base);
  const vision = hosted || (VISION_NAME.test(base) && !(base.startsWith("gemma3") && sizeB !== undefined && sizeB < 2));
  const tools = hosted || /^gpt-(?:4|3\.5)/.test(base) || (TOOLS_NAME.test(base) && !/vl(?:[-_.]|$)|vision/.test(base));
  if (!vision && !tools && !NO_TOOLS_NAME.test(base)) return undefined;
  const capabilities: Capability[] = ["completion"];
  if (vision) capabilities.push("vision");
  if (tools) capabilities.push("tools");
  return capabilities;
}

const QUANTIZATION = new RegExp(
  `${B}(iq[1-4]_(?:xxs|xs|s|m|nl)|q[1-8](?:_0|_1|_k(?:_[sml]|_xl)?)?|fp16|f16|bf16|fp32|f32|fp8|int4|int8|qat)(?![a-z0-9])`,
);

function quantizationFromTag(tag: string): string | undefined {
  return canonicalQuantization(QUANTIZATION.exec(tag)?.[1]);
}

/** Ollama's spelling: Q4_K_M, Q8_0, F16, BF16. */
function canonicalQuantization(text: string | undefined): string | undefined {
  if (!text) return undefined;
  const upper = text.trim().toUpperCase();
  return upper === "FP16" ? "F16" : upper === "FP32" ? "F32" : upper;
}

/** `phi3:14b-medium-128k-instruct` → 131072. */
function contextFromName(base: string, tag: string): number | undefined {
  const match = CONTEXT_K.exec(tag) ?? CONTEXT_K.exec(base);
  return match ? Number(match[1]) * 1024 : undefined;
}

function same(sizeB: number): Size {
  return { total: sizeB, active: sizeB };
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}

function positive(value: number | undefined): number | undefined {
  return value !== undefined && Number.isFinite(value) && value > 0 ? value : undefined;
}

function nonEmpty(text: string | undefined): string | undefined {
  return text?.trim() ? text.trim() : undefined;
}
