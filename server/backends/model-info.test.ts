import { describe, expect, it } from "vitest";
import { parseParameterSize, sizeFromName } from "./model-info";

describe("model sizes", () => {
  it.each([
    ["8.0B", 8],
    ["137M", 0.137],
    ["14.8B", 14.8],
    ["big", undefined],
    [undefined, undefined],
  ])("parseParameterSize(%s) = %s", (size, expected) => {
    expect(parseParameterSize(size)).toBe(expected);
  });

  it.each([
    ["qwen2.5-coder:14b", 14],
    ["llama3.1:8b-instruct-q4_K_M", 8],
    ["mixtral:8x7b", 56],
    ["phi3:3.8b", 3.8],
    ["smollm:135m", 0.135],
    ["llama3:latest", undefined],
    ["deepseek-r1", undefined],
    ["gpt-4o", undefined],
  ])("sizeFromName(%s) = %s", (name, expected) => {
    expect(sizeFromName(name)).toBe(expected);
  });
});
