/*
 * Judge convention. A model with `role: judge` treats a chat request as a grading request when the
 * prompt (all messages joined) has labelled lines, one label per line start:
 *
 *   Model: <name of the model that answered>     e.g. "Model: qwen2.5-coder:14b"
 *   Category: <coding|math|reasoning|creative|extraction|factual|general>
 *   Question: <the prompt that was answered>      (optional, ignored for scoring)
 *   Expected: <reference answer>                  (optional; also "Expected answer:" / "Reference:")
 *   Answer: <the answer being graded>             (also "Response:"; runs until the next label)
 *
 * It replies with JSON content {"score": 0..1, "reasoning": "..."}:
 *   - Model names a configured model: score = that model's configured quality for Category
 *     (general when absent), plus seeded noise of at most ±0.05.
 *   - otherwise, with Expected and Answer: ~0.95 when the answer contains the expected answer
 *     (numbers must match as whole numbers), ~0.05 when not, same noise.
 *   - otherwise 0.5 ± noise. A prompt with neither Model nor Expected gets an ordinary reply.
 * The noise is seeded by the simulator seed, the judge's name and the whole prompt.
 */
import { CATEGORIES, type Category, findModel, type ModelSpec } from "./config";
import { randomFor } from "./random";

export interface GradingRequest {
  model?: string;
  category?: Category;
  expected?: string;
  answer?: string;
}

type Section = "model" | "category" | "expected" | "answer" | "other";

const LABELS: Record<string, Section> = {
  model: "model",
  "model name": "model",
  category: "category",
  expected: "expected",
  "expected answer": "expected",
  reference: "expected",
  "reference answer": "expected",
  answer: "answer",
  response: "answer",
  "model answer": "answer",
  "model response": "answer",
  question: "other",
  prompt: "other",
  task: "other",
};

export function readGradingRequest(prompt: string): GradingRequest | undefined {
  const sections: Partial<Record<Section, string[]>> = {};
  let current: Section | undefined;
  for (const line of prompt.split(/\r?\n/)) {
    const labelled = /^\s*([A-Za-z][A-Za-z ]{0,30}?)\s*:\s?(.*)$/.exec(line);
    const section = labelled ? LABELS[labelled[1].toLowerCase()] : undefined;
    if (labelled && section) {
      current = section;
      (sections[section] ??= []).push(labelled[2]);
    } else if (current) {
      sections[current]?.push(line);
    }
  }
  const text = (s: Section): string | undefined => sections[s]?.join("\n").trim();
  const model = text("model");
  const expected = text("expected");
  if (!model && expected === undefined) return undefined;
  const categoryText = text("category")?.toLowerCase();
  const category = CATEGORIES.find((c) => c === categoryText);
  return { model: model || undefined, category, expected, answer: text("answer") };
}

export interface Grade {
  score: number;
  reasoning: string;
}

export function gradeAnswer(request: GradingRequest, models: ReadonlyMap<string, ModelSpec>, seedParts: ReadonlyArray<string | number>): Grade {
  const random = randomFor(...seedParts, "judge");
  const noise = (random() * 2 - 1) * 0.05;
  const graded = request.model ? findModel(models, request.model) : undefined;
  if (graded) {
    const category = request.category ?? "general";
    const quality = graded.quality[category];
    return {
      score: clamp(quality + noise),
      reasoning: `Graded as a ${category} answer from ${graded.name}; it reads as ${describe(quality)} work for this category.`,
    };
  }
  if (request.expected !== undefined && request.answer !== undefined) {
    const correct = containsExpected(request.answer, request.expected);
    return {
      score: clamp((correct ? 0.95 : 0.05) + noise),
      reasoning: correct ? "The answer contains the expected result." : "The answer does not contain the expected result.",
    };
  }
  return { score: clamp(0.5 + noise), reasoning: "Not enough context to grade precisely; assigning a neutral score." };
}

export function containsExpected(answer: string, expected: string): boolean {
  const want = normalize(expected).replace(/[.!]+$/, "");
  if (want === "") return false;
  if (/^-?\d+(\.\d+)?$/.test(want)) {
    const escaped = want.replace(/[.\-]/g, (c) => `\\${c}`);
    return new RegExp(`(?<![\\d.])${escaped}(?!\\d|\\.\\d)`).test(answer);
  }
  return normalize(answer).includes(want);
}

function normalize(text: string): string {
  return text.toLowerCase().replace(/\s+/g, " ").trim();
}

function clamp(value: number): number {
  return Math.round(Math.min(1, Math.max(0, value)) * 1000) / 1000;
}

function describe(quality: number): string {
  if (quality >= 0.8) return "excellent";
  if (quality >= 0.6) return "solid";
  if (quality >= 0.4) return "mediocre";
  return "weak";
}
