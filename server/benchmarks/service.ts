import { readFile } from "node:fs/promises";
import { and, asc, count, desc, eq, inArray, max } from "drizzle-orm";
import type { DatabaseHandle } from "../db";
import { benchmarkAliases, benchmarkSyncRuns, modelBenchmarks, type BenchmarkSyncRun, type NewModelBenchmark } from "../db/schema";
import type { BenchmarkSource } from "../db/schema/model-benchmarks";
import { recordBenchmarkSourceSync } from "../observability/metrics";
import type { Runtime } from "../runtime";
import { bundledRecords } from "./bundled";
import { calibrationFor } from "./calibration";
import { categoryScores, type Calibration } from "./categories";
import { parseImportFile } from "./import-file";
import { matchRecords, type MatchedRecord } from "./match-records";
import { aaMappingAliases, fetchArtificialAnalysis } from "./sources/artificial-analysis";
import { fetchHuggingFace } from "./sources/huggingface";
import { fetchLmArena } from "./sources/lmarena";
import type { BenchmarkRecord, SourceFetch, SyncedSource } from "./types";

// The benchmark domain functions: what /admin/* and the console's routers call. Rows are stored
// under the backend's own model names (the tags routing sees), one row per model and source, so
// benchmark evidence reaches routing without any later name juggling.

export type BenchmarkRuntime = Pick<Runtime, "database" | "config" | "logger" | "registry" | "knowledge">;

export type SourceOutcome = { source: SyncedSource; records: number; matched: number; note?: string; error?: string };
export type SyncResult = {
  run_id: number;
  status: "completed" | "failed";
  synced: number;
  matched_models: string[];
  total_models: number;
  sources: SourceOutcome[];
};

const syncing = new WeakMap<DatabaseHandle, Promise<SyncResult>>();

/** The sources a sync reads, in order: the configured ones, then the bundled table. */
export function configuredSources(config: BenchmarkRuntime["config"]): SyncedSource[] {
  return [...config.ROUTER_BENCHMARK_SOURCES, ...(config.ROUTER_BENCHMARK_BUNDLED ? (["bundled"] as const) : [])];
}

/**
 * Fetches every configured source, matches it to the backends' models and stores the result.
 * Concurrent callers in one process share one run; `runId` is a run row already claimed (schedule.ts).
 */
export function syncBenchmarks(runtime: BenchmarkRuntime, options: { runId?: number } = {}): Promise<SyncResult> {
  const running = syncing.get(runtime.database);
  if (running) return running;
  const run = runSync(runtime, options.runId).finally(() => syncing.delete(runtime.database));
  syncing.set(runtime.database, run);
  return run;
}

async function runSync(runtime: BenchmarkRuntime, claimedRunId?: number): Promise<SyncResult> {
  const { database, logger } = runtime;
  const sources = configuredSources(runtime.config);
  const run = claimedRunId !== undefined ? { id: claimedRunId } : (await database.db.insert(benchmarkSyncRuns).values({ status: "running", sources }).returning({ id: benchmarkSyncRuns.id }))[0];
  try {
    const models = runtime.registry.models().map((model) => model.name);
    const fetched = await Promise.all(sources.map((source) => fetchSource(runtime, source)));
    const aliases = await aliasMap(database);
    const outcomes: SourceOutcome[] = [];
    const rows: NewModelBenchmark[] = [];
    const written: SyncedSource[] = [];
    for (const { source, result, error } of fetched) {
      if (!result) {
        recordBenchmarkSourceSync(source, "error");
        outcomes.push({ source, records: 0, matched: 0, error });
        continue;
      }
      const matched = models.length ? matchRecords(models, result.records, await sourceAliases(runtime, source, result, aliases)) : [];
      if (result.skipped) recordBenchmarkSourceSync(source, "skipped");
      else recordBenchmarkSourceSync(source, "ok", matched.length);
      const calibration = calibrationFor(result.records);
      rows.push(...matched.map((match) => benchmarkRow(source, match, calibration)));
      if (!result.skipped) written.push(source);
      outcomes.push({ source, records: result.records.length, matched: matched.length, note: result.note });
    }
    await database.db.transaction(async (tx) => {
      // A source that answered replaces its rows for the models we serve; a failed one keeps its old rows.
      if (written.length && models.length) await tx.delete(modelBenchmarks).where(and(inArray(modelBenchmarks.source, written), inArray(modelBenchmarks.modelName, models)));
      if (rows.length) await tx.insert(modelBenchmarks).values(rows);
    });
    const failures = outcomes.filter((outcome) => outcome.error);
    const status = sources.length > 0 && failures.length === sources.length ? "failed" : "completed";
    const matchedModels = [...new Set(rows.map((row) => row.modelName))].sort();
    const problem = failures.map((outcome) => `${outcome.source}: ${outcome.error}`).join("; ") || (models.length ? null : "no models known yet");
    await database.db.update(benchmarkSyncRuns).set({ status, finishedAt: new Date(), modelsCount: matchedModels.length, error: problem }).where(eq(benchmarkSyncRuns.id, run.id));
    if (failures.length) logger.warn("benchmark sync: some sources failed", { failures: problem });
    logger.info("benchmark sync finished", { status, matched: matchedModels.length, models: models.length });
    await runtime.knowledge.refresh();
    return { run_id: run.id, status, synced: rows.length, matched_models: matchedModels, total_models: models.length, sources: outcomes };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    await database.db.update(benchmarkSyncRuns).set({ status: "failed", finishedAt: new Date(), error: message.slice(0, 2000) }).where(eq(benchmarkSyncRuns.id, run.id));
    throw error;
  }
}

