import { describe, expect, it } from "vitest";
import { checkAnswer, extractCode, finalNumber } from "./graders";
import { runCodeTests } from "./sandbox";
import { PROMPT_SUITE, selectPrompts } from "./suite";
import { TASK_CATEGORIES } from "../routing/categories";

const limits = { timeoutMs: 500, memoryMb: 32 };
const add = [
  { args: [1, 2], expected: 3 },
  { args: [2, 2], expected: 4 },
];

describe("code sandbox", () => {
  it("runs correct code and counts passing tests", async () => {
    expect(await runCodeTests("function add(a, b) { return a + b; }", "add", add, limits)).toEqual({ passed: 2, total: 2 });
  });

  it("counts wrong answers and thrown errors as failures", async () => {
    expect(await runCodeTests("function add(a, b) { if (a === 2) throw new Error('x'); return a + b; }", "add", add, limits)).toEqual({ passed: 1, total: 2 });
  });

  it.each([
    ["an endless loop", "function add() { while (true) {} }", /timed out|no result/i],
    ["code that does not parse", "function add( {", /unexpected|syntax|missing/i],
    ["a missing function", "const plus = (a, b) => a + b;", /no function named add/],
    ["require", "const fs = require('fs'); function add() { return fs.readFileSync('/etc/passwd', 'utf8'); }", /require is not defined/],
    ["process", "const p = process.env; function add() { return 3; }", /process is not defined/],
    ["fetch", "fetch('http://127.0.0.1'); function add() { return 3; }", /fetch is not defined/],
    ["escaping through the Function constructor", "const p = this.constructor.constructor('return process')(); function add() { return 3; }", /code generation|not defined|EvalError/i],
    ["a memory bomb", "const xs = []; while (true) xs.push(new Array(1e6).fill(1)); function add() {}", /memory|timed out|no result/i],
  ])("fails %s", async (_name, code, error) => {
    const result = await runCodeTests(code, "add", add, limits);
    expect(result.passed).toBe(0);
    expect(result.error).toMatch(error);
  });
});

describe("deterministic checks", () => {
  it.each([
    ["The answer is 1591.", 1591],
    ["37 * 43 = 1591, so the answer: 1,591", 1591],
    ["First 12, then 30", 30],
    ["no digits", undefined],
  ])("finds the final number in %s", (text, expected) => expect(finalNumber(text)).toBe(expected));

  it("grades math by its final number", async () => {
    expect(await checkAnswer({ kind: "number", expected: 78 }, "1248 / 16 = 78. The answer is 78.")).toMatchObject({ score: 1 });
    expect(await checkAnswer({ kind: "number", expected: 78 }, "The answer is 80.")).toMatchObject({ score: 0, detail: "final answer 80, expected 78" });
  });

  it("grades extraction field by field", async () => {
    const check = { kind: "json" as const, expected: { name: "Maria Lopez", age: 42, city: "Lyon" } };
    expect(await checkAnswer(check, '```json\n{"name": "maria lopez", "age": "42", "city": "Lyon"}\n```')).toMatchObject({ score: 1 });
    expect(await checkAnswer(check, 'Sure: {"name": "Maria Lopez", "age": 41}')).toMatchObject({ score: 1 / 3, detail: "wrong or missing: age, city" });
    expect(await checkAnswer(check, "I cannot do that")).toMatchObject({ score: 0 });
  });

  it("grades code by running its tests", async () => {
    const check = PROMPT_SUITE.find((p) => p.id === "code-7")!.check!;
    const answer = "Here you go:\n```javascript\nexport function romanToInt(s) {\n  const v = { I: 1, V: 5, X: 10, L: 50, C: 100, D: 500, M: 1000 };\n  let total = 0;\n  for (let i = 0; i < s.length; i++) total += v[s[i]] < (v[s[i + 1]] ?? 0) ? -v[s[i]] : v[s[i]];\n  return total;\n}\n```";
    expect(await checkAnswer(check, answer)).toMatchObject({ score: 1, detail: "3/3 tests passed" });
    // the simulator's canned answer is Python: no JavaScript to run
    expect(await checkAnswer(check, "```python\ndef solve(items):\n    return items\n```")).toMatchObject({ score: 0 });
  });

  it("prefers a JavaScript block over others", () => {
    expect(extractCode("```bash\nnpm i\n```\n```js\nconst a = 1;\n```")).toBe("const a = 1;");
  });
});

describe("prompt suite", () => {
  it("has at least six prompts per category, unique ids, and a grader for each", () => {
    for (const category of TASK_CATEGORIES) expect(PROMPT_SUITE.filter((p) => p.category === category).length).toBeGreaterThanOrEqual(6);
    expect(new Set(PROMPT_SUITE.map((p) => p.id)).size).toBe(PROMPT_SUITE.length);
    expect(PROMPT_SUITE.every((p) => p.check !== undefined || p.judge)).toBe(true);
  });

  it("every math check agrees with its own arithmetic", () => {
    for (const prompt of PROMPT_SUITE.filter((p) => p.check?.kind === "number")) {
      const match = /(\d+(?:\.\d+)?)\s*([-+*/x])\s*(\d+(?:\.\d+)?)/.exec(prompt.prompt)!;
      const [a, b] = [Number(match[1]), Number(match[3])];
      const value = { "+": a + b, "-": a - b, "*": a * b, x: a * b, "/": a / b }[match[2]];
      expect(prompt.check).toEqual({ kind: "number", expected: value });
    }
  });

  it("selects the first N of each category", () => {
    const chosen = selectPrompts(2);
    expect(chosen).toHaveLength(2 * TASK_CATEGORIES.length);
    expect(chosen.filter((p) => p.category === "math").map((p) => p.id)).toEqual(["math-1", "math-2"]);
  });
});
