import { createHash } from "node:crypto";
import { avg, count } from "drizzle-orm";
import { listLoadedModels } from "../backends/discovery";
import type { ModelRegistry } from "../backends/registry";
import { readRoutingSettings, routingDefaults } from "../config/live-settings";
import type { Config } from "../config/settings";
import type { DatabaseHandle } from "../db";
import { modelBenchmarks, modelFeedback, modelProfiles } from "../db/schema";
import type { Logger } from "../observability/logger";
import { TASK_CATEGORIES, type TaskCategory } from "../routing/categories";
import type { ModelEvidence, RoutingSettings } from "../routing/types";

/** What routing knows beyond the model list: measurements, live settings, what is loaded. */
export type Knowledge = {
  evidence: ReadonlyMap<string, ModelEvidence>;
  settings: RoutingSettings;
  /** `${backend}/${model}` of every model resident in memory. */
  loaded: ReadonlySet<string>;
  /** Changes whenever anything above changes: part of the routing-cache key. */
  version: string;
  at: number;
};

const NEW_MODEL_DAYS = 7;

/** What the VRAM manager tells routing: the budget models must fit, and sizes it has seen loaded. */
export type VramRoutingView = {
  routingBudgetGb(): number | undefined;
  knownVramGb(): ReadonlyMap<string, number>;
};

/**
 * A snapshot refreshed in the background: requests read the current one and never wait on the
 * database, except the very first. Live settings therefore apply within `ttlMs` on every instance.
 */
export class KnowledgeStore {
  private snapshot?: Knowledge;
  private refreshing?: Promise<Knowledge>;

  constructor(
    private readonly database: DatabaseHandle,
    private readonly registry: ModelRegistry,
    private readonly config: Config,
    private readonly logger: Logger,
    private readonly vram?: VramRoutingView,
    private readonly ttlMs = 5000,
  ) {}

  /** The VRAM need routing knows for a model (profile, else seen loaded), from the snapshot (no database read). */
  profiledVramGb(model: string): number | undefined {
    return this.snapshot?.evidence.get(model)?.vramGb;
  }

  async current(): Promise<Knowledge> {
    if (!this.snapshot) return this.refresh();
    if (Date.now() - this.snapshot.at > this.ttlMs) void this.refresh().catch(() => undefined);
    return this.snapshot;
  }

  /** Re-reads everything now (after a settings change, or in tests). */
  refresh(): Promise<Knowledge> {
    this.refreshing ??= this.load()
      .then((knowledge) => (this.snapshot = knowledge))
      .catch((error: unknown) => {
        this.logger.warn("could not refresh routing knowledge; using the last snapshot", { error });
        return this.snapshot ?? { evidence: new Map(), settings: routingDefaults(this.config), loaded: new Set<string>(), version: "empty", at: Date.now() };
      })
      .finally(() => (this.refreshing = undefined));
    return this.refreshing;
  }

  private async load(): Promise<Knowledge> {
    const { db } = this.database;
    const [profiles, benchmarks, feedback, live, loaded] = await Promise.all([
      db.select().from(modelProfiles),
      db.select({ model: modelBenchmarks.modelName, source: modelBenchmarks.source, scores: modelBenchmarks.scores, extra: modelBenchmarks.extra }).from(modelBenchmarks),
      db.select({ model: modelFeedback.modelName, mean: avg(modelFeedback.score), count: count() }).from(modelFeedback).groupBy(modelFeedback.modelName),
      readRoutingSettings(this.database, this.config),
      Promise.all(this.registry.backends.map((backend) => listLoadedModels(backend))),
    ]);
    if (live.problem) this.logger.warn(live.problem);
    const evidence = new Map<string, ModelEvidence>();
    const entry = (model: string) => evidence.get(model) ?? evidence.set(model, {}).get(model)!;
    for (const profile of profiles) {
      Object.assign(entry(profile.name), {
        profile: Object.keys(profile.scores).length ? profile.scores : undefined,
        tokensPerSecond: profile.tokensPerSecond ?? undefined,
        timeToFirstTokenMs: profile.timeToFirstTokenMs ?? undefined,
        vramGb: profile.vramRequiredGb ?? undefined,
      });
    }
    // Rows are stored under the backends' own model names (server/benchmarks matches them at sync
    // time), so they key straight into the candidates; sources switched off since are ignored.
    const enabled = enabledBenchmarkSources(this.config);
    const used = benchmarks.filter((row) => enabled.has(row.source)).map((row) => ({ ...row, weight: matchConfidence(row.extra) }));
    for (const [model, scores] of averageBySource(used)) entry(model).benchmarks = scores;
    // Sizes seen loaded (or read from the model file), so "cannot fit" works before a model is profiled.
    for (const [model, gb] of this.vram?.knownVramGb() ?? []) entry(model).vramGb ??= gb;
    if (live.settings.feedbackEnabled) {
      for (const row of feedback) entry(row.model).feedback = { mean: Number(row.mean), count: row.count };
    }
    const since = Date.now() - NEW_MODEL_DAYS * 86_400_000;
    const newModels = profiles.filter((profile) => profile.firstSeen.getTime() > since).map((profile) => profile.name);
    const settings = { ...live.settings, newModels, vramBudgetGb: this.vram?.routingBudgetGb() ?? live.settings.vramBudgetGb };
    const resident = loaded.flat().map((model) => `${model.backend}/${model.name}`).sort();
    // What decides routing: the cache switch and TTL do not, so changing them keeps cached decisions.
    const scoring = { ...settings, cacheEnabled: undefined, cacheTtlSeconds: undefined };
    const version = createHash("sha1").update(JSON.stringify([[...evidence].sort(), scoring, resident])).digest("base64url");
    return { evidence, settings, loaded: new Set(resident), version, at: Date.now() };
  }
}

function enabledBenchmarkSources(config: Config): Set<string> {
  return new Set<string>([...config.ROUTER_BENCHMARK_SOURCES, "file", ...(config.ROUTER_BENCHMARK_BUNDLED ? ["bundled"] : [])]);
}

/** How sure the name match behind a row is (1 for imports and aliases). */
function matchConfidence(extra: Record<string, unknown> | null): number {
  const confidence = extra?.confidence;
  return typeof confidence === "number" && confidence > 0 && confidence <= 1 ? confidence : 1;
}

/** Sources disagree; routing uses their mean per category, each weighted by how sure its name match is. */
function averageBySource(rows: { model: string; scores: Partial<Record<TaskCategory, number>>; weight: number }[]): Map<string, Partial<Record<TaskCategory, number>>> {
  const sums = new Map<string, Record<string, { total: number; n: number }>>();
  for (const row of rows) {
    const byCategory = sums.get(row.model) ?? sums.set(row.model, {}).get(row.model)!;
    for (const category of TASK_CATEGORIES) {
      const value = row.scores[category];
      if (typeof value !== "number") continue;
      const cell = (byCategory[category] ??= { total: 0, n: 0 });
      cell.total += row.weight * value;
      cell.n += row.weight;
    }
  }
  return new Map(
    [...sums].map(([model, byCategory]) => [model, Object.fromEntries(Object.entries(byCategory).map(([category, cell]) => [category, cell.total / cell.n]))]),
  );
}