/** Operator aliases, plus for ArtificialAnalysis the original's mapping file (operator aliases win). */
async function sourceAliases(runtime: BenchmarkRuntime, source: SyncedSource, result: SourceFetch, aliases: Map<string, string[]>): Promise<Map<string, string[]>> {
  const file = runtime.config.ROUTER_ARTIFICIAL_ANALYSIS_MODEL_MAPPING_FILE;
  if (source !== "artificial_analysis" || !file || result.records.length === 0) return aliases;
  try {
    const fromFile = aaMappingAliases(await readFile(file, "utf8"), result.records);
    return new Map([...fromFile, ...aliases]);
  } catch (error) {
    runtime.logger.warn("ArtificialAnalysis mapping file ignored", { file, error });
    result.note = `mapping file ignored: ${error instanceof Error ? error.message : String(error)}`;
    return aliases;
  }
}

async function fetchSource(runtime: BenchmarkRuntime, source: SyncedSource): Promise<{ source: SyncedSource; result?: SourceFetch; error?: string }> {
  const { config } = runtime;
  const maxRows = config.ROUTER_BENCHMARK_MAX_ROWS;
  try {
    const result =
      source === "huggingface"
        ? await fetchHuggingFace(config.ROUTER_BENCHMARK_HUGGINGFACE_URL, maxRows)
        : source === "lmsys"
          ? await fetchLmArena(config.ROUTER_BENCHMARK_LMSYS_URL, maxRows)
          : source === "artificial_analysis"
            ? await fetchArtificialAnalysis(config.ROUTER_ARTIFICIAL_ANALYSIS_URL, config.ROUTER_ARTIFICIAL_ANALYSIS_API_KEY, config.ROUTER_ARTIFICIAL_ANALYSIS_CACHE_TTL)
            : { records: bundledRecords() };
    return { source, result };
  } catch (error) {
    return { source, error: error instanceof Error ? error.message : String(error) };
  }
}

function benchmarkRow(source: BenchmarkSource, match: MatchedRecord, calibration: Calibration | undefined, modelName = match.model): NewModelBenchmark {
  const { record } = match;
  const m = record.metrics;
  return {
    modelName,
    source,
    matchedName: record.name,
    mmlu: m.mmlu,
    mmluPro: m.mmlu_pro,
    humaneval: m.humaneval ?? m.livecodebench,
    math: m.math,
    gpqa: m.gpqa,
    eloRating: m.elo,
    throughput: record.throughput,
    contextWindow: record.contextWindow,
    scores: categoryScores(m, calibration),
    extra: { metrics: m, confidence: match.confidence, match_reason: match.reason, source_url: record.url, calibrated: Boolean(calibration), ...record.extra },
    lastUpdated: new Date(),
  };
}

export type ImportResult = { imported: number; matched: { name: string; model: string; confidence: number }[]; unmatched: string[] };

/**
 * Stores an operator's file (source "file"). A bad file is refused whole (ImportError → 400) and
 * nothing is written. Rows that match no backend model are kept under the name given, so they
 * apply once a model of that name appears.
 */
