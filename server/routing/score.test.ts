import { describe, expect, it } from "vitest";
import { TASK_CATEGORIES, type TaskCategory } from "./categories";
import { modelFacts, type ReportedModelDetails } from "./model-facts";
import { rejectionReason, SCORE_BOUNDS, scoreCandidates } from "./score";
import type { Candidate, ComplexityTier, ModelEvidence, PromptAnalysis, RequiredCapabilities, RoutingSettings, ScoredCandidate } from "./types";

const SETTINGS: RoutingSettings = { qualityPreference: 0.5, preferNewerModels: false, feedbackEnabled: true, minimumSizeB: {}, overrides: {} };

function analysis(category: TaskCategory, tier: ComplexityTier, needs: Partial<RequiredCapabilities> = {}): PromptAnalysis {
  const categoryScores = Object.fromEntries(TASK_CATEGORIES.map((c) => [c, c === category ? 1 : 0])) as Record<TaskCategory, number>;
  const complexity = { simple: 0.1, medium: 0.5, hard: 0.85 }[tier];
  return {
    category,
    categoryConfidence: 1,
    categoryScores,
    complexity,
    tier,
    capabilities: { vision: false, tools: false, json: false, contextTokens: 1000, ...needs },
  };
}

type CandidateOptions = { reported?: ReportedModelDetails; evidence?: ModelEvidence; reachable?: boolean; loaded?: boolean; backend?: string };

function candidate(name: string, options: CandidateOptions = {}): Candidate {
  return {
    name,
    backend: options.backend ?? "local",
    facts: modelFacts(name, options.reported),
    evidence: options.evidence ?? {},
    reachable: options.reachable ?? true,
    loaded: options.loaded ?? false,
  };
}

const settings = (overrides: Partial<RoutingSettings> = {}): RoutingSettings => ({ ...SETTINGS, ...overrides });
const names = (scored: readonly ScoredCandidate[]) => scored.map((c) => c.model);
const accepted = (scored: readonly ScoredCandidate[]) => scored.filter((c) => !c.rejectedReason);
const top = (a: PromptAnalysis, candidates: Candidate[], s: RoutingSettings = SETTINGS) => scoreCandidates(a, candidates, s)[0];
const byName = (scored: readonly ScoredCandidate[], name: string) => scored.find((c) => c.model === name)!;

describe("hard filters", () => {
  const chat = analysis("general", "simple");
  const cases: [string, Candidate, PromptAnalysis, RoutingSettings, string][] = [
    ["unreachable backend", candidate("llama3.1:8b", { reachable: false }), chat, SETTINGS, "backend unreachable"],
    ["disabled by override", candidate("llama3.1:8b"), chat, settings({ overrides: { "llama3.1:8b": { disabled: true } } }), "disabled by operator"],
    ["embedding-only (reported)", candidate("nomic-embed-text:latest", { reported: { capabilities: ["embedding"] } }), chat, SETTINGS, "embedding-only model"],
    ["embedding-only (name, no report)", candidate("mxbai-embed-large:335m"), chat, SETTINGS, "embedding-only model"],
    [
      "no vision for an image",
      candidate("llama3.1:8b", { reported: { capabilities: ["completion", "tools"] } }),
      analysis("general", "simple", { vision: true }),
      SETTINGS,
      "no vision",
    ],
    ["vision unknown for an image", candidate("openchat:7b"), analysis("general", "simple", { vision: true }), SETTINGS, "no vision"],
    [
      "no tools when tools are needed",
      candidate("deepseek-r1:14b", { reported: { capabilities: ["completion", "thinking"] } }),
      analysis("coding", "medium", { tools: true }),
      SETTINGS,
      "no tool calling",
    ],
    ["no tools by name (gemma2)", candidate("gemma2:9b"), analysis("coding", "medium", { tools: true }), SETTINGS, "no tool calling"],
    [
      "context window too small",
      candidate("qwen2.5-coder:14b", { reported: { contextLength: 32768 } }),
      analysis("coding", "hard", { contextTokens: 40000 }),
      SETTINGS,
      "context window 32768 < 40000 tokens needed",
    ],
    ["VRAM over budget", candidate("llama3.1:70b", { evidence: { vramGb: 42 } }), chat, settings({ vramBudgetGb: 24 }), "needs 42 GB VRAM > 24 GB budget"],
  ];

  it.each(cases)("%s", (_name, model, request, s, reason) => {
    const [scored] = scoreCandidates(request, [model], s);
    expect(scored).toMatchObject({ model: model.name, score: 0, rejectedReason: reason, components: {} });
  });

  it.each([
    ["tool support unknown", candidate("openchat:7b"), analysis("general", "simple", { tools: true }), SETTINGS],
    ["tool support reported", candidate("llama3.1:8b", { reported: { capabilities: ["completion", "tools"] } }), analysis("general", "simple", { tools: true }), SETTINGS],
    ["vision by name", candidate("llava:13b"), analysis("general", "simple", { vision: true }), SETTINGS],
    ["context length unknown", candidate("openchat:7b"), analysis("general", "simple", { contextTokens: 1e6 }), SETTINGS],
    ["VRAM over budget but already resident", candidate("llama3.1:70b", { loaded: true, evidence: { vramGb: 42 } }), chat, settings({ vramBudgetGb: 24 })],
    ["VRAM need known, no budget", candidate("llama3.1:70b", { evidence: { vramGb: 42 } }), chat, SETTINGS],
    ["VRAM need unknown, with budget", candidate("llama3.1:70b"), chat, settings({ vramBudgetGb: 24 })],
  ])("allows: %s", (_name, model, request, s) => {
    expect(rejectionReason(model, request, s)).toBeUndefined();
  });

  it("lists rejected candidates after accepted ones, with score 0", () => {
    const scored = scoreCandidates(chat, [candidate("gone:7b", { reachable: false }), candidate("llama3.1:8b"), candidate("bge-m3:latest")], SETTINGS);
    expect(names(scored)).toEqual(["llama3.1:8b", "bge-m3:latest", "gone:7b"]);
    expect(scored.slice(1).every((c) => c.score === 0 && c.rejectedReason)).toBe(true);
  });
});

