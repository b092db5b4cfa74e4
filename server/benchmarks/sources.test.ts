import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { closedPort } from "../test-ports";
import { categoryScores } from "./categories";
import { aaMappingAliases, clearArtificialAnalysisCache, fetchArtificialAnalysis } from "./sources/artificial-analysis";
import { fetchHuggingFace } from "./sources/huggingface";
import { fetchLmArena } from "./sources/lmarena";
import { AA_LIMITED_KEY, AA_TEST_KEY, startSourcesServer, type SourcesServer } from "./test-sources-server";

// Each source parsed from recorded answers served over real HTTP.

let server: SourcesServer;
beforeAll(async () => {
  server = await startSourcesServer({ fillerRows: 150 });
});
afterAll(async () => {
  await server?.close();
});

describe("HuggingFace Open LLM Leaderboard v2", () => {
  it("reads every page of the datasets-server rows and the raw accuracies", async () => {
    const before = server.hits("/hf/rows");
    const { records } = await fetchHuggingFace(server.env.ROUTER_BENCHMARK_HUGGINGFACE_URL, 10_000);
    // 8 recorded rows (one flagged) + 150 filler rows = 158 rows, two pages.
    expect(server.hits("/hf/rows") - before).toBe(2);
    expect(records).toHaveLength(157);
    const llama = records.find((record) => record.name === "meta-llama/Llama-3.1-8B-Instruct");
    expect(llama?.metrics).toEqual({ ifeval: 49.22, bbh: 50.87, math: 15.56, gpqa: 26.68, musr: 39.72, mmlu_pro: 37.98 });
    expect(llama?.hints).toMatchObject({ parametersB: 8.03, variant: "instruct", official: true });
    expect(records.find((record) => record.name === "meta-llama/Llama-3.1-8B")?.hints?.variant).toBe("base");
    expect(records.some((record) => record.name.includes("broken"))).toBe(false);
  });

  it("stops at the row cap", async () => {
    const { records } = await fetchHuggingFace(server.env.ROUTER_BENCHMARK_HUGGINGFACE_URL, 100);
    expect(records.length).toBeLessThanOrEqual(100);
  });

  it("fails clearly on an HTTP error or a page that is not a rows answer", async () => {
    await expect(fetchHuggingFace(`${server.url}/down/rows?dataset=x`, 1000)).rejects.toThrow(/HTTP 503/);
    await expect(fetchHuggingFace(`${server.url}/html/rows?dataset=x`, 1000)).rejects.toThrow(/not JSON/);
    await expect(fetchHuggingFace(`http://127.0.0.1:${await closedPort()}/rows?dataset=x`, 1000)).rejects.toThrow(/connection refused/);
  });
});

describe("LMArena", () => {
  it("folds the per-category rows of the leaderboard dataset into one record per model", async () => {
    const { records } = await fetchLmArena(server.env.ROUTER_BENCHMARK_LMSYS_URL, 10_000);
    expect(records).toHaveLength(7);
    const llama = records.find((record) => record.name === "llama-3.1-8b-instruct");
    expect(llama?.metrics).toEqual({ elo: 1176.2, arena_coding: 1164.2, arena_math: 1156.2, arena_creative: 1184.2, arena_instruction: 1171.2, arena_hard: 1167.2 });
    expect(llama?.extra).toMatchObject({ votes: 52578 });
  });

  it("reads the published CSV too", async () => {
    const { records } = await fetchLmArena(`${server.url}/arena.csv`, 10_000);
    expect(records.map((record) => [record.name, record.metrics.elo])).toEqual([
      ["ChatGPT-4o-latest (2024-09-03)", 1338],
      ["Meta-Llama-3.1-70B-Instruct", 1248],
      ["Meta-Llama-3.1-8B-Instruct", 1176],
    ]);
  });
});