export async function importBenchmarks(runtime: BenchmarkRuntime, text: string, format: "csv" | "json"): Promise<ImportResult> {
  const records = parseImportFile(text, format);
  const models = runtime.registry.models().map((model) => model.name);
  const matches = matchRecords(models, records, await aliasMap(runtime.database));
  const used = new Set<BenchmarkRecord>(matches.map((match) => match.record));
  const unmatched = records.filter((record) => !used.has(record));
  // A file with both reference models calibrates itself; else it is read like the bundled table
  // (vendor-published figures, which is what operators usually have).
  const calibration = calibrationFor(records) ?? calibrationFor(bundledRecords());
  const rows = [
    ...matches.map((match) => benchmarkRow("file", match, calibration)),
    ...unmatched.map((record) => benchmarkRow("file", { model: record.name, record, confidence: 1, reason: "stored under the name given" }, calibration)),
  ];
  await runtime.database.db.transaction(async (tx) => {
    await tx.delete(modelBenchmarks).where(and(eq(modelBenchmarks.source, "file"), inArray(modelBenchmarks.modelName, rows.map((row) => row.modelName))));
    await tx.insert(modelBenchmarks).values(rows);
  });
  await runtime.knowledge.refresh();
  return {
    imported: rows.length,
    matched: matches.map((match) => ({ name: match.record.name, model: match.model, confidence: match.confidence })),
    unmatched: unmatched.map((record) => record.name),
  };
}

/** GET /admin/benchmarks: the original's fields (`ollama_name`, `mmlu`, …) plus source, match and category scores. */
export async function listBenchmarks(database: DatabaseHandle, page: { limit: number; offset: number }) {
  const [rows, [{ total }], [last]] = await Promise.all([
    database.db.select().from(modelBenchmarks).orderBy(asc(modelBenchmarks.modelName), asc(modelBenchmarks.source)).limit(page.limit).offset(page.offset),
    database.db.select({ total: count() }).from(modelBenchmarks),
    database.db.select().from(benchmarkSyncRuns).orderBy(desc(benchmarkSyncRuns.startedAt), desc(benchmarkSyncRuns.id)).limit(1),
  ]);
  return {
    total,
    limit: page.limit,
    offset: page.offset,
    benchmarks: rows.map((row) => ({
      ollama_name: row.modelName,
      source: row.source,
      matched_name: row.matchedName,
      confidence: typeof row.extra?.confidence === "number" ? row.extra.confidence : null,
      full_name: row.matchedName,
      mmlu: row.mmlu,
      mmlu_pro: row.mmluPro,
      humaneval: row.humaneval,
      math: row.math,
      gpqa: row.gpqa,
      elo_rating: row.eloRating,
      throughput: row.throughput,
      // SmarterRouter's derived fields, from the category scores.
      reasoning_score: row.scores.reasoning ?? null,
      coding_score: row.scores.coding ?? null,
      general_score: row.scores.general ?? null,
      scores: row.scores,
      metrics: row.extra?.metrics ?? {},
      source_url: row.extra?.source_url ?? null,
      last_updated: row.lastUpdated.toISOString(),
    })),
    last_sync: last ? (last.finishedAt ?? last.startedAt).toISOString() : null,
    sync_status: last?.status ?? null,
    last_sync_error: last?.error ?? null,
  };
}

export async function lastSyncRun(database: DatabaseHandle): Promise<BenchmarkSyncRun | undefined> {
  const [last] = await database.db.select().from(benchmarkSyncRuns).orderBy(desc(benchmarkSyncRuns.startedAt), desc(benchmarkSyncRuns.id)).limit(1);
  return last;
}

/**
 * Each source the console shows: the configured ones, the bundled table and imported files, with
 * how many rows it holds, when they were written, and how the last sync went for it.
 */
