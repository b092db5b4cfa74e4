import { BENCHMARK_METRICS, asPercent, toNumber, type BenchmarkMetric, type BenchmarkMetrics } from "./categories";
import { CsvError, parseCsv } from "./csv";
import type { BenchmarkRecord } from "./types";

// Operator files of benchmark figures, CSV or JSON, one row per model:
//   model,mmlu_pro,gpqa,humaneval,elo,source_url
//   llama3.1:8b,48.3,30.4,72.6,1176,https://…
// `model` is a backend tag or a benchmark name (matched like synced data). Figures are percent
// or fractions (0.483); `elo` is an arena rating. A file with any bad row is refused whole.

export const IMPORT_LIMITS = { maxRows: 1000, maxNameChars: 256, maxErrors: 10 } as const;

export class ImportError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join("; "));
  }
}

const NAME_COLUMNS = ["model", "name", "model_name"];
const URL_COLUMNS = ["source_url", "url", "source"];
const COLUMN_ALIASES: Record<string, BenchmarkMetric> = { "mmlu-pro": "mmlu_pro", mmlupro: "mmlu_pro", "math_500": "math", "math-500": "math", arena_score: "elo", rating: "elo", elo_rating: "elo" };
const RATINGS = new Set<BenchmarkMetric>(["elo", "arena_coding", "arena_math", "arena_creative", "arena_instruction", "arena_hard"]);

export function parseImportFile(text: string, format: "csv" | "json"): BenchmarkRecord[] {
  let rows: Record<string, unknown>[];
  if (format === "csv") {
    try {
      rows = parseCsv(text);
    } catch (error) {
      throw new ImportError([error instanceof CsvError ? error.message : "the CSV cannot be read"]);
    }
  } else {
    rows = jsonRows(text);
  }
  if (rows.length === 0) throw new ImportError(["the file has no rows"]);
  if (rows.length > IMPORT_LIMITS.maxRows) throw new ImportError([`the file has ${rows.length} rows; at most ${IMPORT_LIMITS.maxRows} are accepted`]);
  const problems: string[] = [];
  const records: BenchmarkRecord[] = [];
  const seen = new Set<string>();
  rows.forEach((row, index) => {
    const where = `row ${index + 1}`;
    const record = readRow(row, (problem) => problems.push(`${where}: ${problem}`));
    if (!record) return;
    if (seen.has(record.name.toLowerCase())) problems.push(`${where}: model '${record.name}' appears twice`);
    seen.add(record.name.toLowerCase());
    records.push(record);
  });
  if (problems.length) throw new ImportError(problems.slice(0, IMPORT_LIMITS.maxErrors));
  return records;
}

function jsonRows(text: string): Record<string, unknown>[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    throw new ImportError(["the body is not valid JSON"]);
  }
  const list = Array.isArray(json) ? json : (json as { benchmarks?: unknown; rows?: unknown } | null)?.benchmarks ?? (json as { rows?: unknown } | null)?.rows;
  if (!Array.isArray(list)) throw new ImportError(['expected a JSON array of rows, or {"benchmarks": [...]}']);
  if (list.some((row) => !row || typeof row !== "object" || Array.isArray(row))) throw new ImportError(["every row must be a JSON object"]);
  return list as Record<string, unknown>[];
}

function readRow(row: Record<string, unknown>, problem: (text: string) => void): BenchmarkRecord | undefined {
  let name: string | undefined;
  let url: string | undefined;
  const metrics: BenchmarkMetrics = {};
  for (const [rawKey, value] of Object.entries(row)) {
    const key = rawKey.trim().toLowerCase();
    if (NAME_COLUMNS.includes(key)) {
      if (typeof value === "string" && value.trim()) name = value.trim();
      continue;
    }
    if (URL_COLUMNS.includes(key)) {
      if (typeof value === "string" && value.trim()) url = value.trim();
      continue;
    }
    const metric = COLUMN_ALIASES[key] ?? (BENCHMARK_METRICS as readonly string[]).find((known) => known === key);
    if (!metric) {
      problem(`unknown column '${rawKey.slice(0, 40)}' (known: model, source_url, ${BENCHMARK_METRICS.join(", ")})`);
      continue;
    }
    if (value === null || value === undefined || value === "") continue;
    const reading = readMetric(metric as BenchmarkMetric, value);
    if (typeof reading === "string") problem(`'${rawKey}' ${reading}`);
    else metrics[metric as BenchmarkMetric] = reading;
  }
  if (!name) {
    problem("'model' is missing");
    return undefined;
  }
  if (name.length > IMPORT_LIMITS.maxNameChars) problem(`'model' is longer than ${IMPORT_LIMITS.maxNameChars} characters`);
  if (url !== undefined && !/^https?:\/\/\S+$/i.test(url)) problem("'source_url' must be an http(s) URL");
  if (Object.keys(metrics).length === 0) problem("no benchmark figure in the row");
  return { name, metrics, url, hints: { defaultVariant: "instruct" } };
}

function readMetric(metric: BenchmarkMetric, value: unknown): number | string {
  const number = toNumber(value);
  if (number === undefined) return "is not a number";
  if (RATINGS.has(metric)) return number >= 200 && number <= 4000 ? number : "must be an arena rating between 200 and 4000";
  if (metric.startsWith("aa_")) return number >= 0 && number <= 100 ? number : "must be between 0 and 100";
  return asPercent(number) ?? "must be a fraction (0..1) or a percentage (0..100)";
}
