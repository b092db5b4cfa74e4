import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { containsExpected, readGradingRequest } from "./judge";
import type { Simulator } from "./server";
import { chatBody, postJson, startTestSimulator } from "./test-support";

type Completion = { choices: Array<{ message: { content: string } }> };

let sim: Simulator;

beforeAll(async () => {
  sim = await startTestSimulator();
});
afterAll(() => sim.close());

async function askJudge(prompt: string): Promise<{ score: number; reasoning: string }> {
  const { body } = await postJson<Completion>(sim.url, "/v1/chat/completions", {
    model: "sim-judge",
    messages: [
      { role: "system", content: "You are a strict grader. Reply with JSON." },
      { role: "user", content: prompt },
    ],
  });
  return JSON.parse(body.choices[0].message.content) as { score: number; reasoning: string };
}

async function answer(model: string, question: string): Promise<string> {
  const { body } = await postJson<Completion>(sim.url, "/v1/chat/completions", chatBody(model, question));
  return body.choices[0].message.content;
}

const mean = (values: number[]): number => values.reduce((a, b) => a + b, 0) / values.length;

describe("readGradingRequest", () => {
  it.each([
    ["Model: big:14b\nCategory: coding\nAnswer: def f(): pass", { model: "big:14b", category: "coding", answer: "def f(): pass" }],
    ["Question: 2+2?\nExpected answer: 4\nResponse: It is 4.\nThat is all.", { expected: "4", answer: "It is 4.\nThat is all." }],
    ["Model: x\nCategory: cooking", { model: "x", category: undefined }],
  ])("parses %j", (prompt, expected) => {
    expect(readGradingRequest(prompt)).toMatchObject(expected);
  });

  it("ignores a prompt without Model or Expected lines", () => {
    expect(readGradingRequest("Answer: 4\nWhy is the sky blue?")).toBeUndefined();
  });
});

describe("containsExpected", () => {
  it.each([
    ["The answer is 391.", "391", true],
    ["The answer is 3910.", "391", false],
    ["The answer is 39.1", "391", false],
    ["It equals -12.5 exactly", "-12.5", true],
    ["The capital is Paris.", "paris", true],
    ["The capital is Lyon.", "Paris.", false],
  ])("%j contains %j: %s", (answerText, expected, result) => {
    expect(containsExpected(answerText, expected)).toBe(result);
  });
});

describe("judge model", () => {
  it("scores by the graded model's configured quality for the category, with small noise", async () => {
    const scores = { high: [] as number[], low: [] as number[] };
    for (let i = 0; i < 15; i++) {
      scores.high.push((await askJudge(`Model: big:14b\nCategory: coding\nQuestion: task ${i}\nAnswer: solution ${i}`)).score);
      scores.low.push((await askJudge(`Model: small:1b\nCategory: coding\nQuestion: task ${i}\nAnswer: solution ${i}`)).score);
    }
    for (const score of scores.high) expect(Math.abs(score - 0.95)).toBeLessThanOrEqual(0.05);
    for (const score of scores.low) expect(Math.abs(score - 0.2)).toBeLessThanOrEqual(0.05);
    expect(new Set(scores.high).size).toBeGreaterThan(1); // noise is real
    expect(mean(scores.high) - mean(scores.low)).toBeGreaterThan(0.6);
  });

  it("uses a category's own quality when the map has one", async () => {
    const math = await askJudge("Model: thinker:14b\nCategory: math\nAnswer: 4");
    const creative = await askJudge("Model: thinker:14b\nCategory: creative\nAnswer: a poem");
    expect(math.score).toBeGreaterThan(0.84);
    expect(creative.score).toBeLessThan(0.66); // falls back to general (0.6)
  });

  it("falls back to the expected answer, so measured quality shows end to end", async () => {
    const accuracy = { high: [] as number[], low: [] as number[] };
    for (let i = 0; i < 20; i++) {
      const [a, b] = [11 + i, 7 + 3 * i];
      const question = `What is ${a} * ${b}?`;
      for (const [model, bucket] of [["big:14b", accuracy.high], ["small:1b", accuracy.low]] as const) {
        const reply = await answer(model, question);
        bucket.push((await askJudge(`Question: ${question}\nExpected: ${a * b}\nAnswer: ${reply}`)).score);
      }
    }
    expect(mean(accuracy.high)).toBeGreaterThan(0.75);
    expect(mean(accuracy.low)).toBeLessThan(0.45);
  });

  it("is deterministic and answers ordinary prompts normally", async () => {
    const prompt = "Model: big:14b\nCategory: math\nAnswer: 42";
    expect(await askJudge(prompt)).toEqual(await askJudge(prompt));
    const plain = await answer("sim-judge", "Tell me about rivers");
    expect(() => JSON.parse(plain) as unknown).toThrow();
  });

  it("grades over the Ollama API too", async () => {
    const { body } = await postJson<{ message: { content: string } }>(sim.url, "/api/chat", chatBody("sim-judge", "Model: small:1b\nCategory: general\nAnswer: hi", { stream: false }));
    expect(JSON.parse(body.message.content)).toEqual({ score: expect.any(Number), reasoning: expect.stringContaining("small:1b") });
  });
});
