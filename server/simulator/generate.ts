import type { Category, ModelSpec } from "./config";
import { gradeAnswer, readGradingRequest } from "./judge";
import { pick, type Random, randomFor, randomHex, randomInt } from "./random";

export type JsonValue = string | number | boolean | null | JsonValue[] | { [key: string]: JsonValue };
export type JsonObject = { [key: string]: JsonValue };

export interface ChatTurn {
  role: string;
  content: string;
  imageCount: number;
}

export interface ToolSpec {
  name: string;
  description: string;
  parameters: JsonObject;
}

export type ToolChoice = "auto" | "none" | "required" | { name: string };
export type OutputFormat = { kind: "text" } | { kind: "json" } | { kind: "schema"; schema: JsonObject };

export interface ReplyRequest {
  turns: ChatTurn[];
  tools: ToolSpec[];
  toolChoice: ToolChoice;
  format: OutputFormat;
  maxTokens?: number;
  think: boolean;
  requestSeed?: number;
}

export interface ToolCall {
  id: string;
  name: string;
  arguments: JsonObject;
}

export interface Reply {
  content: string;
  contentPieces: string[]; // one piece = one generated token = one streamed chunk
  thinking: string;
  thinkingPieces: string[];
  toolCalls: ToolCall[];
  finishReason: "stop" | "length" | "tool_calls";
  promptTokens: number;
  completionTokens: number;
}

export interface GenerationContext {
  seed: number;
  models: ReadonlyMap<string, ModelSpec>;
}

/** Deterministic reply: the same model, request and seed always give the same output. */
export function generateReply(model: ModelSpec, request: ReplyRequest, ctx: GenerationContext): Reply {
  const fingerprint = JSON.stringify([request.turns, request.tools.map((t) => t.name), request.format, request.toolChoice]);
  const random = randomFor(ctx.seed, model.name, request.requestSeed ?? "", fingerprint);
  const promptTokens = request.turns.reduce((sum, t) => sum + countTokens(t.content) + 4 + t.imageCount * 256, 0);
  const prompt = [...request.turns].reverse().find((t) => t.role === "user")?.content ?? "";
  const last = request.turns.at(-1);

  const toolCall = planToolCall(request, last, prompt, random);
  if (toolCall) {
    const args = JSON.stringify(toolCall.arguments);
    return { ...emptyReply(promptTokens), toolCalls: [toolCall], finishReason: "tool_calls", completionTokens: countTokens(args) + 5 };
  }

  const allText = request.turns.map((t) => t.content).join("\n");
  const grading = model.role === "judge" ? readGradingRequest(allText) : undefined;
  const category = detectCategory(prompt);
  const arithmetic = solveArithmetic(prompt);
  const answer = arithmetic === undefined ? undefined : random() < model.quality.math ? arithmetic : wrongAnswer(arithmetic, random);

  let content: string;
  if (grading) {
    content = JSON.stringify(gradeAnswer(grading, ctx.models, [ctx.seed, model.name, allText]));
  } else if (request.format.kind === "schema") {
    content = JSON.stringify(valueFromSchema(request.format.schema, random, { prompt, answer }, "", 0));
  } else if (request.format.kind === "json") {
    content = JSON.stringify(answer === undefined ? { category, answer: pick(random, OPENERS[category]) } : { answer });
  } else if (last?.role === "tool") {
    content = `According to the tool result, ${last.content.trim().slice(0, 200)}. ${pick(random, FILLER)}`;
  } else {
    content = composeText(category, answer, random);
  }

  const thinking = request.think ? composeThinking(prompt, arithmetic, random) : "";
  const thinkingPieces = splitPieces(thinking);
  let contentPieces = splitPieces(content);
  let finishReason: Reply["finishReason"] = "stop";
  if (request.maxTokens !== undefined && thinkingPieces.length + contentPieces.length > request.maxTokens) {
    contentPieces = contentPieces.slice(0, Math.max(0, request.maxTokens - thinkingPieces.length));
    content = contentPieces.join("");
    finishReason = "length";
  }
  return {
    content,
    contentPieces,
    thinking,
    thinkingPieces,
    toolCalls: [],
    finishReason,
    promptTokens,
    completionTokens: thinkingPieces.length + contentPieces.length,
  };
}

function emptyReply(promptTokens: number): Reply {
  return { content: "", contentPieces: [], thinking: "", thinkingPieces: [], toolCalls: [], finishReason: "stop", promptTokens, completionTokens: 0 };
}

export function countTokens(text: string): number {
  return text.length === 0 ? 0 : Math.ceil(text.length / 4);
}

