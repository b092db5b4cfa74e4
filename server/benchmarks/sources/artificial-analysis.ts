import { parse as parseYaml } from "yaml";
import { fetchBenchmarkDocument } from "../../backends/benchmark-fetch";
import { asPercent, toNumber, type BenchmarkMetrics } from "../categories";
import type { BenchmarkRecord, SourceFetch } from "../types";
import { SourceFormatError } from "./datasets-server";

// ArtificialAnalysis API v2: GET /api/v2/data/llms/models with `x-api-key`, answering
// `{"status":200,"data":[{"id","name","slug","model_creator":{…},"evaluations":{…},
// "median_output_tokens_per_second",…}]}`. Evaluations are fractions (mmlu_pro 0.748), the
// indices are on a 0..100 scale. The free tier allows 1,000 requests a day, so answers are cached
// for ROUTER_ARTIFICIAL_ANALYSIS_CACHE_TTL seconds (the original's cache never worked).

type AaModel = {
  id?: unknown;
  name?: unknown;
  slug?: unknown;
  model_creator?: { name?: unknown; slug?: unknown };
  evaluations?: Record<string, unknown>;
  median_output_tokens_per_second?: unknown;
  median_time_to_first_token_seconds?: unknown;
};

export function artificialAnalysisRecords(body: string): BenchmarkRecord[] {
  let json: { data?: unknown };
  try {
    json = JSON.parse(body) as { data?: unknown };
  } catch {
    throw new SourceFormatError("not JSON");
  }
  if (!json || !Array.isArray(json.data)) throw new SourceFormatError('no "data" array');
  const records: BenchmarkRecord[] = [];
  for (const model of json.data as AaModel[]) {
    if (!model || typeof model.name !== "string" || !model.name.trim()) continue;
    const evaluations = model.evaluations ?? {};
    const metrics: BenchmarkMetrics = {};
    const put = (metric: keyof BenchmarkMetrics, value: number | undefined) => {
      if (value !== undefined) metrics[metric] = value;
    };
    put("mmlu_pro", asPercent(evaluations.mmlu_pro));
    put("gpqa", asPercent(evaluations.gpqa));
    put("livecodebench", asPercent(evaluations.livecodebench));
    put("math", asPercent(evaluations.math_500));
    put("aa_intelligence", toNumber(evaluations.artificial_analysis_intelligence_index));
    put("aa_coding", toNumber(evaluations.artificial_analysis_coding_index));
    put("aa_math", toNumber(evaluations.artificial_analysis_math_index));
    if (Object.keys(metrics).length === 0) continue;
    const slug = typeof model.slug === "string" ? model.slug : undefined;
    records.push({
      name: model.name.trim(),
      metrics,
      hints: { defaultVariant: "instruct" },
      throughput: toNumber(model.median_output_tokens_per_second),
      url: slug ? `https://artificialanalysis.ai/models/${slug}` : "https://artificialanalysis.ai/",
      extra: {
        artificial_analysis_id: model.id,
        model_creator: model.model_creator?.name,
        time_to_first_token_seconds: toNumber(model.median_time_to_first_token_seconds),
      },
    });
  }
  return records;
}

const cache = new Map<string, { at: number; records: BenchmarkRecord[] }>();

export async function fetchArtificialAnalysis(url: string, apiKey: string | undefined, cacheTtlSeconds: number): Promise<SourceFetch> {
  if (!apiKey) return { records: [], skipped: true, note: "skipped: ROUTER_ARTIFICIAL_ANALYSIS_API_KEY is not set" };
  const cached = cache.get(url);
  if (cached && Date.now() - cached.at < cacheTtlSeconds * 1000) return { records: cached.records, note: "cached answer" };
  const response = await fetchBenchmarkDocument(url, { headers: { "x-api-key": apiKey } });
  if (response.status === 401 || response.status === 403) throw new Error("ArtificialAnalysis refused the API key (HTTP 401)");
  if (response.status === 429) throw new Error("ArtificialAnalysis rate limit reached (HTTP 429); the free tier allows 1,000 requests a day");
  if (response.status !== 200) throw new Error(`ArtificialAnalysis answered HTTP ${response.status}`);
  const records = artificialAnalysisRecords(response.body);
  cache.set(url, { at: Date.now(), records });
  return { records };
}

/** Tests: forget cached answers. */
export function clearArtificialAnalysisCache(): void {
  cache.clear();
}

/**
 * ROUTER_ARTIFICIAL_ANALYSIS_MODEL_MAPPING_FILE: `mappings:` as a dict (AA id or name → local model)
 * or as the list the original's example shipped (`- aa_id: … ollama_name: …`), which the original
 * could not read. Returns local model → the AA names it maps to.
 */
export function aaMappingAliases(yamlText: string, records: readonly BenchmarkRecord[]): Map<string, string[]> {
  const parsed = parseYaml(yamlText) as { mappings?: unknown } | null;
  const mappings = parsed?.mappings;
  const pairs: [string, string][] = [];
  if (Array.isArray(mappings)) {
    for (const entry of mappings as Record<string, unknown>[]) {
      const key = entry?.aa_id ?? entry?.aa_name ?? entry?.id ?? entry?.name;
      const local = entry?.ollama_name ?? entry?.model ?? entry?.local_name;
      if (typeof key === "string" && typeof local === "string") pairs.push([key, local]);
    }
  } else if (mappings && typeof mappings === "object") {
    for (const [key, local] of Object.entries(mappings)) if (typeof local === "string") pairs.push([key, local]);
  } else {
    throw new SourceFormatError("the mapping file has no 'mappings' dict or list");
  }
  const aliases = new Map<string, string[]>();
  for (const [key, local] of pairs) {
    const record = records.find((candidate) => candidate.extra?.artificial_analysis_id === key || candidate.name === key);
    if (record) aliases.set(local, [...(aliases.get(local) ?? []), record.name]);
  }
  return aliases;
}
