import { extractJsonObject } from "./json-text";
import { runCodeTests } from "./sandbox";
import type { AnswerCheck } from "./suite";

export type CheckResult = { score: number; detail: string };

/** The deterministic part of grading: 0..1 with a short reason. */
export async function checkAnswer(check: AnswerCheck, answer: string): Promise<CheckResult> {
  switch (check.kind) {
    case "number": {
      const found = finalNumber(answer);
      if (found === undefined) return { score: 0, detail: "no number in the answer" };
      const right = Math.abs(found - check.expected) < 0.005;
      return { score: right ? 1 : 0, detail: right ? `final answer ${found} is correct` : `final answer ${found}, expected ${check.expected}` };
    }
    case "json":
      return checkFields(answer, check.expected);
    case "code": {
      const code = extractCode(answer);
      if (!code) return { score: 0, detail: "no code in the answer" };
      const result = await runCodeTests(code, check.functionName, check.tests);
      const detail = `${result.passed}/${result.total} tests passed${result.error ? ` (${result.error})` : ""}`;
      return { score: result.total ? result.passed / result.total : 0, detail };
    }
  }
}

/** The number after the last "answer is" / "answer:", else the last number in the text. */
export function finalNumber(text: string): number | undefined {
  const number = String.raw`(-?\d[\d,]*(?:\.\d+)?)`;
  const stated = [...text.matchAll(new RegExp(String.raw`answer\s*(?:is|:|=)\s*\**\s*\$?${number}`, "gi"))].at(-1)?.[1];
  const value = stated ?? [...text.matchAll(new RegExp(number, "g"))].at(-1)?.[1];
  if (value === undefined) return undefined;
  const parsed = Number(value.replace(/,/g, ""));
  return Number.isFinite(parsed) ? parsed : undefined;
}

function checkFields(answer: string, expected: Record<string, string | number | boolean>): CheckResult {
  const object = extractJsonObject(answer);
  if (!object) return { score: 0, detail: "no JSON object in the answer" };
  const keys = Object.keys(expected);
  const wrong = keys.filter((key) => !sameValue(object[key], expected[key]));
  return { score: (keys.length - wrong.length) / keys.length, detail: wrong.length ? `wrong or missing: ${wrong.join(", ")}` : "all fields correct" };
}

function sameValue(actual: unknown, want: string | number | boolean): boolean {
  if (typeof want === "number") return Number(actual) === want;
  if (typeof want === "boolean") return actual === want || String(actual).toLowerCase() === String(want);
  return typeof actual === "string" || typeof actual === "number" ? String(actual).trim().toLowerCase() === want.toLowerCase() : false;
}

/** The first JavaScript/TypeScript-looking fenced block (else any fenced block), without `export`. */
export function extractCode(answer: string): string | undefined {
  const blocks = [...answer.matchAll(/```([a-zA-Z]*)\s*\n([\s\S]*?)```/g)];
  const preferred = blocks.find((block) => /^(js|javascript|ts|typescript|jsx|mjs)?$/i.test(block[1])) ?? blocks[0];
  return preferred?.[2].replace(/^\s*export\s+(default\s+)?/gm, "").trim() || undefined;
}