// Deterministic PRNG so the property loop is reproducible.
function mulberry32(seed: number): () => number {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("bounded scores", () => {
  const random = mulberry32(7);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)];
  // Includes hostile values: NaN, infinities, negatives and out-of-range numbers must not leak.
  const wild = () => pick([undefined, random(), random() * 3 - 1, Number.NaN, Infinity, -Infinity, 0, 1, -5, 1e9]);
  const maybe = (value: number | undefined) => (random() < 0.5 ? undefined : value);
  const NAMES = ["llama3.2:3b", "qwen2.5-coder:1.5b", "deepseek-r1:70b", "mixtral:8x22b", "smollm2:135m", "openchat:latest", "phi3:mini", "gemma2:27b"];
  const TIERS: ComplexityTier[] = ["simple", "medium", "hard"];

  function randomCandidate(index: number): Candidate {
    const profile: Partial<Record<TaskCategory, number>> = {};
    const benchmarks: Partial<Record<TaskCategory, number>> = {};
    for (const category of TASK_CATEGORIES) {
      if (random() < 0.5) profile[category] = wild();
      if (random() < 0.3) benchmarks[category] = wild();
    }
    return {
      name: `${pick(NAMES)}#${index}`,
      backend: "b",
      facts: { ...modelFacts(pick(NAMES)), parameterCountB: maybe(wild()), activeParameterCountB: maybe(wild()) },
      evidence: {
        profile: random() < 0.5 ? profile : undefined,
        benchmarks: random() < 0.5 ? benchmarks : undefined,
        feedback: random() < 0.5 ? { mean: wild() ?? 0, count: wild() ?? 0 } : undefined,
        tokensPerSecond: wild(),
        timeToFirstTokenMs: wild(),
        vramGb: maybe(wild()),
      },
      reachable: true,
      loaded: random() < 0.5,
    };
  }

  it("keeps every score in [0, 1], never NaN, with each component inside its bound", () => {
    for (let round = 0; round < 300; round++) {
      const category = pick(TASK_CATEGORIES);
      const request = analysis(category, pick(TIERS));
      // A noisy classifier distribution, sometimes with junk in it.
      for (const other of TASK_CATEGORIES) request.categoryScores[other] = random() < 0.3 ? (wild() ?? 0) : request.categoryScores[other];
      const candidates = Array.from({ length: 8 }, (_, index) => randomCandidate(index));
      const s = settings({
        qualityPreference: pick([0, 0.3, 0.5, 1, Number.NaN, 7, -2]),
        preferNewerModels: random() < 0.5,
        newModels: candidates.filter(() => random() < 0.3).map((c) => c.name),
        overrides: Object.fromEntries(candidates.map((c) => [c.name, { pinned: random() < 0.2, scoreAdjustment: wild() }])),
      });
      for (const scored of scoreCandidates(request, candidates, s)) {
        expect(Number.isFinite(scored.score), JSON.stringify(scored)).toBe(true);
        expect(scored.score).toBeGreaterThanOrEqual(0);
        expect(scored.score).toBeLessThanOrEqual(1);
        const c = scored.components;
        expect(Object.values(c).every(Number.isFinite)).toBe(true);
        expect(c.quality + c.speed).toBeGreaterThanOrEqual(0);
        expect(c.quality + c.speed).toBeLessThanOrEqual(1.0001);
        expect(Math.abs(c.adequacy)).toBeLessThanOrEqual(SCORE_BOUNDS.adequacy);
        expect(Math.abs(c.minimumSize)).toBeLessThanOrEqual(SCORE_BOUNDS.minimumSize);
        expect(Math.abs(c.adjustment)).toBeLessThanOrEqual(SCORE_BOUNDS.adjustment);
        expect(c.pinned).toBeLessThanOrEqual(SCORE_BOUNDS.pinned);
        expect(c.newness).toBeLessThanOrEqual(SCORE_BOUNDS.newness);
        // Components are the additive terms of the score.
        const sum = Object.values(c).reduce((a, b) => a + b, 0);
        expect(scored.score).toBeCloseTo(Math.min(1, Math.max(0, sum)), 3);
      }
    }
  });
});

