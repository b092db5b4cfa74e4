import { describe, expect, it } from "vitest";
import { TASK_CATEGORIES, type TaskCategory } from "./categories";
import { modelFacts } from "./model-facts";
import { DEFAULT_ROUTING_SETTINGS, selectModels } from "./select";
import type { Candidate, Capability, ComplexityTier, PromptAnalysis, RequiredCapabilities, RoutingSettings } from "./types";

function analysis(category: TaskCategory, tier: ComplexityTier, needs: Partial<RequiredCapabilities> = {}): PromptAnalysis {
  const categoryScores = Object.fromEntries(TASK_CATEGORIES.map((c) => [c, c === category ? 1 : 0])) as Record<TaskCategory, number>;
  return {
    category,
    categoryConfidence: 1,
    categoryScores,
    complexity: { simple: 0.1, medium: 0.5, hard: 0.85 }[tier],
    tier,
    capabilities: { vision: false, tools: false, json: false, contextTokens: 800, ...needs },
  };
}

// The default simulated fleet (server/simulator/fleet.default.yaml): what Ollama reports, and
// what profiling would measure (its quality table standing in for judge-graded profiles).
type FleetModel = {
  name: string;
  parameterSize: string;
  contextLength: number;
  capabilities: Capability[];
  quality: Partial<Record<TaskCategory, number>>;
  ttftMs: number;
  tokensPerSecond: number;
  vramGb: number;
};
const FLEET: FleetModel[] = [
  {
    name: "llama3.2:3b",
    parameterSize: "3.2B",
    contextLength: 131072,
    capabilities: ["completion", "tools"],
    quality: { coding: 0.42, math: 0.38, reasoning: 0.4, creative: 0.55, extraction: 0.55, factual: 0.48, general: 0.58 },
    ttftMs: 40,
    tokensPerSecond: 90,
    vramGb: 2,
  },
  {
    name: "llama3.1:8b",
    parameterSize: "8.0B",
    contextLength: 131072,
    capabilities: ["completion", "tools"],
    quality: { coding: 0.58, math: 0.55, reasoning: 0.58, creative: 0.68, extraction: 0.7, factual: 0.65, general: 0.7 },
    ttftMs: 80,
    tokensPerSecond: 55,
    vramGb: 4.9,
  },
  {
    name: "qwen2.5-coder:14b",
    parameterSize: "14.8B",
    contextLength: 32768,
    capabilities: ["completion", "tools"],
    quality: { coding: 0.88, math: 0.72, reasoning: 0.66, creative: 0.45, extraction: 0.78, factual: 0.6, general: 0.62 },
    ttftMs: 150,
    tokensPerSecond: 30,
    vramGb: 9,
  },
  {
    name: "deepseek-r1:14b",
    parameterSize: "14.8B",
    contextLength: 131072,
    capabilities: ["completion", "thinking"],
    quality: { coding: 0.72, math: 0.9, reasoning: 0.9, creative: 0.52, extraction: 0.62, factual: 0.62, general: 0.64 },
    ttftMs: 250,
    tokensPerSecond: 28,
    vramGb: 9,
  },
  {
    name: "qwen2.5vl:7b",
    parameterSize: "8.3B",
    contextLength: 128000,
    capabilities: ["completion", "vision"],
    quality: { coding: 0.5, math: 0.5, reasoning: 0.55, creative: 0.6, extraction: 0.75, factual: 0.62, general: 0.66 },
    ttftMs: 120,
    tokensPerSecond: 45,
    vramGb: 6,
  },
  {
    name: "mistral-nemo:12b",
    parameterSize: "12.2B",
    contextLength: 131072,
    capabilities: ["completion", "tools"],
    quality: { coding: 0.62, math: 0.58, reasoning: 0.64, creative: 0.78, extraction: 0.74, factual: 0.7, general: 0.74 },
    ttftMs: 110,
    tokensPerSecond: 35,
    vramGb: 7.1,
  },
  {
    name: "nomic-embed-text:latest",
    parameterSize: "137M",
    contextLength: 2048,
    capabilities: ["embedding"],
    quality: {},
    ttftMs: 15,
    tokensPerSecond: 2000,
    vramGb: 0.3,
  },
];

