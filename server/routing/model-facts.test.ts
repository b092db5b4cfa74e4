import { describe, expect, it } from "vitest";
import type { TaskCategory } from "./categories";
import { modelFacts, parseParameterSize, splitModelName } from "./model-facts";
import type { Capability } from "./types";

type Expected = {
  family?: string;
  size?: number;
  active?: number;
  quantization?: string;
  specialties?: TaskCategory[];
  vision?: boolean;
  tools?: boolean | "unknown";
  embeddingOnly?: boolean;
  contextLength?: number;
};

// Real Ollama library tags (and a few Hugging Face ids), read from the name alone.
const TAGS: [string, Expected][] = [
  ["mistral:7b", { family: "mistral", size: 7, specialties: [], tools: true }],
  ["mistral:latest", { family: "mistral", size: 7.2 }],
  ["deepseek-r1:1.5b", { family: "deepseek", size: 1.5, specialties: ["reasoning", "math"] }],
  ["deepseek-r1:14b", { size: 14, specialties: ["reasoning", "math"], tools: "unknown" }],
  ["deepseek-r1:70b-llama-distill-q4_K_M", { size: 70, quantization: "Q4_K_M", specialties: ["reasoning", "math"] }],
  ["qwen2.5-coder:14b-instruct-q4_K_M", { family: "qwen2.5", size: 14, quantization: "Q4_K_M", specialties: ["coding"], tools: true }],
  ["qwen2.5-coder:1.5b", { size: 1.5, specialties: ["coding"] }],
  ["llama3.2:3b", { family: "llama", size: 3, specialties: [], tools: true, vision: false }],
  ["llama3.2:1b-instruct-q8_0", { size: 1, quantization: "Q8_0" }],
  ["llama3.2:latest", { family: "llama", size: undefined }],
  ["llama3:latest", { family: "llama", size: undefined, tools: false }],
  ["llama3:70b", { size: 70, tools: false }],
  ["llama3.1:8b", { size: 8, tools: true }],
  ["llama3.1:70b-instruct-q4_0", { size: 70, quantization: "Q4_0" }],
  ["llama3.1:405b", { size: 405 }],
  ["llama3.3:70b", { size: 70, tools: true }],
  ["llama3.2-vision:11b", { family: "llama", size: 11, vision: true, tools: false }],
  ["llama2:13b", { size: 13, tools: false }],
  ["phi3:mini", { family: "phi", size: 3.8, tools: false }],
  ["phi3:medium", { size: 14 }],
  ["phi3:14b-medium-128k-instruct-q4_0", { size: 14, quantization: "Q4_0", contextLength: 131072 }],
  ["phi3.5:latest", { size: 3.8 }],
  ["phi4:14b", { family: "phi", size: 14 }],
  ["phi4-reasoning:latest", { size: 14.7, specialties: ["reasoning", "math"] }],
  ["dolphin-phi:2.7b", { family: "phi", size: 2.7 }],
  ["dolphin-mixtral:8x7b", { family: "mixtral", size: 46.5, active: 13 }],
  ["gemma2:27b", { family: "gemma", size: 27, vision: false, tools: false }],
  ["gemma2:2b", { size: 2 }],
  ["gemma3:27b-it-qat", { family: "gemma", size: 27, quantization: "QAT", vision: true }],
  ["gemma3:1b", { size: 1, vision: false }],
  ["mixtral:8x7b", { family: "mixtral", size: 46.5, active: 13, tools: true }],
  ["mixtral:8x22b-instruct-v0.1-q4_0", { size: 146.1, active: 40.7, quantization: "Q4_0" }],
  ["qwen3:30b-a3b", { family: "qwen3", size: 30, active: 3 }],
  ["qwen3:8b", { family: "qwen3", size: 8, specialties: [] }],
  ["qwen2.5:0.5b", { family: "qwen2.5", size: 0.5 }],
  ["qwen2.5:72b-instruct-fp16", { size: 72, quantization: "F16" }],
  ["qwen2:7b", { family: "qwen2", size: 7 }],
  ["qwen2-math:7b", { family: "qwen2", specialties: ["math"] }],
  ["qwen2.5vl:7b", { family: "qwen2.5", size: 7, vision: true, tools: false }],
  ["qwq:32b", { family: "qwen2", size: 32, specialties: ["reasoning", "math"] }],
  ["qwq:latest", { size: 32.8 }],
  ["smollm2:135m", { family: "smollm", size: 0.135 }],
  ["smollm2:1.7b", { size: 1.7 }],
  ["mistral-nemo:12b", { family: "mistral", size: 12 }],
  ["mistral-nemo:latest", { size: 12.2 }],
  ["mistral-small3.1:24b", { size: 24, vision: true, tools: true }],
  ["mathstral:7b", { family: "mistral", specialties: ["math"] }],
  ["codestral:22b", { family: "mistral", size: 22, specialties: ["coding"] }],
  ["codellama:34b", { family: "llama", size: 34, specialties: ["coding"], tools: false }],
  ["starcoder2:15b", { family: "starcoder", size: 15, specialties: ["coding"] }],
  ["deepseek-coder-v2:16b", { family: "deepseek", size: 16, specialties: ["coding"] }],
  ["deepseek-coder:6.7b-instruct-q5_K_S", { size: 6.7, quantization: "Q5_K_S", specialties: ["coding"] }],
  ["granite-code:8b", { family: "granite", specialties: ["coding"] }],
  ["marco-o1:latest", { size: 7.6, specialties: ["reasoning", "math"] }],
  ["deepscaler:latest", { family: "deepseek", size: 1.8, specialties: ["reasoning", "math"] }],
  ["command-r:35b", { family: "command-r", size: 35, tools: true }],
  ["llava:13b", { family: "llava", size: 13, vision: true }],
  ["llava:latest", { family: "llava", size: undefined, vision: true }],
  ["bakllava:7b", { family: "llava", vision: true }],
  ["moondream:1.8b", { family: "moondream", size: 1.8, vision: true }],
  ["minicpm-v:8b", { family: "minicpm", size: 8, vision: true }],
  ["nomic-embed-text:latest", { family: "nomic-bert", size: 0.137, embeddingOnly: true, vision: false }],
  ["mxbai-embed-large:335m", { family: "bert", size: 0.335, embeddingOnly: true }],
  ["snowflake-arctic-embed:22m", { size: 0.022, embeddingOnly: true }],
  ["all-minilm:latest", { family: "bert", embeddingOnly: true }],
  ["bge-m3:latest", { family: "bert", embeddingOnly: true }],
  ["hf.co/bartowski/Qwen2.5-Coder-7B-Instruct-GGUF:Q4_K_M", { family: "qwen2.5", size: 7, quantization: "Q4_K_M", specialties: ["coding"] }],
  ["meta-llama/Llama-3.1-8B-Instruct", { family: "llama", size: 8, tools: true }],
  ["gpt-oss:20b", { family: "gpt-oss", size: 20 }],
  ["wizardlm2:8x22b", { size: 146.1, active: 40.7 }],
  ["openchat:7b", { family: undefined, size: 7, tools: "unknown", specialties: [] }],
  ["gpt-4o", { size: undefined, vision: true, tools: true }],
  ["gpt-4o-mini", { size: undefined, vision: true, tools: true }],
];

