import { describe, expect, it } from "vitest";
import { ImportError, parseImportFile } from "./import-file";

const problems = (text: string, format: "csv" | "json"): string[] => {
  try {
    parseImportFile(text, format);
  } catch (error) {
    if (error instanceof ImportError) return error.problems;
    throw error;
  }
  throw new Error("the file was accepted");
};

describe("parseImportFile", () => {
  it("reads CSV with percentages, fractions, ratings and a source URL", () => {
    const records = parseImportFile('model,MMLU-Pro,gpqa,elo,source_url\r\n"llama3.1:8b",48.3,0.304,1176,https://example.org/card\r\nmy-model,,55,,\r\n', "csv");
    expect(records).toEqual([
      { name: "llama3.1:8b", metrics: { mmlu_pro: 48.3, gpqa: 30.4, elo: 1176 }, url: "https://example.org/card", hints: { defaultVariant: "instruct" } },
      { name: "my-model", metrics: { gpqa: 55 }, url: undefined, hints: { defaultVariant: "instruct" } },
    ]);
  });

  it("reads JSON as an array or {benchmarks: [...]}", () => {
    expect(parseImportFile('[{"model":"a:1b","humaneval":0.5}]', "json")[0].metrics).toEqual({ humaneval: 50 });
    expect(parseImportFile('{"benchmarks":[{"name":"b","math_500":91}]}', "json")[0]).toMatchObject({ name: "b", metrics: { math: 91 } });
  });

  it.each([
    ["not JSON", "{", "json", /not valid JSON/],
    ["a JSON object without rows", '{"x":1}', "json", /JSON array/],
    ["rows that are not objects", "[1,2]", "json", /JSON object/],
    ["no rows", "model,mmlu\n", "csv", /no rows/],
    ["an unclosed quote", 'model,mmlu\n"a,1\n', "csv", /never closed/],
    ["an unknown column", "model,mmlu,vibes\na,50,9\n", "csv", /unknown column 'vibes'/],
    ["a row without a model", "model,mmlu\n,50\n", "csv", /row 1: 'model' is missing/],
    ["a figure that is not a number", "model,mmlu\na,high\n", "csv", /'mmlu' is not a number/],
    ["a percentage above 100", "model,mmlu\na,150\n", "csv", /fraction \(0..1\) or a percentage/],
    ["a rating out of range", "model,elo\na,99999\n", "csv", /arena rating/],
    ["a row with no figure", "model,mmlu\na,\n", "csv", /no benchmark figure/],
    ["a model listed twice", "model,mmlu\na,50\nA,60\n", "csv", /appears twice/],
    ["a source URL that is not http", "model,mmlu,source_url\na,50,javascript:alert(1)\n", "csv", /http\(s\) URL/],
  ])("refuses %s", (_, text, format, message) => {
    expect(problems(text, format as "csv" | "json").join("; ")).toMatch(message);
  });

  it("refuses more than 1000 rows", () => {
    const rows = Array.from({ length: 1001 }, (_, i) => `m${i},50`).join("\n");
    expect(problems(`model,mmlu\n${rows}\n`, "csv")).toEqual(["the file has 1001 rows; at most 1000 are accepted"]);
  });

  it("lists at most 10 problems", () => {
    const rows = Array.from({ length: 30 }, (_, i) => `m${i},x`).join("\n");
    expect(problems(`model,mmlu\n${rows}\n`, "csv")).toHaveLength(10);
  });
});
