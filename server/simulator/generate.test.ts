import { describe, expect, it } from "vitest";
import { parseConfig } from "./config";
import { detectCategory, embedText, generateReply, type ReplyRequest, solveArithmetic, splitPieces, valueFromSchema } from "./generate";
import { createRandom } from "./random";

const config = parseConfig({
  models: [
    { name: "strong", quality: { math: 0.9 } },
    { name: "weak", quality: { math: 0.3 } },
  ],
});
const [strong, weak] = config.models;
const ctx = { seed: 1, models: new Map(config.models.map((m) => [m.name, m])) };

function ask(content: string, extra: Partial<ReplyRequest> = {}): ReplyRequest {
  return { turns: [{ role: "user", content, imageCount: 0 }], tools: [], toolChoice: "auto", format: { kind: "text" }, think: false, ...extra };
}

describe("generateReply", () => {
  it("streams pieces that join back into the content", () => {
    const reply = generateReply(strong, ask("Write a python function to dedupe a list"), ctx);
    expect(reply.contentPieces.join("")).toBe(reply.content);
    expect(reply.content).toContain("```python");
    expect(reply.completionTokens).toBe(reply.contentPieces.length);
  });

  it("answers arithmetic correctly about as often as the model's math quality", () => {
    const rate = (model: typeof strong): number => {
      let correct = 0;
      for (let i = 0; i < 300; i++) {
        const reply = generateReply(model, ask(`What is ${i + 3} * ${i + 7}?`), ctx);
        if (reply.content.includes(`The answer is ${(i + 3) * (i + 7)}.`)) correct++;
      }
      return correct / 300;
    };
    expect(rate(strong)).toBeGreaterThan(0.82);
    expect(rate(strong)).toBeLessThan(0.97);
    expect(rate(weak)).toBeGreaterThan(0.2);
    expect(rate(weak)).toBeLessThan(0.4);
  });

  it("is a pure function of seed, model and request", () => {
    const request = ask("Explain why the sea is salty");
    expect(generateReply(strong, request, ctx)).toEqual(generateReply(strong, request, ctx));
    expect(generateReply(strong, request, { ...ctx, seed: 2 }).content).not.toBe(generateReply(strong, request, ctx).content);
  });
});

describe("helpers", () => {
  it.each([
    ["What is 17 * 23?", 391],
    ["compute 10 / 4", 2.5],
    ["12 - 30", -18],
    ["no numbers here", undefined],
  ])("solveArithmetic(%j) = %j", (prompt, value) => {
    expect(solveArithmetic(prompt)).toBe(value);
  });

  it.each([
    ["What is 2 + 2?", "math"],
    ["Fix this bug in my TypeScript code", "coding"],
    ["Write a haiku about autumn", "creative"],
    ["Extract the names from the following text", "extraction"],
    ["Who was the first person on the moon?", "factual"],
    ["Why do leaves change colour?", "reasoning"],
    ["hello there", "general"],
  ])("detectCategory(%j) = %s", (prompt, category) => {
    expect(detectCategory(prompt)).toBe(category);
  });

  it("splitPieces keeps whitespace with the following word", () => {
    expect(splitPieces("Hello  big\nworld")).toEqual(["Hello", "  big", "\nworld"]);
  });

  it("builds values that follow a JSON schema", () => {
    const schema = {
      type: "object",
      properties: {
        name: { type: "string" },
        count: { type: "integer", minimum: 5, maximum: 6 },
        mode: { enum: ["a", "b"] },
        tags: { type: "array", items: { type: "string" }, minItems: 2 },
        nested: { type: "object", properties: { ok: { type: "boolean" }, maybe: { type: ["null", "number"] } } },
      },
    };
    const value = valueFromSchema(schema, createRandom(1), { prompt: "" }, "", 0) as Record<string, unknown>;
    expect(value).toEqual({
      name: expect.any(String),
      count: expect.any(Number),
      mode: expect.stringMatching(/^[ab]$/),
      tags: expect.arrayContaining([expect.any(String)]),
      nested: { ok: expect.any(Boolean), maybe: expect.any(Number) },
    });
    expect([5, 6]).toContain(value.count);
    expect((value.tags as string[]).length).toBeGreaterThanOrEqual(2);
  });

  it("embeds related texts closer than unrelated ones", () => {
    const dot = (a: number[], b: number[]): number => a.reduce((sum, v, i) => sum + v * b[i], 0);
    const cat = embedText("the cat sat on the mat", 768, 1, "e");
    const cat2 = embedText("a cat sat on a mat", 768, 1, "e");
    const finance = embedText("quarterly revenue grew strongly", 768, 1, "e");
    expect(Math.hypot(...cat)).toBeCloseTo(1, 5);
    expect(dot(cat, cat2)).toBeGreaterThan(0.3);
    expect(Math.abs(dot(cat, finance))).toBeLessThan(0.15);
  });
});