/** "facts": only what the backend reports (a fresh install); "measured": after profiling. */
function fleet(mode: "facts" | "measured"): Candidate[] {
  return FLEET.map((m) => ({
    name: m.name,
    backend: "sim",
    facts: modelFacts(m.name, { parameterSize: m.parameterSize, contextLength: m.contextLength, capabilities: m.capabilities }),
    evidence:
      mode === "facts" ? {} : { profile: m.quality, tokensPerSecond: m.tokensPerSecond, timeToFirstTokenMs: m.ttftMs, vramGb: m.vramGb },
    reachable: true,
    loaded: false,
  }));
}

const withPreference = (qualityPreference: number): RoutingSettings => ({ ...DEFAULT_ROUTING_SETTINGS, qualityPreference });
const MODES = ["facts", "measured"] as const;
const sizeOf = (name: string) => modelFacts(name, { parameterSize: FLEET.find((m) => m.name === name)?.parameterSize }).parameterCountB ?? 0;

describe("selectModels on the default fleet", () => {
  it.each(MODES)("moves a simple prompt from a small fast model at q=0 to a 12–14B model at q=1 (%s)", (mode) => {
    const request = analysis("general", "simple");
    const fastest = selectModels(request, fleet(mode), withPreference(0)).ranked[0].model;
    const best = selectModels(request, fleet(mode), withPreference(1)).ranked[0].model;
    expect(fastest).toBe("llama3.2:3b");
    expect(sizeOf(best)).toBeGreaterThanOrEqual(12);
    expect(sizeOf(best)).toBeLessThanOrEqual(15);
    // And the chosen size never shrinks as the preference rises.
    const sizes = [0, 0.25, 0.5, 0.75, 1].map((q) => sizeOf(selectModels(request, fleet(mode), withPreference(q)).ranked[0].model));
    expect(sizes).toEqual([...sizes].sort((a, b) => a - b));
  });

  const routes: [TaskCategory, ComplexityTier, string][] = [
    ["coding", "hard", "qwen2.5-coder:14b"],
    ["coding", "medium", "qwen2.5-coder:14b"],
    ["math", "hard", "deepseek-r1:14b"],
    ["math", "medium", "deepseek-r1:14b"],
    ["reasoning", "hard", "deepseek-r1:14b"],
    ["general", "simple", "llama3.2:3b"],
    ["creative", "hard", "mistral-nemo:12b"],
  ];
  it.each(MODES.flatMap((mode) => routes.map(([category, tier, model]) => [mode, category, tier, model] as const)))(
    "%s: %s/%s → %s at the default preference",
    (mode, category, tier, model) => {
      expect(selectModels(analysis(category, tier), fleet(mode), DEFAULT_ROUTING_SETTINGS).ranked[0].model).toBe(model);
    },
  );

  it.each(MODES)("an image goes only to the vision model (%s)", (mode) => {
    const decision = selectModels(analysis("general", "simple", { vision: true }), fleet(mode), DEFAULT_ROUTING_SETTINGS);
    expect(decision.ranked.map((c) => c.model)).toEqual(["qwen2.5vl:7b"]);
    expect(decision.candidates.filter((c) => c.rejectedReason === "no vision").map((c) => c.model).sort()).toEqual(
      ["deepseek-r1:14b", "llama3.1:8b", "llama3.2:3b", "mistral-nemo:12b", "qwen2.5-coder:14b"].sort(),
    );
  });

  it.each(MODES)("tools go only to tool-capable models (%s)", (mode) => {
    const decision = selectModels(analysis("coding", "medium", { tools: true }), fleet(mode), DEFAULT_ROUTING_SETTINGS);
    expect(decision.ranked.map((c) => c.model).sort()).toEqual(["llama3.1:8b", "llama3.2:3b", "mistral-nemo:12b", "qwen2.5-coder:14b"]);
    expect(decision.ranked[0].model).toBe("qwen2.5-coder:14b");
  });

  it("a long conversation skips models whose context window is too small", () => {
    const decision = selectModels(analysis("coding", "hard", { contextTokens: 60000 }), fleet("measured"), DEFAULT_ROUTING_SETTINGS);
    expect(decision.ranked.map((c) => c.model)).not.toContain("qwen2.5-coder:14b");
    expect(decision.reasoning).toContain("context window 32768 < 60000 tokens needed (qwen2.5-coder:14b)");
  });
});

