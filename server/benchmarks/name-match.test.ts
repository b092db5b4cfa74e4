import { describe, expect, it } from "vitest";
import { bestMatch, matchModelName, MATCH_THRESHOLD, parseModelName, prepareCandidates, type BenchmarkNameHints } from "./name-match";

// [backend tag, benchmark name, hints, should match]
const PAIRS: [string, string, BenchmarkNameHints, boolean][] = [
  // the same model, written differently
  ["llama3.1:8b-instruct-q4_K_M", "meta-llama/Llama-3.1-8B-Instruct", {}, true],
  ["llama3.1:8b", "meta-llama/Meta-Llama-3.1-8B-Instruct", {}, true],
  ["llama3.1:70b", "meta-llama/Llama-3.1-70B-Instruct", {}, true],
  ["llama3:8b", "meta-llama/Meta-Llama-3-8B-Instruct", {}, true],
  ["llama3.2:3b", "meta-llama/Llama-3.2-3B-Instruct", {}, true],
  ["llama3.2:1b", "llama-3.2-1b-instruct", {}, true],
  ["qwen2.5-coder:14b", "Qwen/Qwen2.5-Coder-14B-Instruct", {}, true],
  ["qwen2.5:7b", "Qwen/Qwen2.5-7B-Instruct", {}, true],
  ["qwen2.5:0.5b", "Qwen2.5 Instruct 0.5B", {}, true],
  ["qwen2.5:72b", "qwen2.5-72b-instruct", {}, true],
  ["qwen2.5vl:7b", "Qwen/Qwen2.5-VL-7B-Instruct", {}, true],
  ["gemma2:9b", "google/gemma-2-9b-it", {}, true],
  ["gemma3:27b", "Gemma 3 27B", {}, true],
  ["phi3:mini", "microsoft/Phi-3-mini-4k-instruct", {}, true],
  ["phi4:14b", "microsoft/phi-4", { parametersB: 14.66, variant: "instruct" }, true],
  ["phi4:latest", "Phi-4", {}, true],
  ["mistral:7b", "mistralai/Mistral-7B-Instruct-v0.3", {}, true],
  ["mistral-nemo:12b", "mistralai/Mistral-Nemo-Instruct-2407", { parametersB: 12.25 }, true],
  ["mixtral:8x7b", "mistralai/Mixtral-8x7B-Instruct-v0.1", { parametersB: 46.7 }, true],
  ["codellama:7b", "codellama/CodeLlama-7b-Instruct-hf", {}, true],
  ["qwq:32b", "Qwen/QwQ-32B", { defaultVariant: "instruct" }, true],
  ["deepseek-coder-v2:16b", "DeepSeek-Coder-V2-Instruct 16B", {}, true],
  ["llama3.2-vision:11b", "meta-llama/Llama-3.2-11B-Vision-Instruct", {}, true],
  ["hf.co/bartowski/Llama-3.2-3B-Instruct-GGUF:Q4_K_M", "meta-llama/Llama-3.2-3B-Instruct", {}, true],
  ["Qwen2.5-7B-Instruct-Q4_K_M.gguf", "Qwen/Qwen2.5-7B-Instruct", {}, true],
  ["smollm2:1.7b", "HuggingFaceTB/SmolLM2-1.7B-Instruct", {}, true],
  ["llama3.1:8b-text-q4_0", "meta-llama/Llama-3.1-8B", { defaultVariant: "base" }, true],
  ["mistral-small3.1:24b", "mistralai/Mistral-Small-3.1-24B-Instruct-2503", {}, true],
  ["llama3.3:70b", "Llama 3.3 Instruct 70B", {}, true],
  // must NOT match
  ["llama3.1:8b", "meta-llama/Llama-3.1-70B-Instruct", {}, false],
  ["llama3:70b", "meta-llama/Meta-Llama-3-8B-Instruct", {}, false],
  ["llama3.1:8b", "meta-llama/Llama-3.1-8B", { defaultVariant: "base" }, false],
  ["llama3.1:8b", "meta-llama/Llama-3.1-8B-Instruct", { variant: "base" }, false],
  ["llama3.1:8b-text-q4_0", "meta-llama/Llama-3.1-8B-Instruct", {}, false],
  ["qwen2.5-coder:14b", "Qwen/Qwen2.5-14B-Instruct", {}, false],
  ["qwen2.5:14b", "Qwen/Qwen2.5-Coder-14B-Instruct", {}, false],
  ["qwen2.5:7b", "Qwen/Qwen2-7B-Instruct", {}, false],
  ["qwen2.5:7b", "Qwen/Qwen2.5-Math-7B-Instruct", {}, false],
  ["llama3.1:8b", "meta-llama/Llama-3.2-3B-Instruct", {}, false],
  ["llama3.1:70b", "nvidia/Llama-3.1-Nemotron-70B-Instruct-HF", {}, false],
  ["llama3.1:8b", "NousResearch/Hermes-3-Llama-3.1-8B", {}, false],
  ["deepseek-r1:14b", "deepseek-ai/DeepSeek-R1-Distill-Qwen-14B", {}, false],
  ["phi3:mini", "microsoft/Phi-3.5-mini-instruct", {}, false],
  ["phi3:medium", "microsoft/Phi-3-mini-4k-instruct", {}, false],
  ["gemma2:9b", "google/gemma-2-27b-it", {}, false],
  ["gemma2:9b", "google/gemma-2-9b", { defaultVariant: "base" }, false],
  ["mistral:7b", "mistralai/Mixtral-8x7B-Instruct-v0.1", {}, false],
  ["llama3.2-vision:11b", "meta-llama/Llama-3.2-3B-Instruct", {}, false],
  ["llama3.2:3b", "meta-llama/Llama-3.2-11B-Vision-Instruct", {}, false],
  ["nomic-embed-text", "meta-llama/Llama-3.1-8B-Instruct", {}, false],
  ["mistral-small3.1:24b", "mistralai/Mistral-Small-3.2-24B-Instruct-2506", {}, false],
  ["granite3.1-dense:8b", "ibm-granite/granite-3.1-8b-instruct", {}, false],
];

