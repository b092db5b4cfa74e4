import { desc, isNotNull } from "drizzle-orm";
import type { ChatMessage } from "../backends/types";
import { readRoutingSettings, readStoredRoutingPatch, routingDefaults, routingSettingsPatch, writeRoutingSettings, type RoutingSettingsPatch } from "../config/live-settings";
import { routingDecisions } from "../db/schema";
import { explainDecision, candidatesFor } from "../gateway/route-request";
import { analyzePrompt } from "../routing/analyze";
import { TASK_CATEGORIES, type TaskCategory } from "../routing/categories";
import { DEFAULT_MINIMUM_SIZE_B, SOURCE_WEIGHTS } from "../routing/score";
import { selectModels } from "../routing/select";
import type { PromptAnalysis, RoutingSettings } from "../routing/types";
import type { Runtime } from "../runtime";

// The Routing page: live settings, the playground (the explain contract, optionally under edited,
// unsaved settings) and the what-if (re-score recent decisions under edited settings).

export async function readConsoleRoutingSettings(runtime: Runtime) {
  const [effective, stored] = await Promise.all([readRoutingSettings(runtime.database, runtime.config), readStoredRoutingPatch(runtime.database)]);
  const { qualityPreference, preferNewerModels, feedbackEnabled, minimumSizeB, vramBudgetGb, sourceWeights, maxFallbacks, cacheEnabled, cacheTtlSeconds } = effective.settings;
  const { config } = runtime;
  return {
    effective: {
      qualityPreference, preferNewerModels, feedbackEnabled, minimumSizeB, vramBudgetGb: vramBudgetGb ?? null, sourceWeights: sourceWeights ?? SOURCE_WEIGHTS, maxFallbacks: maxFallbacks ?? config.ROUTER_MAX_FALLBACKS,
      cacheEnabled: cacheEnabled ?? config.ROUTER_CACHE_ENABLED, cacheTtlSeconds: cacheTtlSeconds ?? config.ROUTER_CACHE_TTL_SECONDS,
    },
    // The stores' sizes stay environment settings (they size the stores at start).
    cacheMaxEntries: { routing: config.ROUTER_CACHE_MAX_SIZE, responses: config.ROUTER_CACHE_RESPONSE_MAX_SIZE, shared: Boolean(runtime.redis) },
    cascadingEnabled: config.ROUTER_CASCADING_ENABLED, stored, defaults: routingDefaults(runtime.config), defaultMinimumSizeB: DEFAULT_MINIMUM_SIZE_B, problem: effective.problem ?? null };
}

/** Saves a patch and applies it in this process at once; other instances pick it up within seconds. */
export async function saveRoutingSettings(runtime: Runtime, patch: RoutingSettingsPatch, updatedBy: string) {
  const stored = await writeRoutingSettings(runtime.database, patch, updatedBy);
  await runtime.knowledge.refresh();
  return stored;
}

/** The live settings with an unsaved patch laid over them. */
async function settingsWith(runtime: Runtime, patch: RoutingSettingsPatch | undefined): Promise<RoutingSettings> {
  const knowledge = await runtime.knowledge.current();
  return patch ? { ...knowledge.settings, ...routingSettingsPatch.parse(patch) } : knowledge.settings;
}

/** What routing would do for these messages (no cache, no decision row, nothing sent to a model). */
export async function explainPlayground(runtime: Runtime, input: { messages: ChatMessage[]; settings?: RoutingSettingsPatch }) {
  await runtime.registry.ensureFresh(runtime.config.ROUTER_POLLING_INTERVAL * 1000);
  const knowledge = await runtime.knowledge.current();
  const settings = await settingsWith(runtime, input.settings);
  const analysis = analyzePrompt({ messages: input.messages, hasTools: false });
  return explainDecision(selectModels(analysis, candidatesFor(runtime.registry.models(), knowledge), settings));
}

/**
 * Re-scores the last N decisions under the live settings and under the edited ones, against the
 * models known now, and counts how many picks change (and to which models). A stored prompt
 * (ROUTER_LOG_PROMPTS=true) is analysed again; otherwise the stored category and complexity are used.
 */
export async function whatIf(runtime: Runtime, input: { last: number; settings: RoutingSettingsPatch }) {
  const knowledge = await runtime.knowledge.current();
  const candidates = candidatesFor(runtime.registry.models(), knowledge);
  const edited = await settingsWith(runtime, input.settings);
  const rows = await runtime.database.db
    .select({ id: routingDecisions.id, prompt: routingDecisions.prompt, category: routingDecisions.category, categoryConfidence: routingDecisions.categoryConfidence, complexity: routingDecisions.complexity, tier: routingDecisions.tier, selectedModel: routingDecisions.selectedModel })
    .from(routingDecisions)
    .where(isNotNull(routingDecisions.category))
    .orderBy(desc(routingDecisions.createdAt), desc(routingDecisions.id))
    .limit(input.last);
  const transitions = new Map<string, number>();
  const changedRows: { id: number; from: string | null; to: string | null }[] = [];
  let changed = 0;
  for (const row of rows) {
    const analysis = analysisOf(row);
    const before = selectModels(analysis, candidates, knowledge.settings).ranked[0]?.model ?? null;
    const after = selectModels(analysis, candidates, edited).ranked[0]?.model ?? null;
    if (before === after) continue;
    changed += 1;
    const key = `${before ?? "none"} → ${after ?? "none"}`;
    transitions.set(key, (transitions.get(key) ?? 0) + 1);
    if (changedRows.length < 50) changedRows.push({ id: row.id, from: before, to: after });
  }
  return {
    considered: rows.length,
    changed,
    transitions: [...transitions].map(([change, count]) => ({ change, count })).sort((a, b) => b.count - a.count),
    examples: changedRows,
  };
}

type StoredAnalysis = { prompt: string | null; category: TaskCategory | null; categoryConfidence: number | null; complexity: number | null; tier: "simple" | "medium" | "hard" | null };

function analysisOf(row: StoredAnalysis): PromptAnalysis {
  const messages = parseStoredPrompt(row.prompt);
  if (messages) return analyzePrompt({ messages, hasTools: false });
  const category = row.category ?? "general";
  const complexity = row.complexity ?? 0.3;
  return {
    category,
    categoryConfidence: row.categoryConfidence ?? 1,
    categoryScores: Object.fromEntries(TASK_CATEGORIES.map((name) => [name, name === category ? 1 : 0])) as Record<TaskCategory, number>,
    complexity,
    tier: row.tier ?? (complexity < 0.33 ? "simple" : complexity < 0.66 ? "medium" : "hard"),
    capabilities: { vision: false, tools: false, json: false, contextTokens: 0 },
  };
}

function parseStoredPrompt(prompt: string | null): ChatMessage[] | undefined {
  if (!prompt) return undefined;
  try {
    const parsed: unknown = JSON.parse(prompt);
    return Array.isArray(parsed) && parsed.length ? (parsed as ChatMessage[]) : undefined;
  } catch {
    return undefined;
  }
}