describe("feedback", () => {
  const request = analysis("general", "medium");
  const profiled = (name: string, general: number, feedback?: ModelEvidence["feedback"]) =>
    candidate(name, { reported: { parameterSize: "8B" }, evidence: { profile: { general }, feedback, tokensPerSecond: 50, timeToFirstTokenMs: 100 } });

  it("a single vote cannot outweigh a judge-graded profile", () => {
    const better = profiled("better:8b", 0.8, { mean: -1, count: 1 });
    const worse = profiled("worse:8b", 0.75, { mean: 1, count: 1 });
    for (const qualityPreference of [0.25, 0.5, 1]) {
      expect(top(request, [worse, better], settings({ qualityPreference })).model).toBe("better:8b");
    }
  });

  it("shifts quality by at most 0.1 however many votes agree", () => {
    const s = settings({ qualityPreference: 1 });
    const plain = byName(scoreCandidates(request, [profiled("m:8b", 0.6)], s), "m:8b");
    const loved = byName(scoreCandidates(request, [profiled("m:8b", 0.6, { mean: 1, count: 1e9 })], s), "m:8b");
    const hated = byName(scoreCandidates(request, [profiled("m:8b", 0.6, { mean: -1, count: 1e9 })], s), "m:8b");
    expect(loved.components.quality - plain.components.quality).toBeCloseTo(0.1, 3);
    expect(plain.components.quality - hated.components.quality).toBeCloseTo(0.1, 3);
  });

  it("never makes a score negative (the original's feedback and diversity terms could)", () => {
    const hated = candidate("smollm2:135m", { evidence: { profile: { general: 0 }, feedback: { mean: -1, count: 1e6 } } });
    const [scored] = scoreCandidates(analysis("general", "hard"), [hated], settings({ overrides: { "smollm2:135m": { scoreAdjustment: -1 } } }));
    expect(scored.rejectedReason).toBeUndefined();
    expect(scored.score).toBe(0);
  });

  it("is ignored when feedback is disabled", () => {
    const s = settings({ feedbackEnabled: false, qualityPreference: 1 });
    const withVotes = scoreCandidates(request, [profiled("m:8b", 0.6, { mean: 1, count: 1000 })], s)[0];
    const without = scoreCandidates(request, [profiled("m:8b", 0.6)], s)[0];
    expect(withVotes.score).toBe(without.score);
  });
});