describe("the decision", () => {
  it("lists every candidate, accepted best first then rejected, and ranks only the accepted", () => {
    const decision = selectModels(analysis("coding", "hard"), fleet("measured"), DEFAULT_ROUTING_SETTINGS);
    expect(decision.candidates).toHaveLength(FLEET.length);
    expect(decision.ranked).toHaveLength(FLEET.length - 1);
    expect(decision.candidates.slice(0, decision.ranked.length)).toEqual(decision.ranked);
    expect(decision.candidates.at(-1)).toMatchObject({ model: "nomic-embed-text:latest", score: 0, rejectedReason: "embedding-only model" });
    const scores = decision.ranked.map((c) => c.score);
    expect(scores).toEqual([...scores].sort((a, b) => b - a));
    expect(decision.analysis.category).toBe("coding");
  });

  it("explains the choice in one readable sentence", () => {
    const measured = selectModels(analysis("coding", "hard"), fleet("measured"), DEFAULT_ROUTING_SETTINGS);
    expect(measured.reasoning).toMatch(
      /^coding\/hard: qwen2\.5-coder:14b — best coding quality \(profile 0\.88\) at acceptable speed, score 0\.\d\d; 1 model rejected: embedding-only model \(nomic-embed-text:latest\)$/,
    );
    const guessed = selectModels(analysis("general", "simple"), fleet("facts"), withPreference(0));
    expect(guessed.reasoning).toMatch(/^general\/simple: llama3\.2:3b — fastest adequate model \(general: size prior 0\.\d\d, 3\.2B\)/);
  });

  it("names pins in the explanation", () => {
    const s = { ...DEFAULT_ROUTING_SETTINGS, overrides: { "mistral-nemo:12b": { pinned: true } } };
    const decision = selectModels(analysis("general", "medium"), fleet("measured"), s);
    expect(decision.ranked[0].model).toBe("mistral-nemo:12b");
    expect(decision.reasoning).toContain("pinned");
  });

  it("with no candidates: nothing ranked, and says why", () => {
    const decision = selectModels(analysis("general", "simple"), [], DEFAULT_ROUTING_SETTINGS);
    expect(decision).toMatchObject({ candidates: [], ranked: [] });
    expect(decision.reasoning).toBe("general/simple: no model can serve this request (no models available)");
  });

  it("when every model is rejected: nothing ranked, and every reason listed", () => {
    const text = fleet("facts").filter((c) => c.name.startsWith("llama"));
    const unreachable = { ...fleet("facts")[3], reachable: false };
    const decision = selectModels(analysis("general", "simple", { vision: true }), [...text, unreachable], DEFAULT_ROUTING_SETTINGS);
    expect(decision.ranked).toEqual([]);
    expect(decision.reasoning).toBe(
      "general/simple: no model can serve this request; all 3 models rejected: backend unreachable (deepseek-r1:14b); no vision (llama3.1:8b, llama3.2:3b)",
    );
  });

  it("exports balanced defaults", () => {
    expect(DEFAULT_ROUTING_SETTINGS).toMatchObject({ qualityPreference: 0.5, feedbackEnabled: true, preferNewerModels: false, overrides: {}, minimumSizeB: {} });
  });
});
