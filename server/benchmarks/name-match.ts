// Pure: matches backend model tags (`llama3.1:8b-instruct-q4_K_M`) to the names benchmark sources
// use (`meta-llama/Llama-3.1-8B-Instruct`, "Llama 3.1 Instruct 8B"). Both sides are reduced to
// family, version, size, variant (instruct or base) and specialty; any of those disagreeing is a
// hard "no", so 8B never takes 70B's figures, nor a coder a generalist's. The original compared
// stripped base names and stored rows no model could ever be looked up by (inventory §2.5, §4.2).

export type Variant = "instruct" | "base";

export type ParsedModelName = {
  /** The name as given, lowercased. */
  raw: string;
  /** The part before the last "/", e.g. "meta-llama"; undefined for local tags. */
  org?: string;
  family?: string;
  version?: string;
  sizeB?: number;
  /** undefined when the name does not say. */
  variant?: Variant;
  specialties: string[];
  /** Words that are neither family, version, size, variant, specialty nor noise: they must agree. */
  extras: string[];
};

/** What a benchmark source tells besides the name. */
export type BenchmarkNameHints = {
  parametersB?: number;
  variant?: Variant;
  /** How to read a name without an instruct/base marker: HF lists base models bare, arenas only chat models. */
  defaultVariant?: Variant;
  /** An official upload (the model's own organisation), preferred over re-uploads of the same model. */
  official?: boolean;
};

export type NameMatch = { confidence: number; reason: string };

/** Below this a candidate pair is not a match. */
export const MATCH_THRESHOLD = 0.6;

// Words that say nothing about which model it is: formats, quantizations, context lengths, dates.
const NOISE = new Set([
  "meta", "hf", "gguf", "ggml", "awq", "gptq", "exl2", "mlx", "fp16", "bf16", "f16", "fp32", "f32", "fp8", "int4", "int8", "latest",
  "4bit", "8bit", "qat", "turbo", "jan", "feb", "mar", "apr", "may", "jun", "june", "jul", "july", "aug", "sep", "oct", "nov", "dec", "preview", "hd",
]);
const INSTRUCT = new Set(["instruct", "it", "chat", "inst", "rlhf", "sft", "dpo"]);
const BASE = new Set(["base", "text", "pt", "pretrained"]);
const SPECIALTY: Record<string, string> = {
  coder: "coder", code: "coder", math: "math", vision: "vision", vl: "vision", embed: "embed", embedding: "embed",
  r1: "r1", reasoning: "reasoning", guard: "guard", audio: "audio", distill: "distill", abliterated: "abliterated",
};
const QUANT = /^(?:i?q\d[a-z0-9_]*|f16|fp16|bf16|f32|fp32|fp8|int[48]|\d+bit)$/;
const SIZE = /^(?:(\d+)x)?(\d+(?:\.\d+)?)([bm])$/;
const CONTEXT = /^\d+k$/;
const ACTIVE = /^a\d+(?:\.\d+)?b$/;
// Families written with a version glued on: llama3.1, qwen2.5, gemma2, phi3, starcoder2.
const GLUED = /^([a-z]+?)(\d+(?:\.\d+)?)$/;
const GLUED_SUFFIX = /^([a-z]+\d+(?:\.\d+)?)([a-z]{2,})$/;
// Named Phi-3 sizes, so `phi3:mini` and "Phi-3-mini-4k-instruct" agree with "3.8B".
const PHI_SIZES: Record<string, number> = { mini: 3.8, small: 7.4, medium: 14 };

