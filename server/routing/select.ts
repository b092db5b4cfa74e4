import { assessQuality, scoreCandidates, scoringContext, type ScoringContext } from "./score";
import type { Candidate, PromptAnalysis, RoutingDecision, RoutingSettings, ScoredCandidate } from "./types";

/** Settings before an operator changes anything: a balanced router with feedback on. */
export const DEFAULT_ROUTING_SETTINGS: RoutingSettings = {
  qualityPreference: 0.5,
  preferNewerModels: false,
  feedbackEnabled: true,
  minimumSizeB: {},
  overrides: {},
  newModels: [],
};

/** Scores every candidate and explains the choice; `ranked` is the gateway's fallback order. */
export function selectModels(analysis: PromptAnalysis, candidates: readonly Candidate[], settings: RoutingSettings): RoutingDecision {
  const context = scoringContext(analysis, settings);
  const scored = scoreCandidates(analysis, candidates, settings, context);
  const ranked: ScoredCandidate[] = [];
  const rejected: ScoredCandidate[] = [];
  for (const candidate of scored) (candidate.rejectedReason === undefined ? ranked : rejected).push(candidate);
  const top = ranked[0];
  const topCandidate = top && candidates.find((candidate) => candidate.name === top.model && candidate.backend === top.backend);
  const head = `${analysis.category}/${analysis.tier}: `;
  const choice =
    top && topCandidate
      ? `${top.model} — ${explainChoice(top, topCandidate, context)}`
      : candidates.length === 0
        ? "no model can serve this request (no models available)"
        : "no model can serve this request";
  return { analysis, candidates: scored, ranked, reasoning: head + choice + summarizeRejections(rejected, ranked.length === 0) };
}

function explainChoice(top: ScoredCandidate, candidate: Candidate, context: ScoringContext): string {
  const { profile, benchmark, prior, sizeB } = assessQuality(candidate, context);
  const source =
    profile !== undefined
      ? `profile ${profile.toFixed(2)}`
      : benchmark !== undefined
        ? `benchmark ${benchmark.toFixed(2)}`
        : `size prior ${prior.toFixed(2)}${sizeB !== undefined ? `, ${formatSize(sizeB)}` : ", size unknown"}`;
  const { quality = 0, speed = 0 } = top.components;
  const category = context.analysis.category;
  // Which side of the utility carried the choice.
  const why =
    quality >= 1.5 * speed
      ? `best ${category} quality (${source})${speed > 0 ? " at acceptable speed" : ""}`
      : speed >= 1.5 * quality
        ? `fastest adequate model (${category}: ${source})`
        : `best balance of ${category} quality (${source}) and speed`;
  const extras: string[] = [];
  if (top.components.pinned) extras.push("pinned");
  if (top.components.minimumSize) extras.push("below the minimum size");
  if ((top.components.adjustment ?? 0) !== 0) extras.push(`operator adjustment ${signed(top.components.adjustment ?? 0)}`);
  if (top.components.loaded) extras.push("already loaded");
  return `${why}${extras.length ? ` (${extras.join(", ")})` : ""}, score ${top.score.toFixed(2)}`;
}

/** "; 2 models rejected: no vision (a, b); backend unreachable (c)" */
function summarizeRejections(rejected: readonly ScoredCandidate[], allRejected: boolean): string {
  if (rejected.length === 0) return "";
  const byReason = new Map<string, string[]>();
  for (const { model, rejectedReason } of rejected) {
    const reason = rejectedReason ?? "rejected";
    const models = byReason.get(reason);
    if (models) models.push(model);
    else byReason.set(reason, [model]);
  }
  const reasons = [...byReason].map(([reason, models]) => {
    const shown = models.slice(0, 3).join(", ") + (models.length > 3 ? `, +${models.length - 3} more` : "");
    return `${reason} (${shown})`;
  });
  const count = rejected.length === 1 ? "1 model" : `${allRejected ? "all " : ""}${rejected.length} models`;
  return `; ${count} rejected: ${reasons.join("; ")}`;
}

function formatSize(sizeB: number): string {
  return sizeB < 1 ? `${Math.round(sizeB * 1000)}M` : `${Math.round(sizeB * 10) / 10}B`;
}

function signed(value: number): string {
  return `${value > 0 ? "+" : ""}${value.toFixed(2)}`;
}
