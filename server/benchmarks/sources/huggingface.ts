import { asPercent, toNumber, type BenchmarkMetrics } from "../categories";
import type { BenchmarkRecord, SourceFetch } from "../types";
import { fetchDatasetsServerRows } from "./datasets-server";

// Open LLM Leaderboard v2 (`open-llm-leaderboard/contents`). Its headline columns ("IFEval",
// "MMLU-PRO", …) are already rescaled by the leaderboard; the "… Raw" columns are the plain
// accuracies (0..1) and are what we read, so every source goes through the same scaling.

const RAW_COLUMNS: [string, keyof BenchmarkMetrics][] = [
  ["IFEval Raw", "ifeval"],
  ["BBH Raw", "bbh"],
  ["MATH Lvl 5 Raw", "math"],
  ["GPQA Raw", "gpqa"],
  ["MUSR Raw", "musr"],
  ["MMLU-PRO Raw", "mmlu_pro"],
];

export function huggingFaceRecord(row: Record<string, unknown>): BenchmarkRecord | undefined {
  const name = typeof row.fullname === "string" ? row.fullname.trim() : typeof row.Model === "string" ? row.Model.replace(/<[^>]*>/g, "").trim() : "";
  if (!name || row.Flagged === true) return undefined;
  const metrics: BenchmarkMetrics = {};
  for (const [column, metric] of RAW_COLUMNS) {
    const value = asPercent(row[column]);
    if (value !== undefined) metrics[metric] = value;
  }
  if (Object.keys(metrics).length === 0) return undefined;
  const type = typeof row.Type === "string" ? row.Type.toLowerCase() : "";
  return {
    name,
    metrics,
    hints: {
      parametersB: toNumber(row["#Params (B)"]),
      variant: type.includes("chat") ? "instruct" : type.includes("pretrained") ? "base" : undefined,
      // The leaderboard lists base models bare ("Qwen/Qwen2.5-7B").
      defaultVariant: "base",
      official: row["Official Providers"] === true,
    },
    url: `https://huggingface.co/${name}`,
    extra: { precision: row.Precision, average: toNumber(row["Average ⬆️"]) },
  };
}

export async function fetchHuggingFace(url: string, maxRows: number): Promise<SourceFetch> {
  const rows = await fetchDatasetsServerRows(url, maxRows);
  const records = rows.map(huggingFaceRecord).filter((record): record is BenchmarkRecord => record !== undefined);
  return { records, note: `${rows.length} leaderboard rows read` };
}
