import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrateDatabase, openDatabase, type DatabaseHandle } from "../db";
import { benchmarkAliases, benchmarkSyncRuns, modelBenchmarks } from "../db/schema";
import { createTestPostgresDatabase, skipPostgresTests, type TestPostgresDatabase } from "../db/test-databases";
import { handleImportBenchmarks } from "../gateway/admin-benchmarks";
import { KnowledgeStore } from "../knowledge/store";
import { startHarness, type Harness } from "../gateway/test-harness";
import { clearArtificialAnalysisCache } from "./sources/artificial-analysis";
import { claimScheduledRun, runScheduledSync } from "./schedule";
import { matchReview, syncBenchmarks } from "./service";
import { AA_TEST_KEY, startSourcesServer, type SourcesServer } from "./test-sources-server";

// Benchmarks end to end over real HTTP: recorded source answers → sync → rows under our model
// names → routing's explain; file import; aliases; the admin key. On PGlite and on Postgres.

const ADMIN_KEY = "bench-admin";
const auth = { authorization: `Bearer ${ADMIN_KEY}` };

let sources: SourcesServer;
beforeAll(async () => {
  sources = await startSourcesServer({ fillerRows: 120 });
});
afterAll(async () => {
  await sources?.close();
});

const kinds = skipPostgresTests() ? ["pglite"] : ["pglite", "postgres"];