describe("ArtificialAnalysis", () => {
  beforeEach(() => clearArtificialAnalysisCache());

  it("reads evaluations, indices and speed with the API key", async () => {
    const { records } = await fetchArtificialAnalysis(server.env.ROUTER_ARTIFICIAL_ANALYSIS_URL, AA_TEST_KEY, 0);
    expect(records.map((record) => record.name)).toContain("DeepSeek R1 Distill Qwen 14B");
    const llama = records.find((record) => record.name === "Llama 3.1 Instruct 8B");
    expect(llama).toMatchObject({
      metrics: { mmlu_pro: 47.6, gpqa: 25.9, livecodebench: 11.6, math: 51.9, aa_intelligence: 16.9, aa_coding: 11.5, aa_math: 26.3 },
      throughput: 178.4,
      url: "https://artificialanalysis.ai/models/llama-3-1-instruct-8b",
    });
  });

  it("is skipped without a key and says why a key is refused or rate-limited", async () => {
    const hits = server.hits("/aa/models");
    expect(await fetchArtificialAnalysis(server.env.ROUTER_ARTIFICIAL_ANALYSIS_URL, undefined, 0)).toMatchObject({ records: [], note: expect.stringMatching(/API_KEY is not set/) });
    expect(server.hits("/aa/models")).toBe(hits);
    await expect(fetchArtificialAnalysis(server.env.ROUTER_ARTIFICIAL_ANALYSIS_URL, "wrong", 0)).rejects.toThrow(/refused the API key/);
    await expect(fetchArtificialAnalysis(server.env.ROUTER_ARTIFICIAL_ANALYSIS_URL, AA_LIMITED_KEY, 0)).rejects.toThrow(/rate limit/);
  });

  it("caches answers for the configured time (the free tier allows 1,000 requests a day)", async () => {
    const hits = server.hits("/aa/models");
    await fetchArtificialAnalysis(server.env.ROUTER_ARTIFICIAL_ANALYSIS_URL, AA_TEST_KEY, 3600);
    await fetchArtificialAnalysis(server.env.ROUTER_ARTIFICIAL_ANALYSIS_URL, AA_TEST_KEY, 3600);
    expect(server.hits("/aa/models") - hits).toBe(1);
  });
});

describe("ArtificialAnalysis mapping file", () => {
  const records = [
    { name: "Llama 3.1 Instruct 8B", metrics: {}, extra: { artificial_analysis_id: "aa-llama" } },
    { name: "GPT-4o (Nov '24)", metrics: {}, extra: { artificial_analysis_id: "aa-gpt" } },
  ];

  it("reads the dict form (AA id or name → local model)", () => {
    const aliases = aaMappingAliases("mappings:\n  aa-llama: my-llama:latest\n  \"GPT-4o (Nov '24)\": gpt-4o\n", records);
    expect([...aliases]).toEqual([
      ["my-llama:latest", ["Llama 3.1 Instruct 8B"]],
      ["gpt-4o", ["GPT-4o (Nov '24)"]],
    ]);
  });

  it("reads the list form the original's example file used", () => {
    const aliases = aaMappingAliases("mappings:\n  - aa_id: aa-llama\n    ollama_name: llama3.1:8b\n  - aa_id: unknown-id\n    ollama_name: x\n", records);
    expect([...aliases]).toEqual([["llama3.1:8b", ["Llama 3.1 Instruct 8B"]]]);
  });

  it("refuses a file without mappings", () => {
    expect(() => aaMappingAliases("models: []\n", records)).toThrow(/mappings/);
  });
});

describe("categoryScores", () => {
  it("rescales each metric from chance to a strong score and averages per category", () => {
    // GPQA at chance (25%) is 0, not 0.25; MMLU-Pro 47.5 → (47.5-10)/75 = 0.5.
    expect(categoryScores({ gpqa: 25 })).toEqual({ reasoning: 0, factual: 0 });
    expect(categoryScores({ mmlu_pro: 47.5 })).toEqual({ factual: 0.5, general: 0.5, reasoning: 0.5 });
    expect(categoryScores({ humaneval: 95, livecodebench: 0 })).toEqual({ coding: 0.5 });
    expect(categoryScores({ elo: 1450 })).toEqual({ general: 1, creative: 1 });
    expect(categoryScores({})).toEqual({});
  });
});