function hasCapability(capabilities: Capability[] | undefined, capability: Capability): boolean | "unknown" {
  return capabilities === undefined ? "unknown" : capabilities.includes(capability);
}

describe("modelFacts from the name", () => {
  it("covers at least 40 real tags", () => expect(TAGS.length).toBeGreaterThanOrEqual(40));

  it.each(TAGS)("%s", (name, expected) => {
    const facts = modelFacts(name);
    if ("family" in expected) expect(facts.family).toBe(expected.family);
    if ("size" in expected) expect(facts.parameterCountB).toBe(expected.size);
    if ("active" in expected) expect(facts.activeParameterCountB).toBe(expected.active);
    else expect(facts.activeParameterCountB).toBe(facts.parameterCountB);
    if ("quantization" in expected) expect(facts.quantization).toBe(expected.quantization);
    if (expected.specialties) expect([...facts.specialties].sort()).toEqual([...expected.specialties].sort());
    if ("vision" in expected) expect(facts.capabilities?.includes("vision") ?? false).toBe(expected.vision);
    if ("tools" in expected) {
      const tools = hasCapability(facts.capabilities, "tools");
      expect(tools).toBe(expected.tools === "unknown" ? "unknown" : expected.tools);
    }
    expect(facts.embeddingOnly).toBe(expected.embeddingOnly ?? false);
    if ("contextLength" in expected) expect(facts.contextLength).toBe(expected.contextLength);
  });

  it("reads no size from letters (the original read any 'l' as 70B and 'r1' anywhere as 14B)", () => {
    for (const name of ["llama3:latest", "llava:latest", "mistral-large-but-unnamed:latest", "dolphin3:latest", "starling-lm:latest"]) {
      const facts = modelFacts(name);
      expect(facts.parameterCountB === undefined || facts.parameterCountB !== 70, name).toBe(true);
    }
    expect(modelFacts("dolphin3:latest").parameterCountB).toBeUndefined();
    expect(modelFacts("gemma2:27b").parameterCountB).toBe(27);
    expect(modelFacts("deepseek-r1:1.5b").parameterCountB).toBe(1.5);
    expect(modelFacts("starling-lm:7b").specialties).toEqual([]);
  });
});