/** Reads family, version, size, variant and specialty out of any model name. */
export function parseModelName(name: string): ParsedModelName {
  const raw = name.trim().toLowerCase();
  const slash = raw.lastIndexOf("/");
  const org = slash >= 0 ? raw.slice(0, slash).split("/").pop() : undefined;
  const rest = (slash >= 0 ? raw.slice(slash + 1) : raw).replace(/\.gguf$/, "");
  const parsed: ParsedModelName = { raw, org, specialties: [], extras: [] };
  const words = rest
    .split(/[\s:\-/()]+/)
    .filter((word) => word && !QUANT.test(word))
    .flatMap((word) => word.split("_"))
    // "qwen2.5vl" → "qwen2.5" "vl"
    .flatMap((word) => GLUED_SUFFIX.exec(word)?.slice(1) ?? [word])
    .filter(Boolean);
  for (let i = 0; i < words.length; i++) {
    const word = words[i];
    if (NOISE.has(word) || CONTEXT.test(word) || ACTIVE.test(word) || /^\d{4}$/.test(word) || /^\d{6,8}$/.test(word)) continue;
    if (INSTRUCT.has(word)) {
      parsed.variant = "instruct";
      continue;
    }
    if (BASE.has(word)) {
      parsed.variant ??= "base";
      continue;
    }
    if (SPECIALTY[word]) {
      parsed.specialties.push(SPECIALTY[word]);
      continue;
    }
    const size = SIZE.exec(word);
    if (size) {
      const value = Number(size[2]) / (size[3] === "m" ? 1000 : 1);
      // Mixtral-style mixtures share attention: 8x7b ≈ 46.7B in total (as model-facts counts them).
      parsed.sizeB ??= size[1] ? Math.round(Number(size[1]) * value * 0.83 * 10) / 10 : value;
      continue;
    }
    const version = /^v(\d+(?:\.\d+)*)$/.exec(word);
    if (version) {
      parsed.version ??= version[1];
      continue;
    }
    if (/^\d+(?:\.\d+)*$/.test(word)) {
      // A bare number right after the family is its version ("Llama-3.1", "gemma 2").
      if (parsed.family && parsed.version === undefined) parsed.version = word;
      else parsed.extras.push(word);
      continue;
    }
    if (!parsed.family) {
      const glued = GLUED.exec(word);
      if (glued && glued[1] !== "r" && glued[1] !== "o") {
        parsed.family = glued[1];
        parsed.version = glued[2];
      } else {
        parsed.family = word;
      }
      continue;
    }
    if (parsed.family === "phi" && PHI_SIZES[word]) {
      parsed.sizeB ??= PHI_SIZES[word];
      continue;
    }
    // "mistral-small3.1" is "Mistral-Small-3.1": the number is the version.
    const glued = GLUED.exec(word);
    if (glued && parsed.version === undefined) {
      parsed.extras.push(glued[1]);
      parsed.version = glued[2];
      continue;
    }
    parsed.extras.push(word);
  }
  parsed.specialties.sort();
  parsed.extras.sort();
  return parsed;
}

/**
 * How sure we are that `local` (a backend's tag) is the model `remote` (a benchmark's name) is:
 * 0 when any fact disagrees, else 1 less a little for each fact only one side states.
 */
export function matchModelName(local: string | ParsedModelName, remote: string | ParsedModelName, hints: BenchmarkNameHints = {}): NameMatch {
  const l = typeof local === "string" ? parseModelName(local) : local;
  const r = typeof remote === "string" ? parseModelName(remote) : remote;
  const no = (reason: string): NameMatch => ({ confidence: 0, reason });
  if (!l.family || !r.family) return no("no model family in the name");
  if (l.family !== r.family) return no(`family ${l.family} ≠ ${r.family}`);
  let confidence = 1;
  const notes: string[] = [];
  if (l.version !== undefined && r.version !== undefined) {
    if (!sameVersion(l.version, r.version)) return no(`version ${l.version} ≠ ${r.version}`);
  } else if (l.version !== r.version) {
    confidence -= 0.1;
    notes.push("version stated on one side only");
  }
  const remoteSize = positive(hints.parametersB) ?? r.sizeB;
  if (l.sizeB !== undefined && remoteSize !== undefined) {
    if (!sameSize(l.sizeB, remoteSize)) return no(`size ${l.sizeB}B ≠ ${round1(remoteSize)}B`);
  } else if (l.sizeB !== remoteSize) {
    confidence -= 0.15;
    notes.push("size stated on one side only");
  }
  // Local servers serve chat models: a tag without a marker is the instruct build (Ollama's default).
  const localVariant = l.variant ?? "instruct";
  const remoteVariant = hints.variant ?? r.variant ?? hints.defaultVariant ?? "instruct";
  if (localVariant !== remoteVariant) return no(`${localVariant} ≠ ${remoteVariant}`);
  if (l.specialties.join() !== r.specialties.join()) return no(`specialty [${l.specialties}] ≠ [${r.specialties}]`);
  if (l.extras.join() !== r.extras.join()) return no(`other words [${l.extras}] ≠ [${r.extras}]`);
  if (hints.official === false) {
    confidence -= 0.05;
    notes.push("not the official upload");
  }
  return { confidence: Math.round(confidence * 100) / 100, reason: notes.length ? notes.join("; ") : "family, version, size and variant agree" };
}

