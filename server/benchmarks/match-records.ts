import { builtinAliases } from "./builtin-aliases";
import { bestMatch, prepareCandidates } from "./name-match";
import type { BenchmarkRecord } from "./types";

export type MatchedRecord = { model: string; record: BenchmarkRecord; confidence: number; reason: string };

/**
 * The record each local model takes from one source: its exact name first, then operator aliases
 * (which, when set, are the only names allowed), then built-in aliases, then the name rules.
 */
export function matchRecords(models: readonly string[], records: readonly BenchmarkRecord[], aliases: ReadonlyMap<string, readonly string[]>): MatchedRecord[] {
  const candidates = prepareCandidates(records.map((record) => ({ name: record.name, hints: record.hints, item: record })));
  const exact = new Map(records.map((record) => [record.name.toLowerCase(), record]));
  const matched: MatchedRecord[] = [];
  for (const model of models) {
    const same = exact.get(model.toLowerCase());
    if (same) {
      matched.push({ model, record: same, confidence: 1, reason: "same name" });
      continue;
    }
    const best = bestMatch(model, candidates, aliases.get(model) ?? builtinAliases(model));
    if (best) matched.push({ model, record: best.item, confidence: best.confidence, reason: best.reason });
  }
  return matched;
}