describe("quality: profiles, benchmarks and the size prior", () => {
  it("a tiny coder does not win a hard coding prompt over a big general model (the original's coder bias)", () => {
    const fleet = [candidate("qwen2.5-coder:1.5b"), candidate("qwen2.5:14b")];
    for (const qualityPreference of [0, 0.25, 0.5, 0.75, 1]) {
      expect(top(analysis("coding", "hard"), fleet, settings({ qualityPreference })).model).toBe("qwen2.5:14b");
    }
  });

  it.each(["coding", "math", "reasoning"] as const)("a simple %s prompt at the default preference goes to the specialist, not the smallest generalist", (category) => {
    const specialist = { coding: "qwen2.5-coder:14b", math: "deepseek-r1:14b", reasoning: "deepseek-r1:14b" }[category];
    const fleet = [candidate("llama3.2:3b"), candidate("llama3.1:8b"), candidate(specialist)];
    expect(top(analysis(category, "simple"), fleet, settings({ qualityPreference: 0.5 })).model).toBe(specialist);
    expect(top(analysis("general", "simple"), fleet, settings({ qualityPreference: 0.5 })).model).not.toBe(specialist);
  });

  it("a coder of the same size wins coding, and loses creative writing", () => {
    const fleet = [candidate("qwen2.5-coder:14b"), candidate("qwen2.5:14b")];
    expect(top(analysis("coding", "hard"), fleet).model).toBe("qwen2.5-coder:14b");
    expect(top(analysis("creative", "hard"), fleet).model).toBe("qwen2.5:14b");
  });

  it("bigger is better when nothing is measured, with diminishing returns", () => {
    const q1 = settings({ qualityPreference: 1 });
    const sizes = ["qwen2.5:0.5b", "qwen2.5:3b", "qwen2.5:7b", "qwen2.5:14b", "qwen2.5:32b", "qwen2.5:72b"];
    const scored = scoreCandidates(analysis("general", "hard"), sizes.map((n) => candidate(n)), q1);
    expect(names(scored)).toEqual([...sizes].reverse());
    const quality = (name: string) => byName(scored, name).components.quality;
    // Per added billion parameters, small models gain far more.
    expect((quality("qwen2.5:7b") - quality("qwen2.5:3b")) / 4).toBeGreaterThan((quality("qwen2.5:72b") - quality("qwen2.5:32b")) / 40);
    expect(quality("qwen2.5:72b") - quality("qwen2.5:0.5b")).toBeLessThanOrEqual(0.7);
  });

  it("a measured profile beats a size prior", () => {
    const measured = candidate("llama3.1:8b", { evidence: { profile: { coding: 0.9 } } });
    const guessed = candidate("qwen2.5:32b");
    expect(top(analysis("coding", "hard"), [guessed, measured], settings({ qualityPreference: 1 })).model).toBe("llama3.1:8b");
    const poor = candidate("llama3.1:70b", { evidence: { profile: { coding: 0.3 } } });
    expect(top(analysis("coding", "hard"), [poor, measured], settings({ qualityPreference: 1 })).model).toBe("llama3.1:8b");
  });

  it("a profile outweighs a benchmark that disagrees by as much", () => {
    const a = candidate("a:8b", { evidence: { profile: { math: 0.8 }, benchmarks: { math: 0.5 } } });
    const b = candidate("b:8b", { evidence: { profile: { math: 0.5 }, benchmarks: { math: 0.8 } } });
    expect(top(analysis("math", "hard"), [b, a], settings({ qualityPreference: 1 })).model).toBe("a:8b");
  });

  it("uses the classifier's mix: a coding-heavy mix still counts the coder's coding strength", () => {
    const request = analysis("coding", "hard");
    request.categoryScores = { ...request.categoryScores, coding: 0.6, extraction: 0.3, general: 0.1 };
    const fleet = [candidate("qwen2.5-coder:14b"), candidate("mistral-nemo:12b")];
    expect(top(request, fleet).model).toBe("qwen2.5-coder:14b");
  });
});