export async function benchmarkSourceStatus(runtime: Pick<BenchmarkRuntime, "database" | "config">) {
  const [rows, last] = await Promise.all([
    runtime.database.db.select({ source: modelBenchmarks.source, rows: count(), updated: max(modelBenchmarks.lastUpdated) }).from(modelBenchmarks).groupBy(modelBenchmarks.source),
    lastSyncRun(runtime.database),
  ]);
  const configured: BenchmarkSource[] = configuredSources(runtime.config);
  const sources = [...new Set<BenchmarkSource>([...configured, ...((last?.sources ?? []) as BenchmarkSource[]), ...rows.map((row) => row.source), "file"])];
  // A run records its failures as "source: message; source: message" (see runSync).
  const failures = new Map((last?.error ?? "").split("; ").map((part) => [part.slice(0, part.indexOf(": ")), part.slice(part.indexOf(": ") + 2)] as const));
  return {
    lastRun: last ? { id: last.id, status: last.status, startedAt: last.startedAt.toISOString(), finishedAt: last.finishedAt?.toISOString() ?? null, error: last.error } : null,
    sources: sources.map((source) => {
      const stored = rows.find((row) => row.source === source);
      const inLastRun = Boolean(last?.sources.includes(source));
      return {
        source,
        configured: source === "file" || configured.includes(source),
        rows: stored?.rows ?? 0,
        lastUpdated: stored?.updated ? new Date(stored.updated).toISOString() : null,
        lastRun: !inLastRun || !last ? null : last.status === "running" ? "running" : failures.has(source) ? "failed" : "ok",
        error: inLastRun ? (failures.get(source) ?? null) : null,
      };
    }),
  };
}

/** Each backend model with the benchmark name each source matched it to, and how sure the match is. */
export async function matchReview(runtime: Pick<BenchmarkRuntime, "database" | "registry">) {
  const models = runtime.registry.models();
  const names = models.map((model) => model.name);
  const [rows, aliases] = await Promise.all([
    names.length
      ? runtime.database.db
          .select({ model: modelBenchmarks.modelName, source: modelBenchmarks.source, matchedName: modelBenchmarks.matchedName, extra: modelBenchmarks.extra })
          .from(modelBenchmarks)
          .where(inArray(modelBenchmarks.modelName, names))
      : Promise.resolve([]),
    aliasMap(runtime.database),
  ]);
  return models.map((model) => ({
    model: model.name,
    backend: model.backend,
    alias: aliases.get(model.name) ?? null,
    matches: rows
      .filter((row) => row.model === model.name)
      .map((row) => ({
        source: row.source,
        benchmark_name: row.matchedName,
        confidence: typeof row.extra?.confidence === "number" ? row.extra.confidence : null,
        reason: typeof row.extra?.match_reason === "string" ? row.extra.match_reason : null,
      }))
      .sort((a, b) => a.source.localeCompare(b.source)),
  }));
}

export class AliasInputError extends Error {}

const MAX_ALIAS_NAMES = 10;
const MAX_NAME_CHARS = 256;

export async function listAliases(database: DatabaseHandle) {
  const rows = await database.db.select().from(benchmarkAliases).orderBy(asc(benchmarkAliases.modelName));
  return rows.map((row) => ({ model: row.modelName, benchmark_names: row.benchmarkNames, updated_at: row.updatedAt.toISOString(), updated_by: row.updatedBy }));
}

/** Pins a backend model to these benchmark names (they take effect at the next sync or import). */
export async function setAlias(database: DatabaseHandle, model: unknown, names: unknown, updatedBy = "admin") {
  const modelName = validName(model, "model");
  if (!Array.isArray(names) || names.length === 0 || names.length > MAX_ALIAS_NAMES) throw new AliasInputError(`'benchmark_names' must be a list of 1 to ${MAX_ALIAS_NAMES} names`);
  const benchmarkNames = [...new Set(names.map((name) => validName(name, "benchmark_names")))];
  await database.db
    .insert(benchmarkAliases)
    .values({ modelName, benchmarkNames, updatedBy })
    .onConflictDoUpdate({ target: benchmarkAliases.modelName, set: { benchmarkNames, updatedBy, updatedAt: new Date() } });
  return { model: modelName, benchmark_names: benchmarkNames };
}

/** True when there was an alias to remove. */
export async function removeAlias(database: DatabaseHandle, model: unknown): Promise<boolean> {
  const modelName = validName(model, "model");
  const removed = await database.db.delete(benchmarkAliases).where(eq(benchmarkAliases.modelName, modelName)).returning({ model: benchmarkAliases.modelName });
  return removed.length > 0;
}

async function aliasMap(database: DatabaseHandle): Promise<Map<string, string[]>> {
  const rows = await database.db.select({ model: benchmarkAliases.modelName, names: benchmarkAliases.benchmarkNames }).from(benchmarkAliases);
  return new Map(rows.map((row) => [row.model, row.names]));
}

function validName(value: unknown, field: string): string {
  if (typeof value !== "string" || !value.trim()) throw new AliasInputError(`'${field}' must be a non-empty string`);
  if (value.length > MAX_NAME_CHARS) throw new AliasInputError(`'${field}' is longer than ${MAX_NAME_CHARS} characters`);
  return value.trim();
}
