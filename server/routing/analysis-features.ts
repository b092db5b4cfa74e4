import { GREETING_TERMS, GREETING_WEIGHTS, LEXICAL_CUES, PATTERN_CUES, type CategoryWeights, type Cue } from "./analysis-cues";
import { buildLexicon, countTerms, matchAt, tokenize, type Tokens } from "./analysis-lexicon";
import { splitPayload } from "./analysis-payload";
import { detectCode, detectMath, detectPuzzles, LIST_ITEM } from "./analysis-structure";
import { detectTaskVerbs } from "./analysis-task-verbs";
import { countMatches } from "./analysis-text";
import type { TaskCategory } from "./categories";

// Feature extraction for one text: lexical cues (analysis-cues.ts), structural detectors
// (analysis-structure.ts) and task verbs (analysis-task-verbs.ts), summed into per-category
// evidence. Everything is explainable: each contribution is a named feature.

export type Evidence = Record<TaskCategory, number>;

export type Feature = { id: string; weights: CategoryWeights };

/** Shape of the text, for complexity. */
export type TextStats = {
  chars: number;
  words: number;
  questions: number;
  listItems: number;
  constraints: number;
  steps: number;
  demanding: number;
  codeLines: number;
  fences: number;
  mathOps: number;
  mathSymbols: number;
  numbers: number;
  options: number;
};

export type TextFeatures = { evidence: Evidence; features: Feature[]; stats: TextStats };

export function emptyEvidence(): Evidence {
  return { coding: 0, math: 0, reasoning: 0, creative: 0, extraction: 0, factual: 0, general: 0 };
}

/** Words in quoted material count this much of words in the instruction. */
const PAYLOAD_WEIGHT = 0.5;
// The shape of a request, for complexity and word problems: constraints, step words, number
// words, and words that make a task demanding whatever its length.
const SHAPE_TERMS: readonly (readonly string[])[] = [
  ["must", "should", "without", "at least", "at most", "no more than", "fewer than", "less than", "exactly", "ensure", "make sure", "only", "don't", "do not", "never", "always", "require", "required", "requirement", "requirements", "constraint", "constraints", "limit", "limited", "edge case", "edge cases", "handle", "support"],
  ["then", "also", "additionally", "furthermore", "moreover", "finally", "first", "firstly", "second", "secondly", "next", "after that", "in addition", "as well as"],
  ["one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve", "fifteen", "twenty", "thirty", "forty", "fifty", "sixty", "hundred", "thousand", "million", "half", "twice", "double", "triple", "third", "thirds", "quarter", "dozen"],
  ["prove", "proof", "derive", "rigorous", "rigorously", "step by step", "trade off", "trade offs", "tradeoffs", "optimize", "optimise", "optimal", "efficient", "efficiently", "architecture", "scalable", "scalability", "concurrent", "concurrency", "distributed", "thread safe", "edge case", "edge cases", "complexity", "in depth", "in detail", "detailed", "comprehensive", "thorough", "thoroughly", "analyze", "analyse", "compare", "evaluate", "justify", "design", "refactor", "debug", "security", "production", "benchmark", "formal", "formally", "theorem", "dynamic programming", "recursion", "eigen*", "integral", "integrals", "differential", "convergence", "critically", "both sides", "assess", "pros and cons", "reason carefully", "think carefully", "demuestra", "optimiza", "détaillé", "ausführlich", "подробно", "докажи", "证明", "详细", "詳しく"],
];
const SHAPE_CAPS = [100, 100, 20, 5];
// The cues and the shape words in one lexicon, so one pass over the words counts both: groups
// 0…n−1 are LEXICAL_CUES, then the four shape groups (groups are counted independently).
const SHAPE_START = LEXICAL_CUES.length;
const LEXICON = buildLexicon([...LEXICAL_CUES.map((cue) => cue.terms), ...SHAPE_TERMS]);
const CAPS: readonly number[] = [...LEXICAL_CUES.map((cue) => cue.cap), ...SHAPE_CAPS];

const GREETING_LEXICON = buildLexicon([GREETING_TERMS]);
const GREETING_LEAD_WORDS = 3;
const SHORT_MESSAGE_WORDS = 12;
/** Proper nouns hint at a knowledge question only in short texts: in puzzles and stories they are the cast. */
const SHORT_QUESTION_WORDS = 30;
// A capitalised word inside a sentence names a person, place or work.
const PROPER_NOUN = /(?<=[\p{Ll},;] )\p{Lu}\p{Ll}{2,}/gu;
// "How many moons does Jupiter have?", "How many people live in Oslo?": counting facts, not math.
const FACT_COUNT = /\b[Hh]ow (?:many|much) [a-z]+(?: [a-z]+)? (?:does|do|did|is|are|was|were|has|have|live in|are there in|is there in) (?:the )?\p{Lu}/u;

