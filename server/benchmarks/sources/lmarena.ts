import { fetchBenchmarkDocument } from "../../backends/benchmark-fetch";
import { toNumber, type BenchmarkMetric, type BenchmarkMetrics } from "../categories";
import { parseCsv } from "../csv";
import type { BenchmarkRecord, SourceFetch } from "../types";
import { fetchDatasetsServerRows, SourceFormatError } from "./datasets-server";

// LMArena (formerly LMSYS Chatbot Arena). Read from the published leaderboard dataset
// (`lmarena-ai/leaderboard-dataset`: one row per model and category, with `model_name`, `rating`,
// `category`), or from a CSV/JSON export with a model column and a rating column ("Arena Score",
// "rating", "elo") as the older leaderboard files have.

const CATEGORY_METRICS: [RegExp, BenchmarkMetric][] = [
  [/^(overall|text|default)$/, "elo"],
  [/^coding$/, "arena_coding"],
  [/^math$/, "arena_math"],
  [/^creative/, "arena_creative"],
  [/^instruction/, "arena_instruction"],
  [/^hard/, "arena_hard"],
];
// Arena-Hard style 0..100 scores are not ratings on the Elo scale: such rows are skipped.
const MIN_RATING = 200;

/** Folds per-category rows into one record per model. */
export function lmArenaRecords(rows: Record<string, unknown>[]): BenchmarkRecord[] {
  const byModel = new Map<string, BenchmarkRecord>();
  for (const row of rows) {
    const name = firstText(row, ["model_name", "Model", "model", "key", "name"])?.replace(/<[^>]*>/g, "").trim();
    const rating = toNumber(row.rating ?? row["Arena Score"] ?? row["Arena Elo rating"] ?? row.elo ?? row.Elo ?? row.score);
    if (!name || rating === undefined || rating < MIN_RATING) continue;
    const category = (firstText(row, ["category", "Category"]) ?? "overall").toLowerCase().replace(/[\s-]+/g, "_");
    const metric = CATEGORY_METRICS.find(([pattern]) => pattern.test(category))?.[1];
    if (!metric) continue;
    const record = byModel.get(name) ?? byModel.set(name, { name, metrics: {}, hints: { defaultVariant: "instruct" }, url: "https://lmarena.ai/leaderboard", extra: {} }).get(name)!;
    (record.metrics as BenchmarkMetrics)[metric] = rating;
    const votes = toNumber(row.vote_count ?? row.Votes ?? row.num_battles);
    if (metric === "elo" && votes !== undefined) record.extra = { ...record.extra, votes };
  }
  return [...byModel.values()];
}

export function parseLmArenaDocument(body: string, contentType: string): Record<string, unknown>[] {
  const trimmed = body.trimStart();
  if (!contentType.includes("json") && !trimmed.startsWith("{") && !trimmed.startsWith("[")) return parseCsv(body);
  let json: unknown;
  try {
    json = JSON.parse(body);
  } catch {
    throw new SourceFormatError("not JSON");
  }
  if (Array.isArray(json)) return json.filter((row): row is Record<string, unknown> => Boolean(row) && typeof row === "object");
  const rows = (json as { rows?: unknown }).rows;
  if (Array.isArray(rows)) return rows.map((entry) => (entry as { row?: Record<string, unknown> }).row ?? (entry as Record<string, unknown>));
  throw new SourceFormatError('expected a JSON array or a "rows" array');
}

export async function fetchLmArena(url: string, maxRows: number): Promise<SourceFetch> {
  const rows = isDatasetsServer(url) ? await fetchDatasetsServerRows(url, maxRows) : await fetchDocumentRows(url, maxRows);
  const records = lmArenaRecords(rows);
  return { records, note: `${rows.length} leaderboard rows read` };
}

async function fetchDocumentRows(url: string, maxRows: number): Promise<Record<string, unknown>[]> {
  const response = await fetchBenchmarkDocument(url);
  if (response.status !== 200) throw new Error(`${new URL(url).host} answered HTTP ${response.status}`);
  return parseLmArenaDocument(response.body, response.contentType).slice(0, maxRows);
}

function isDatasetsServer(url: string): boolean {
  const parsed = new URL(url);
  return parsed.pathname.endsWith("/rows") && parsed.searchParams.has("dataset");
}

function firstText(row: Record<string, unknown>, keys: string[]): string | undefined {
  for (const key of keys) {
    const value = row[key];
    if (typeof value === "string" && value.trim()) return value;
  }
  return undefined;
}