describe("matchModelName", () => {
  it("has a table of at least 30 pairs, including ones that must not match", () => {
    expect(PAIRS.length).toBeGreaterThanOrEqual(30);
    expect(PAIRS.filter(([, , , ok]) => !ok).length).toBeGreaterThanOrEqual(15);
  });

  it.each(PAIRS)("%s ↔ %s (%o) → %s", (local, remote, hints, ok) => {
    const { confidence, reason } = matchModelName(local, remote, hints);
    if (ok) expect(confidence, reason).toBeGreaterThanOrEqual(MATCH_THRESHOLD);
    else expect(confidence, reason).toBeLessThan(MATCH_THRESHOLD);
  });

  it("is less sure when one side leaves out the size or version", () => {
    expect(matchModelName("llama3.1:8b", "meta-llama/Llama-3.1-8B-Instruct").confidence).toBe(1);
    expect(matchModelName("mistral:7b", "mistralai/Mistral-7B-Instruct-v0.3").confidence).toBeLessThan(1);
    expect(matchModelName("mistral-nemo:12b", "Mistral-Nemo-Instruct-2407").confidence).toBeLessThan(1);
  });

  it("says why a pair does not match", () => {
    expect(matchModelName("llama3.1:8b", "meta-llama/Llama-3.1-70B-Instruct").reason).toMatch(/size 8B ≠ 70B/);
    expect(matchModelName("qwen2.5-coder:14b", "Qwen/Qwen2.5-14B-Instruct").reason).toMatch(/specialty/);
  });
});

describe("parseModelName", () => {
  it("reads family, version, size, variant and specialty", () => {
    expect(parseModelName("qwen2.5-coder:14b-instruct-q4_K_M")).toMatchObject({ family: "qwen", version: "2.5", sizeB: 14, variant: "instruct", specialties: ["coder"], extras: [] });
    expect(parseModelName("meta-llama/Meta-Llama-3.1-70B")).toMatchObject({ org: "meta-llama", family: "llama", version: "3.1", sizeB: 70 });
    expect(parseModelName("meta-llama/Meta-Llama-3.1-70B").variant).toBeUndefined();
    expect(parseModelName("mixtral:8x7b").sizeB).toBe(46.5);
  });
});

describe("bestMatch", () => {
  const candidates = prepareCandidates(
    ["mistralai/Mistral-7B-Instruct-v0.1", "mistralai/Mistral-7B-Instruct-v0.3", "someone/Mistral-7B-Instruct-v0.3", "meta-llama/Llama-3.1-8B-Instruct", "meta-llama/Llama-3.1-8B"].map((name) => ({
      name,
      item: name,
      hints: { official: !name.startsWith("someone/"), defaultVariant: "base" as const },
    })),
  );

  it("prefers the official upload, then the newest version", () => {
    expect(bestMatch("mistral:7b", candidates)?.name).toBe("mistralai/Mistral-7B-Instruct-v0.3");
    expect(bestMatch("llama3.1:8b", candidates)?.name).toBe("meta-llama/Llama-3.1-8B-Instruct");
    expect(bestMatch("llama3.1:8b-text", candidates)?.name).toBe("meta-llama/Llama-3.1-8B");
  });

  it("finds nothing for a model it does not know", () => {
    expect(bestMatch("llama3.1:70b", candidates)).toBeUndefined();
  });

  it("uses only the alias names when an operator set them", () => {
    expect(bestMatch("mistral:7b", candidates, ["mistralai/mistral-7b-instruct-v0.1"])).toMatchObject({ name: "mistralai/Mistral-7B-Instruct-v0.1", confidence: 1, reason: "alias" });
    expect(bestMatch("my-finetune:latest", candidates, ["Llama-3.1-8B-Instruct"])?.name).toBe("meta-llama/Llama-3.1-8B-Instruct");
    expect(bestMatch("mistral:7b", candidates, ["nothing-like-it"])).toBeUndefined();
  });
});