describe.each(kinds)("benchmarks on %s", (kind) => {
  let database: DatabaseHandle;
  let testDb: TestPostgresDatabase | undefined;
  let harness: Harness;

  beforeAll(async () => {
    clearArtificialAnalysisCache();
    if (kind === "postgres") testDb = await createTestPostgresDatabase();
    database = await openDatabase(testDb?.url ?? "memory://");
    await migrateDatabase(database);
    harness = await startHarness({
      database,
      env: (url) => ({
        ROUTER_OLLAMA_URL: url,
        ROUTER_ADMIN_API_KEY: ADMIN_KEY,
        ROUTER_BENCHMARK_SOURCES: "huggingface,lmsys,artificial_analysis",
        ROUTER_ARTIFICIAL_ANALYSIS_API_KEY: AA_TEST_KEY,
        ...sources.env,
      }),
    });
  });
  afterAll(async () => {
    await harness?.close();
    await database?.close();
    await testDb?.drop();
  });

  const call = (path: string, init: RequestInit = {}) => fetch(`${harness.url}${path}`, init);
  const stored = async (source?: string) => {
    const rows = await database.db.select().from(modelBenchmarks);
    return source ? rows.filter((row) => row.source === source) : rows;
  };
  const matchedName = async (model: string, source: string) =>
    (await stored(source)).find((row) => row.modelName === model)?.matchedName;

  it("refuses every benchmark endpoint without the admin key", async () => {
    const requests: [string, RequestInit][] = [
      ["/admin/benchmarks", {}],
      ["/admin/sync-benchmarks", { method: "POST" }],
      ["/admin/benchmarks/import", { method: "POST", headers: { "content-type": "text/csv" }, body: "model,mmlu\nllama3.1:8b,50\n" }],
      ["/admin/benchmark-aliases", {}],
      ["/admin/benchmark-aliases", { method: "PUT", headers: { "content-type": "application/json" }, body: '{"model":"a","benchmark_names":["b"]}' }],
      ["/admin/benchmark-aliases?model=a", { method: "DELETE" }],
    ];
    for (const [path, init] of requests) {
      for (const headers of [{}, { authorization: "Bearer wrong" }] as Record<string, string>[]) {
        const response = await call(path, { ...init, headers: { ...(init.headers as Record<string, string>), ...headers } });
        expect(response.status, `${init.method ?? "GET"} ${path}`).toBe(401);
        expect(response.headers.get("www-authenticate")).toBe("Bearer");
      }
    }
    expect(await stored()).toHaveLength(0);
    expect(await database.db.select().from(benchmarkAliases)).toHaveLength(0);
    expect(await database.db.select().from(benchmarkSyncRuns)).toHaveLength(0);
  });

  it("syncs every source and stores rows under the backend's own model names", async () => {
    const response = await call("/admin/sync-benchmarks", { method: "POST", headers: auth });
    expect(response.status).toBe(200);
    const result = await response.json();
    expect(result.status).toBe("completed");
    expect(result.sources.map((source: { source: string; error?: string }) => [source.source, source.error])).toEqual([
      ["huggingface", undefined],
      ["lmsys", undefined],
      ["artificial_analysis", undefined],
      ["bundled", undefined],
    ]);
    expect(result.matched_models).toEqual(["deepseek-r1:14b", "llama3.1:8b", "llama3.2:3b", "mistral-nemo:12b", "qwen2.5-coder:14b"]);
    expect(result.total_models).toBe(harness.runtime.registry.models().length);

    // The instruct model, not the base model, a fine-tune or the 70B; the coder, not the generalist.
    expect(await matchedName("llama3.1:8b", "huggingface")).toBe("meta-llama/Llama-3.1-8B-Instruct");
    expect(await matchedName("qwen2.5-coder:14b", "huggingface")).toBe("Qwen/Qwen2.5-Coder-14B-Instruct");
    expect(await matchedName("mistral-nemo:12b", "huggingface")).toBe("mistralai/Mistral-Nemo-Instruct-2407");
    expect(await matchedName("llama3.1:8b", "lmsys")).toBe("llama-3.1-8b-instruct");
    expect(await matchedName("llama3.1:8b", "artificial_analysis")).toBe("Llama 3.1 Instruct 8B");
    expect(await matchedName("deepseek-r1:14b", "artificial_analysis")).toBe("DeepSeek R1 Distill Qwen 14B");
    expect(await matchedName("deepseek-r1:14b", "bundled")).toBe("deepseek-ai/DeepSeek-R1-Distill-Qwen-14B");
    expect(await matchedName("qwen2.5-coder:14b", "lmsys")).toBeUndefined(); // the arena only has the 32B coder
    const names = new Set((await stored()).map((row) => row.modelName));
    expect(names.has("nomic-embed-text:latest")).toBe(false);

    const llama = (await stored("huggingface")).find((row) => row.modelName === "llama3.1:8b")!;
    expect(llama).toMatchObject({ mmluPro: 37.98, gpqa: 26.68, math: 15.56 });
    // The leaderboard lists both reference models, so its figures sit on the prior's scale: Llama 3.1 8B at its prior.
    expect(llama.scores.reasoning).toBeCloseTo(0.533, 3);
    expect(llama.extra).toMatchObject({ confidence: 1, calibrated: true, source_url: "https://huggingface.co/meta-llama/Llama-3.1-8B-Instruct" });
    const coder = (await stored("huggingface")).find((row) => row.modelName === "qwen2.5-coder:14b")!;
    // It beats Llama 3.1 8B on the leaderboard's IFEval and MMLU-Pro, so it lands above that prior.
    expect(coder.scores.general).toBeGreaterThan(llama.scores.general!);

    const [run] = await database.db.select().from(benchmarkSyncRuns);
    expect(run).toMatchObject({ status: "completed", modelsCount: 5, sources: ["huggingface", "lmsys", "artificial_analysis", "bundled"], error: null });
    expect(run.finishedAt).toBeInstanceOf(Date);
  });

  it("lists stored benchmarks with the last sync, paged", async () => {
    const response = await call("/admin/benchmarks?limit=3&offset=1", { headers: auth });
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body).toMatchObject({ total: (await stored()).length, limit: 3, offset: 1, sync_status: "completed" });
    expect(body.benchmarks).toHaveLength(3);
    expect(body.benchmarks[0]).toHaveProperty("ollama_name");
    expect(body.benchmarks[0]).toHaveProperty("scores");
    expect((await call("/admin/benchmarks?limit=ten", { headers: auth })).status).toBe(400);
  });

  it("lets routing's explain show the benchmark component of a matched model, with its weight", async () => {
    const response = await call(`/admin/explain?prompt=${encodeURIComponent("Write a Python function that merges two sorted lists.")}`, { headers: auth });
    expect(response.status).toBe(200);
    const body = await response.json();
    expect(body.quality_weights).toEqual({ profile: 0.6, benchmark: 0.25, prior: 0.15 });
    const coder = body.candidates.find((candidate: { model: string }) => candidate.model === "qwen2.5-coder:14b");
    expect(coder.quality.category).toBe("coding");
    // Benchmarks and the size prior, no profile yet: 0.25 and 0.15 renormalised.
    expect(coder.quality.benchmark).toEqual({ value: expect.any(Number), weight: 0.625 });
    expect(coder.quality.benchmark.value).toBeGreaterThan(0);
    expect(coder.quality.prior.weight).toBe(0.375);
    expect(coder.quality.profile).toBeNull();
    const unmatched = body.candidates.find((candidate: { model: string }) => candidate.model === "qwen2.5vl:7b");
    expect(unmatched.quality.benchmark).toBeNull();
    expect(unmatched.quality.prior.weight).toBe(1);
  });

  it("gives routing the stored rows' mean per category, weighted by match confidence, from enabled sources only", async () => {
    const rows = (await stored()).filter((row) => row.modelName === "mistral-nemo:12b");
    // The arena names no size for Mistral Nemo, so that match is less sure.
    expect(rows.map((row) => [row.source, row.extra?.confidence]).sort()).toEqual([
      ["huggingface", 1],
      ["lmsys", 0.85],
    ]);
    const weighted = (category: "general" | "reasoning") => {
      const parts = rows.filter((row) => row.scores[category] !== undefined).map((row) => [row.scores[category]!, row.extra!.confidence as number]);
      return parts.reduce((sum, [value, weight]) => sum + value * weight, 0) / parts.reduce((sum, [, weight]) => sum + weight, 0);
    };
    const evidence = (await harness.runtime.knowledge.refresh()).evidence.get("mistral-nemo:12b");
    expect(evidence?.benchmarks?.general).toBeCloseTo(weighted("general"), 6);
    expect(evidence?.benchmarks?.reasoning).toBeCloseTo(weighted("reasoning"), 6);

    const onlyFiles = new KnowledgeStore(database, harness.runtime.registry, { ...harness.runtime.config, ROUTER_BENCHMARK_SOURCES: [], ROUTER_BENCHMARK_BUNDLED: false }, harness.runtime.logger);
    expect((await onlyFiles.refresh()).evidence.get("mistral-nemo:12b")?.benchmarks).toBeUndefined();
  });

  it("reviews each backend model's matches for the console", async () => {
    const review = await matchReview(harness.runtime);
    const llama = review.find((entry) => entry.model === "llama3.1:8b")!;
    expect(llama.matches.map((match) => [match.source, match.benchmark_name, match.confidence])).toEqual([
      ["artificial_analysis", "Llama 3.1 Instruct 8B", 1],
      ["bundled", "meta-llama/Llama-3.1-8B-Instruct", 1],
      ["huggingface", "meta-llama/Llama-3.1-8B-Instruct", 1],
      ["lmsys", "llama-3.1-8b-instruct", 1],
    ]);
    expect(review.find((entry) => entry.model === "qwen2.5vl:7b")?.matches).toEqual([]);
  });

  it("imports a CSV file: matched rows under our names, the rest under the name given", async () => {
    const csv = "model,mmlu_pro,humaneval,source_url\nQwen/Qwen2.5-VL-7B-Instruct,50,70,https://example.org/qwen-vl\nsome-future-model:7b,40,30,\n";
    const response = await call("/admin/benchmarks/import", { method: "POST", headers: { ...auth, "content-type": "text/csv" }, body: csv });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      imported: 2,
      matched: [{ name: "Qwen/Qwen2.5-VL-7B-Instruct", model: "qwen2.5vl:7b", confidence: 1 }],
      unmatched: ["some-future-model:7b"],
    });
    const files = await stored("file");
    expect(files.map((row) => [row.modelName, row.matchedName]).sort()).toEqual([
      ["qwen2.5vl:7b", "Qwen/Qwen2.5-VL-7B-Instruct"],
      ["some-future-model:7b", "some-future-model:7b"],
    ]);
    // JSON, and a re-import replaces the model's file row.
    const json = await call("/admin/benchmarks/import", { method: "POST", headers: { ...auth, "content-type": "application/json" }, body: JSON.stringify([{ model: "qwen2.5vl:7b", mmlu_pro: 0.6 }]) });
    expect(json.status).toBe(200);
    const replaced = (await stored("file")).filter((row) => row.modelName === "qwen2.5vl:7b");
    expect(replaced.map((row) => row.mmluPro)).toEqual([60]);
  });

  it("refuses bad files with a 4xx and writes nothing", async () => {
    const before = JSON.stringify((await stored()).map((row) => [row.id, row.lastUpdated]));
    const cases: [string, string, number, RegExp][] = [
      ["text/csv", "model,mmlu,vibes\nllama3.1:8b,50,1\n", 400, /unknown column 'vibes'/],
      ["text/csv", "model,mmlu\nllama3.1:8b,50\nllama3.2:3b,abc\n", 400, /row 2: 'mmlu' is not a number/],
      ["application/json", '{"not":"rows"}', 400, /JSON array/],
      ["application/json", "[", 400, /not valid JSON/],
      ["text/csv", " ", 400, /empty/],
      ["text/plain", "model,mmlu\na,50\n", 415, /text\/csv or application\/json/],
    ];
    for (const [type, body, status, message] of cases) {
      const response = await call("/admin/benchmarks/import", { method: "POST", headers: { ...auth, "content-type": type }, body });
      expect(response.status, `${type} ${body.slice(0, 30)}`).toBe(status);
      expect((await response.json()).error.message).toMatch(message);
    }
    // Over the 1 MiB cap: called in-process, since over HTTP the server answers before the upload
    // ends and the client sees the connection reset rather than the 413.
    const big = new Request("http://router/admin/benchmarks/import", { method: "POST", headers: { ...auth, "content-type": "text/csv" }, body: `model,mmlu\n${"x".repeat(1024 * 1024)},50\n` });
    const tooBig = await handleImportBenchmarks(big, harness.runtime);
    expect(tooBig.status).toBe(413);
    expect((await tooBig.json()).error.message).toMatch(/too large/);
    expect(JSON.stringify((await stored()).map((row) => [row.id, row.lastUpdated]))).toBe(before);
  });

  it("lets an operator alias a model to benchmark names, which the next sync uses", async () => {
    const put = await call("/admin/benchmark-aliases", {
      method: "PUT",
      headers: { ...auth, "content-type": "application/json" },
      body: JSON.stringify({ model: "qwen2.5vl:7b", benchmark_names: ["Qwen/Qwen2.5-14B-Instruct"] }),
    });
    expect(put.status).toBe(200);
    expect((await (await call("/admin/benchmark-aliases", { headers: auth })).json()).aliases).toMatchObject([{ model: "qwen2.5vl:7b", benchmark_names: ["Qwen/Qwen2.5-14B-Instruct"] }]);
    await syncBenchmarks(harness.runtime);
    expect(await matchedName("qwen2.5vl:7b", "huggingface")).toBe("Qwen/Qwen2.5-14B-Instruct");

    const bad = await call("/admin/benchmark-aliases", { method: "PUT", headers: { ...auth, "content-type": "application/json" }, body: JSON.stringify({ model: "x", benchmark_names: [] }) });
    expect(bad.status).toBe(400);
    expect((await call("/admin/benchmark-aliases?model=qwen2.5vl%3A7b", { method: "DELETE", headers: auth })).status).toBe(200);
    expect((await call("/admin/benchmark-aliases?model=qwen2.5vl%3A7b", { method: "DELETE", headers: auth })).status).toBe(404);
    await syncBenchmarks(harness.runtime);
    expect(await matchedName("qwen2.5vl:7b", "huggingface")).toBeUndefined();
  });

  it("keeps a failed source's rows and records why it failed", async () => {
    const runtime = { ...harness.runtime, config: { ...harness.runtime.config, ROUTER_BENCHMARK_HUGGINGFACE_URL: `${sources.url}/down/rows?dataset=x` } };
    const result = await syncBenchmarks(runtime);
    expect(result.status).toBe("completed");
    expect(result.sources.find((source) => source.source === "huggingface")?.error).toMatch(/HTTP 503/);
    expect(await matchedName("llama3.1:8b", "huggingface")).toBe("meta-llama/Llama-3.1-8B-Instruct");
    const [run] = await database.db.select().from(benchmarkSyncRuns).where(eq(benchmarkSyncRuns.id, result.run_id));
    expect(run.error).toMatch(/huggingface: .*HTTP 503/);
    const metrics = await (await call("/metrics")).text();
    expect(metrics).toMatch(/smarterrouter_benchmark_source_syncs_total\{source="huggingface",outcome="error"\} [1-9]/);
    expect(metrics).toMatch(/smarterrouter_benchmark_matched_models\{source="bundled"\} 4/);
  });

  it("syncs in the background only when the last run is older than the interval, once per cluster", async () => {
    expect(await runScheduledSync(harness.runtime)).toBe(false);
    await database.db.update(benchmarkSyncRuns).set({ startedAt: new Date(Date.now() - 25 * 3_600_000) });
    const runs = (await database.db.select().from(benchmarkSyncRuns)).length;
    // Two instances checking at the same moment: one claims the run, the other sees it.
    const twin = { ...harness.runtime, knowledge: new KnowledgeStore(database, harness.runtime.registry, harness.runtime.config, harness.runtime.logger) };
    expect((await Promise.all([runScheduledSync(harness.runtime), runScheduledSync(twin)])).sort()).toEqual([false, true]);
    const after = await database.db.select().from(benchmarkSyncRuns);
    expect(after.length).toBe(runs + 1);
    expect(after.filter((run) => run.status === "running")).toHaveLength(0);
    expect(await claimScheduledRun(twin, Date.now())).toBeUndefined();
  });
});