describe("modelFacts with a backend report", () => {
  it("prefers what the backend reports over the name", () => {
    const facts = modelFacts("qwen2.5-coder:14b", {
      family: "qwen2",
      parameterSize: "14.8B",
      quantization: "Q4_K_M",
      contextLength: 32768,
      capabilities: ["completion", "tools"],
    });
    expect(facts).toEqual({
      family: "qwen2",
      parameterCountB: 14.8,
      activeParameterCountB: 14.8,
      quantization: "Q4_K_M",
      contextLength: 32768,
      capabilities: ["completion", "tools"],
      specialties: ["coding"],
      embeddingOnly: false,
    });
  });

  it("keeps a mixture's active share from the name when the backend reports the total", () => {
    const facts = modelFacts("mixtral:8x7b", { parameterSize: "46.7B" });
    expect(facts.parameterCountB).toBe(46.7);
    expect(facts.activeParameterCountB).toBe(13);
  });

  it("fills gaps from the name when the report is partial", () => {
    const facts = modelFacts("llama3.1:8b-instruct-q8_0", { family: "llama", capabilities: [] });
    expect(facts.parameterCountB).toBe(8);
    expect(facts.quantization).toBe("Q8_0");
    expect(facts.capabilities).toEqual(["completion", "tools"]);
  });

  it("trusts reported capabilities over the name", () => {
    expect(modelFacts("my-embedder:latest", { capabilities: ["completion"] }).embeddingOnly).toBe(false);
    expect(modelFacts("custom:latest", { capabilities: ["embedding"] }).embeddingOnly).toBe(true);
    expect(modelFacts("llava:7b", { capabilities: ["completion"] }).capabilities).toEqual(["completion"]);
  });

  it.each([
    ["3.2B", 3.2],
    ["137M", 0.137],
    ["46.7B", 46.7],
    ["8x7B", 46.5],
    [" 70 B ", 70],
    ["", undefined],
    ["unknown", undefined],
  ])("parses parameter size %j", (text, total) => {
    expect(parseParameterSize(text)?.total).toBe(total);
  });
});

describe("splitModelName", () => {
  it.each([
    ["mistral:7b", "mistral", "7b"],
    ["hf.co/org/Repo-7B:Q4_K_M", "repo-7b", "q4_k_m"],
    ["gpt-4o", "gpt-4o", ""],
  ])("%s", (name, base, tag) => expect(splitModelName(name)).toEqual({ base, tag }));
});