/** Splits text into word-sized pieces that concatenate back to the original. */
export function splitPieces(text: string): string[] {
  return text.match(/\s*\S+/g) ?? [];
}

function planToolCall(request: ReplyRequest, last: ChatTurn | undefined, prompt: string, random: Random): ToolCall | undefined {
  const { tools, toolChoice } = request;
  if (tools.length === 0 || toolChoice === "none") return undefined;
  const forced = toolChoice !== "auto";
  // Under "auto" a model calls a tool for a fresh user turn and answers in text after a tool result.
  if (!forced && last?.role !== "user") return undefined;
  const words = new Set(prompt.toLowerCase().match(/[a-z0-9]+/g) ?? []);
  const overlap = (tool: ToolSpec): number =>
    `${tool.name.replace(/[_-]/g, " ")} ${tool.description}`
      .toLowerCase()
      .split(/[^a-z0-9]+/)
      .filter((w) => w.length > 2 && words.has(w)).length;
  const named = typeof toolChoice === "object" ? tools.find((t) => t.name === toolChoice.name) : undefined;
  const tool = named ?? tools.reduce((best, t) => (overlap(t) > overlap(best) ? t : best), tools[0]);
  const args = valueFromSchema(tool.parameters, random, { prompt }, "", 0);
  return {
    id: `call_${randomHex(random, 24)}`,
    name: tool.name,
    arguments: args !== null && typeof args === "object" && !Array.isArray(args) ? args : {},
  };
}