export type Candidate<T> = { name: string; hints?: BenchmarkNameHints; item: T };
export type BestMatch<T> = { item: T; name: string; confidence: number; reason: string };

/** Parses each benchmark name once: a source can list thousands. */
export function prepareCandidates<T>(candidates: readonly Candidate<T>[]): (Candidate<T> & { parsed: ParsedModelName })[] {
  return candidates.map((candidate) => ({ ...candidate, parsed: parseModelName(candidate.name) }));
}

/**
 * The best benchmark entry for a local model, or undefined. `aliases` (operator-set names) win
 * outright: with aliases only those names can match. Ties go to the official upload, then the
 * higher version (`mistral:7b` takes v0.3 over v0.1), then the name.
 */
export function bestMatch<T>(localName: string, candidates: readonly (Candidate<T> & { parsed: ParsedModelName })[], aliases?: readonly string[]): BestMatch<T> | undefined {
  if (aliases?.length) {
    const wanted = new Set(aliases.map(normaliseAlias));
    const hit = candidates.find((candidate) => wanted.has(normaliseAlias(candidate.name)) || wanted.has(normaliseAlias(stripOrg(candidate.name))));
    return hit ? { item: hit.item, name: hit.name, confidence: 1, reason: "alias" } : undefined;
  }
  const local = parseModelName(localName);
  let best: (BestMatch<T> & { official: boolean; version: string }) | undefined;
  for (const candidate of candidates) {
    const match = matchModelName(local, candidate.parsed, candidate.hints);
    if (match.confidence < MATCH_THRESHOLD) continue;
    const entry = { item: candidate.item, name: candidate.name, ...match, official: candidate.hints?.official !== false, version: candidate.parsed.version ?? "" };
    if (!best || better(entry, best)) best = entry;
  }
  return best && { item: best.item, name: best.name, confidence: best.confidence, reason: best.reason };
}

function better(a: { confidence: number; official: boolean; version: string; name: string }, b: typeof a): boolean {
  if (a.confidence !== b.confidence) return a.confidence > b.confidence;
  if (a.official !== b.official) return a.official;
  const versions = compareVersions(a.version, b.version);
  if (versions !== 0) return versions > 0;
  return a.name < b.name;
}

export function normaliseAlias(name: string): string {
  return name.trim().toLowerCase();
}

function stripOrg(name: string): string {
  return name.slice(name.lastIndexOf("/") + 1);
}

function sameVersion(a: string, b: string): boolean {
  return compareVersions(a, b) === 0;
}

/** "3" = "3.0"; "0.3" > "0.2". */
function compareVersions(a: string, b: string): number {
  const pa = a.split(".").map(Number);
  const pb = b.split(".").map(Number);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const d = (pa[i] ?? 0) - (pb[i] ?? 0);
    if (d !== 0) return d;
  }
  return 0;
}

/** Published sizes are rounded ("8B" for 8.03B, "7B" for 7.6B): within 15% is the same size. */
function sameSize(a: number, b: number): boolean {
  return Math.abs(a - b) / Math.max(a, b) <= 0.15;
}

function positive(value: number | undefined): number | undefined {
  return value !== undefined && Number.isFinite(value) && value > 0 ? value : undefined;
}

function round1(value: number): number {
  return Math.round(value * 10) / 10;
}