describe("speed and preference", () => {
  const fast = candidate("llama3.2:3b", { evidence: { tokensPerSecond: 90, timeToFirstTokenMs: 40 } });
  const strong = candidate("mistral-nemo:12b", { evidence: { tokensPerSecond: 35, timeToFirstTokenMs: 110 } });

  it("hard prompts weigh quality more and simple ones speed more at the same preference", () => {
    expect(top(analysis("general", "simple"), [fast, strong]).model).toBe("llama3.2:3b");
    expect(top(analysis("general", "hard"), [fast, strong]).model).toBe("mistral-nemo:12b");
  });

  it("measured speed wins over the size estimate", () => {
    const slowSmall = candidate("llama3.2:3b", { evidence: { tokensPerSecond: 6, timeToFirstTokenMs: 3000 } });
    const speed = (c: Candidate) => scoreCandidates(analysis("general", "simple"), [c], settings({ qualityPreference: 0 }))[0].components.speed;
    expect(speed(slowSmall)).toBeLessThan(speed(candidate("mistral-nemo:12b")));
  });

  it("prefers a loaded model when the choice is close", () => {
    const cold = candidate("qwen2:7b");
    const warm = candidate("mistral:7b", { loaded: true });
    for (const qualityPreference of [0, 0.5, 1]) {
      expect(top(analysis("general", "medium"), [cold, warm], settings({ qualityPreference })).model).toBe("mistral:7b");
    }
  });

  it("does not keep a loaded model that is clearly worse", () => {
    const warmSmall = candidate("llama3.2:3b", { loaded: true });
    const coldCoder = candidate("qwen2.5-coder:14b");
    expect(top(analysis("coding", "hard"), [warmSmall, coldCoder]).model).toBe("qwen2.5-coder:14b");
  });

  it("charges a cold load that grows with VRAM", () => {
    const speed = (vramGb: number, loaded: boolean) =>
      scoreCandidates(analysis("general", "simple"), [candidate("m:8b", { loaded, evidence: { vramGb, tokensPerSecond: 50 } })], settings({ qualityPreference: 0 }))[0]
        .components.speed;
    expect(speed(5, true)).toBeGreaterThan(speed(5, false));
    expect(speed(5, false)).toBeGreaterThan(speed(40, false));
  });

  it("at q = 0 picks the fastest ADEQUATE model: a 135M model does not win", () => {
    const fleet = [candidate("smollm2:135m"), candidate("llama3.2:3b"), candidate("llama3.1:8b")];
    expect(top(analysis("general", "simple"), fleet, settings({ qualityPreference: 0 })).model).toBe("llama3.2:3b");
    // A hard prompt needs more than 3B.
    expect(top(analysis("general", "hard"), fleet, settings({ qualityPreference: 0 })).model).toBe("llama3.1:8b");
  });
});

describe("minimum size", () => {
  it("is a soft penalty from the built-in defaults, not a filter", () => {
    const scored = scoreCandidates(analysis("coding", "hard"), [candidate("qwen2.5-coder:1.5b")], SETTINGS);
    expect(scored[0].rejectedReason).toBeUndefined();
    expect(scored[0].components.minimumSize).toBeCloseTo(-0.3 * (1 - 1.5 / 7), 3);
  });

  it("follows the operator's setting", () => {
    const fleet = [candidate("llama3.2:3b"), candidate("llama3.1:8b")];
    const request = analysis("general", "simple");
    expect(top(request, fleet).model).toBe("llama3.2:3b");
    const s = settings({ minimumSizeB: { general: { simple: 8 } } });
    expect(byName(scoreCandidates(request, fleet, s), "llama3.2:3b").components.minimumSize).toBeCloseTo(-0.3 * (1 - 3 / 8), 3);
    expect(top(request, fleet, s).model).toBe("llama3.1:8b");
  });

  it("does not penalise an unknown size", () => {
    expect(scoreCandidates(analysis("coding", "hard"), [candidate("llama3:latest")], SETTINGS)[0].components.minimumSize).toBe(0);
  });
});