const CATEGORY_HINTS: Array<[Category, RegExp]> = [
  ["math", /\d\s*[-+*/×÷x]\s*\d|\b(calculate|compute|solve|equation|integral|derivative|sum of|percent)\b/i],
  ["coding", /```|\b(code|function|python|javascript|typescript|rust|sql|bug|compile|regex|implement|class|api)\b/i],
  ["extraction", /\b(extract|parse|list all|pull out|fields?|from the following)\b/i],
  ["creative", /\b(poem|story|haiku|song|lyrics|creative|imagine|fiction)\b/i],
  ["reasoning", /\b(why|reason|logic|puzzle|deduce|prove|explain|step by step|trade-?offs?)\b/i],
  ["factual", /\b(who|when|where|capital|what year|history|define|definition)\b/i],
];

export function detectCategory(prompt: string): Category {
  return CATEGORY_HINTS.find(([, pattern]) => pattern.test(prompt))?.[0] ?? "general";
}

/** The value of the first "a op b" in the prompt, if any. */
export function solveArithmetic(prompt: string): number | undefined {
  const match = /(-?\d+(?:\.\d+)?)\s*([-+*/×÷x])\s*(-?\d+(?:\.\d+)?)/.exec(prompt);
  if (!match) return undefined;
  const [a, b] = [Number(match[1]), Number(match[3])];
  const result = { "+": a + b, "-": a - b, "*": a * b, x: a * b, "×": a * b, "/": a / b, "÷": a / b }[match[2]];
  if (result === undefined || !Number.isFinite(result)) return undefined;
  return Math.round(result * 100) / 100;
}

function wrongAnswer(correct: number, random: Random): number {
  const delta = pick(random, [1, 2, 3, 10, 12, 100]) * (random() < 0.5 ? -1 : 1);
  return Math.round((correct + delta) * 100) / 100;
}

const OPENERS: Record<Category, readonly string[]> = {
  coding: ["Here is a clean way to implement it.", "You can solve this with a small helper function.", "The simplest working version looks like this."],
  math: ["Let's work through it step by step.", "We can compute this directly.", "Breaking the problem into parts makes it easier."],
  reasoning: ["Let's reason about this carefully.", "There are a few factors to weigh here.", "Consider the problem one step at a time."],
  creative: ["Here is a short piece for you.", "A quiet morning opens the story.", "Imagine a city built on the edge of the sea."],
  extraction: ["Here are the requested fields.", "I extracted the relevant details below.", "The key items from the text are listed here."],
  factual: ["Here is what is generally known about this.", "In short, this is well documented.", "The commonly cited facts are as follows."],
  general: ["Sure, here is a helpful answer.", "Good question.", "Happy to help with that."],
};

const FILLER: readonly string[] = [
  "The main idea is to keep each part small and easy to check.",
  "It helps to start from the simplest case and build up from there.",
  "Most of the difficulty comes from handling the edge cases correctly.",
  "A quick test with a few examples confirms the behaviour.",
  "There are other ways to do this, but this one is the most direct.",
  "The result holds as long as the assumptions stay the same.",
  "In practice this is fast enough for typical inputs.",
  "If the requirements change, only one piece needs to be adjusted.",
  "This matches what most references describe.",
  "Let me know if you want a more detailed explanation.",
  "Each step follows from the one before it.",
  "The trade-off is a little extra memory for much simpler logic.",
];

const CODE = "```python\ndef solve(items):\n    result = []\n    for item in items:\n        if item is not None:\n            result.append(item)\n    return result\n```";

function composeText(category: Category, answer: number | undefined, random: Random): string {
  const parts = [pick(random, OPENERS[category])];
  if (answer !== undefined) parts.push(`The answer is ${answer}.`);
  if (category === "coding") parts.push(`\n\n${CODE}\n\n`);
  const extra = randomInt(random, 1, 4);
  for (let i = 0; i < extra; i++) parts.push(pick(random, FILLER));
  return parts.join(" ").replace(/ ?\n\n ?/g, "\n\n").trim();
}

function composeThinking(prompt: string, arithmetic: number | undefined, random: Random): string {
  const topic = prompt.split(/\s+/).slice(0, 8).join(" ");
  const step = arithmetic === undefined ? pick(random, FILLER) : "I need to do the arithmetic carefully.";
  return `Okay, the user asks: "${topic}". ${step} ${pick(random, FILLER)}`;
}

interface SchemaHints {
  prompt: string;
  answer?: number;
}

/** A value that satisfies a (reasonable subset of) JSON Schema, filling in what the prompt suggests. */
export function valueFromSchema(schema: unknown, random: Random, hints: SchemaHints, name: string, depth: number): JsonValue {
  if (schema === null || typeof schema !== "object" || depth > 8) return null;
  const s = schema as Record<string, unknown>;
  if ("const" in s) return s.const as JsonValue;
  if (Array.isArray(s.enum) && s.enum.length > 0) return pick(random, s.enum as JsonValue[]);
  const variants = (s.anyOf ?? s.oneOf) as unknown[] | undefined;
  if (Array.isArray(variants) && variants.length > 0) return valueFromSchema(variants[0], random, hints, name, depth + 1);
  const types = Array.isArray(s.type) ? (s.type as string[]) : [s.type];
  const type = types.find((t) => t !== "null") ?? (s.properties ? "object" : types[0]);
  const key = name.toLowerCase();
  switch (type) {
    case "object": {
      const props = (s.properties ?? {}) as Record<string, unknown>;
      return Object.fromEntries(Object.entries(props).map(([k, v]) => [k, valueFromSchema(v, random, hints, k, depth + 1)]));
    }
    case "array": {
      const count = Math.max(Number(s.minItems ?? 0), randomInt(random, 1, 3));
      return Array.from({ length: Math.min(count, Number(s.maxItems ?? count)) }, () => valueFromSchema(s.items, random, hints, name, depth + 1));
    }
    case "integer":
    case "number": {
      if (hints.answer !== undefined && /answer|result|value|total/.test(key)) return type === "integer" ? Math.round(hints.answer) : hints.answer;
      const min = Number(s.minimum ?? 0);
      const max = Number(s.maximum ?? min + 100);
      return type === "integer" ? randomInt(random, Math.ceil(min), Math.floor(max)) : Math.round((min + random() * (max - min)) * 100) / 100;
    }
    case "boolean":
      return random() < 0.5;
    case "string":
      return stringFor(key, hints, random);
    default:
      return null;
  }
}

function stringFor(key: string, hints: SchemaHints, random: Random): string {
  if (hints.answer !== undefined && /answer|result/.test(key)) return String(hints.answer);
  if (/query|question|text|prompt|input|search/.test(key)) return hints.prompt.slice(0, 80);
  if (/location|city|place|country/.test(key)) {
    const proper = hints.prompt.match(/(?<=\s)[A-Z][a-z]+/g);
    return proper?.[0] ?? "Paris";
  }
  if (/date/.test(key)) return "2025-01-15";
  if (/email/.test(key)) return "user@example.com";
  if (/unit|format/.test(key)) return "celsius";
  return pick(random, ["alpha", "beta", "gamma", "delta", "example"]);
}

/** Bag-of-words embedding: shared words give nearby vectors, so similarity search behaves sensibly. */
export function embedText(text: string, dim: number, seed: number, model: string): number[] {
  const vector = new Float64Array(dim);
  const words = text.toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [""];
  for (const word of words) {
    const random = randomFor(seed, model, word);
    for (let i = 0; i < dim; i++) vector[i] += random() * 2 - 1;
  }
  const norm = Math.hypot(...vector) || 1;
  // float32 precision so the float and base64 encodings carry identical values
  return Array.from(vector, (v) => Math.fround(v / norm));
}