/** Features of one (already capped and normalised) text. */
export function extractFeatures(text: string): TextFeatures {
  const features: Feature[] = [];
  const add = (id: string, weights: CategoryWeights) => features.push({ id, weights });

  // Words in quoted material (an article to summarise, a paragraph to edit) say what the
  // material is about, not what the task is: they count half.
  const { instruction, payload } = splitPayload(text);
  const lead = tokenize(instruction);
  const body = payload ? tokenize(payload) : undefined;
  const leadCounts = countTerms(LEXICON, lead, CAPS);
  const bodyCounts = body ? countTerms(LEXICON, body, CAPS) : undefined;
  for (let index = 0; index < LEXICAL_CUES.length; index++) {
    const leadCount = leadCounts[index] ?? 0;
    const bodyCount = bodyCounts?.[index] ?? 0;
    if (leadCount === 0 && bodyCount === 0) continue; // most cues: nothing to weigh
    const cue = LEXICAL_CUES[index] as Cue;
    const inLead = Math.min(cue.cap, leadCount);
    const inAll = Math.min(cue.cap, inLead + bodyCount);
    const strength = repeatFactor(inLead) + PAYLOAD_WEIGHT * (repeatFactor(inAll) - repeatFactor(inLead));
    if (strength > 0) add(cue.id, scaleWeights(cue.weights, strength));
  }
  const lower = payload ? text.toLowerCase() : lead.lower;
  for (const cue of PATTERN_CUES) {
    if (cue.needs !== undefined && !lower.includes(cue.needs)) continue;
    const count = countMatches(cue.pattern, lower, cue.cap);
    if (count > 0) add(cue.id, scaleWeights(cue.weights, repeatFactor(count)));
  }

  const shape = (group: number) => (leadCounts[SHAPE_START + group] ?? 0) + (bodyCounts?.[SHAPE_START + group] ?? 0);
  const [constraints, steps, numberWords, demanding] = [shape(0), shape(1), shape(2), shape(3)];
  // "hey so my server crashes…": a greeting in front of a request says little about the task.
  if (isGreeting(lead)) add("greeting", lead.words.length <= SHORT_MESSAGE_WORDS ? GREETING_WEIGHTS : scaleWeights(GREETING_WEIGHTS, 0.3));
  const names = lead.words.length <= SHORT_QUESTION_WORDS ? countMatches(PROPER_NOUN, instruction, 3) : 0;
  if (names > 0) add("proper-nouns", { factual: 0.25 * (1 + 0.5 * (names - 1)) });
  if (FACT_COUNT.test(instruction)) add("fact-count", { factual: 1.2 });
  const code = detectCode(text, add);
  const math = detectMath(text, code.codeLines, numberWords, add);
  const options = detectPuzzles(text, code.codeLines, add);
  detectTaskVerbs(lead, add);

  const evidence = emptyEvidence();
  // Over each feature's own categories (a category a feature lacks adds nothing).
  for (const feature of features) {
    const weights = feature.weights;
    for (const category in weights) evidence[category as TaskCategory] += weights[category as TaskCategory] as number;
  }
  const cjkChars = lead.hasUnspaced || body?.hasUnspaced ? countUnspacedChars(text) : 0;

  const stats: TextStats = {
    chars: text.length,
    // CJK text has no spaces: about 1.5 characters a word.
    words: lead.words.length + (body?.words.length ?? 0) + Math.round(cjkChars / 1.5),
    questions: countQuestionMarks(text),
    listItems: countMatches(LIST_ITEM, text, 100),
    constraints,
    steps,
    demanding,
    codeLines: code.codeLines,
    fences: code.fences,
    mathOps: math.ops,
    mathSymbols: math.symbols,
    numbers: math.numbers,
    options,
  };
  return { evidence, features, stats };
}

/** Characters of scripts written without spaces (kana, CJK ideographs, Hangul). */
function countUnspacedChars(text: string): number {
  let count = 0;
  for (let index = 0; index < text.length; index++) {
    const code = text.charCodeAt(index);
    if ((code >= 0x3040 && code <= 0x30ff) || (code >= 0x3400 && code <= 0x9fff) || (code >= 0xac00 && code <= 0xd7af) || (code >= 0xf900 && code <= 0xfaff)) count++;
  }
  return count;
}

function countQuestionMarks(text: string): number {
  let count = 0;
  for (let at = text.indexOf("?"); at >= 0; at = text.indexOf("?", at + 1)) count++;
  for (let at = text.indexOf("？"); at >= 0; at = text.indexOf("？", at + 1)) count++;
  return count;
}

function isGreeting(tokens: Tokens): boolean {
  if (tokens.words.length <= SHORT_MESSAGE_WORDS) return (countTerms(GREETING_LEXICON, tokens, [1])[0] ?? 0) > 0;
  for (let index = 0; index < GREETING_LEAD_WORDS && index < tokens.words.length; index++) {
    if (matchAt(GREETING_LEXICON, tokens, index)) return true;
  }
  // Unspaced scripts: a greeting among the first characters.
  return GREETING_LEXICON.unspaced.some(({ term }) => {
    const at = tokens.lower.indexOf(term);
    return at >= 0 && at < 8;
  });
}

/** One match counts fully, each further one half as much: repetition is weaker evidence. */
function repeatFactor(count: number): number {
  return count > 0 ? 1 + 0.5 * (count - 1) : 0;
}

function scaleWeights(weights: CategoryWeights, factor: number): CategoryWeights {
  const scaled: CategoryWeights = {};
  for (const category in weights) scaled[category as TaskCategory] = (weights[category as TaskCategory] as number) * factor;
  return scaled;
}