describe("overrides", () => {
  const request = analysis("general", "medium");
  const fleet = [candidate("llama3.1:8b"), candidate("mistral-nemo:12b")];
  const component = (s: RoutingSettings, name: string, part: string) => byName(scoreCandidates(request, fleet, s), name).components[part];

  it.each([
    [{ pinned: true }, "pinned", SCORE_BOUNDS.pinned],
    [{ scoreAdjustment: 0.5 }, "adjustment", 0.1],
    [{ scoreAdjustment: 5 }, "adjustment", 0.2],
    [{ scoreAdjustment: -1 }, "adjustment", -0.2],
  ])("%j → %s %d", (override, part, value) => {
    expect(component(settings({ overrides: { "llama3.1:8b": override } }), "llama3.1:8b", part)).toBeCloseTo(value, 4);
  });

  it("a pin moves a close second to first", () => {
    const unpinned = names(scoreCandidates(request, fleet, SETTINGS));
    const pinnedName = unpinned[1];
    expect(top(request, fleet, settings({ overrides: { [pinnedName]: { pinned: true } } })).model).toBe(pinnedName);
  });

  it("gives the newness bonus only when newer models are preferred", () => {
    const newModels = ["llama3.1:8b"];
    expect(component(settings({ newModels }), "llama3.1:8b", "newness")).toBe(0);
    expect(component(settings({ newModels, preferNewerModels: true }), "llama3.1:8b", "newness")).toBe(SCORE_BOUNDS.newness);
    expect(component(settings({ newModels, preferNewerModels: true }), "mistral-nemo:12b", "newness")).toBe(0);
  });
});

describe("ordering", () => {
  // Both clamp to 1, so only the tie-break separates them.
  const perfect = (name: string, sizeB: string) =>
    candidate(name, { reported: { parameterSize: sizeB }, loaded: true, evidence: { profile: { general: 1 }, tokensPerSecond: 500, timeToFirstTokenMs: 0 } });
  const fleet = [perfect("big:70b", "70B"), perfect("small:3b", "3B")];
  const maxed = (q: number) =>
    settings({ qualityPreference: q, overrides: { "big:70b": { pinned: true, scoreAdjustment: 1 }, "small:3b": { pinned: true, scoreAdjustment: 1 } } });

  it("breaks ties by size: smaller when speed is preferred, larger when quality is", () => {
    expect(scoreCandidates(analysis("general", "medium"), fleet, maxed(0.25)).map((c) => c.score)).toEqual([1, 1]);
    expect(names(scoreCandidates(analysis("general", "medium"), fleet, maxed(0.25)))).toEqual(["small:3b", "big:70b"]);
    expect(names(scoreCandidates(analysis("general", "medium"), fleet, maxed(0.75)))).toEqual(["big:70b", "small:3b"]);
  });

  it("then by name, whatever the input order", () => {
    const twins = [candidate("b-model:7b"), candidate("a-model:7b"), candidate("c-model:7b")];
    const request = analysis("general", "medium");
    const forward = names(scoreCandidates(request, twins, SETTINGS));
    expect(forward).toEqual(["a-model:7b", "b-model:7b", "c-model:7b"]);
    expect(names(scoreCandidates(request, [...twins].reverse(), SETTINGS))).toEqual(forward);
  });

  it("scores nothing when there is nothing", () => {
    expect(scoreCandidates(analysis("general", "simple"), [], SETTINGS)).toEqual([]);
    expect(accepted(scoreCandidates(analysis("general", "simple"), [candidate("x:7b", { reachable: false })], SETTINGS))).toEqual([]);
  });
});

describe("operator source weights", () => {
  // Same size, so only the measured evidence tells them apart: A has a strong profile, B strong benchmarks.
  const a = candidate("alpha:7b", { evidence: { profile: { coding: 0.9 }, benchmarks: { coding: 0.2 } } });
  const b = candidate("beta:7b", { evidence: { profile: { coding: 0.2 }, benchmarks: { coding: 0.9 } } });
  const coding = analysis("coding", "hard");
  it.each([
    ["built-in weights trust profiles most", undefined, "alpha:7b"],
    ["benchmarks weighted over profiles", { profile: 0.1, benchmark: 0.8, prior: 0.1 }, "beta:7b"],
    ["unusable weights (prior 0) fall back to the built-in ones", { profile: 0, benchmark: 1, prior: 0 }, "alpha:7b"],
    ["negative weights fall back to the built-in ones", { profile: -1, benchmark: 1, prior: 0.1 }, "alpha:7b"],
  ] as const)("%s", (_name, sourceWeights, winner) => {
    const scored = scoreCandidates(coding, [a, b], settings({ qualityPreference: 1, sourceWeights: sourceWeights && { ...sourceWeights } }));
    expect(scored[0].model).toBe(winner);
    for (const entry of scored) expect(Number.isFinite(entry.score)).toBe(true);
  });
});
