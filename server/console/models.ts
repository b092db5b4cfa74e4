import { desc, eq, max, sql } from "drizzle-orm";
import { readStoredRoutingPatch, writeRoutingSettings } from "../config/live-settings";
import { modelBenchmarks, modelFeedback, modelProfiles } from "../db/schema";
import { TASK_CATEGORIES, type TaskCategory } from "../routing/categories";
import { modelFacts } from "../routing/model-facts";
import type { Runtime } from "../runtime";

// The Models page: every discovered model with what routing knows about it, and the operator's
// per-model overrides (stored in the live routing settings, so every instance applies them).

type ScoreCell = { value: number; count: number; at: string | null };

export async function listConsoleModels(runtime: Runtime) {
  const { db } = runtime.database;
  const [knowledge, profiles, benchmarks, feedback] = await Promise.all([
    runtime.knowledge.current(),
    db.select().from(modelProfiles),
    db.select({ model: modelBenchmarks.modelName, scores: modelBenchmarks.scores, at: modelBenchmarks.lastUpdated }).from(modelBenchmarks),
    db
      .select({ model: modelFeedback.modelName, category: modelFeedback.category, mean: sql<number>`avg(${modelFeedback.score})::float8`, count: sql<number>`count(*)::int`, at: max(modelFeedback.createdAt) })
      .from(modelFeedback)
      .groupBy(modelFeedback.modelName, modelFeedback.category),
  ]);
  const profileByName = new Map(profiles.map((profile) => [profile.name, profile]));
  return runtime.registry.models().map((model) => {
    const facts = modelFacts(model.name, { family: model.family, parameterSize: model.parameterSize, quantization: model.quantization, contextLength: model.contextLength, capabilities: model.capabilities });
    const profile = profileByName.get(model.name);
    const evidence = knowledge.evidence.get(model.name) ?? {};
    const scores = Object.fromEntries(
      TASK_CATEGORIES.map((category) => {
        const measured = profile?.scores[category];
        const provenance = profile?.scoreProvenance[category];
        const bench = benchmarks.filter((row) => row.model === model.name && typeof row.scores[category] === "number");
        const rated = feedback.filter((row) => row.model === model.name && row.category === category);
        const ratedCount = rated.reduce((sum, row) => sum + row.count, 0);
        const cells: { profile: ScoreCell | null; benchmark: ScoreCell | null; feedback: ScoreCell | null } = {
          profile: typeof measured === "number" ? { value: measured, count: provenance?.samples ?? 1, at: provenance?.at ?? profile?.lastProfiled?.toISOString() ?? null } : null,
          benchmark: bench.length ? { value: bench.reduce((sum, row) => sum + (row.scores[category] ?? 0), 0) / bench.length, count: bench.length, at: latest(bench.map((row) => row.at)) } : null,
          feedback: ratedCount ? { value: rated.reduce((sum, row) => sum + row.mean * row.count, 0) / ratedCount, count: ratedCount, at: latest(rated.map((row) => row.at)) } : null,
        };
        return [category, cells];
      }),
    ) as Record<TaskCategory, { profile: ScoreCell | null; benchmark: ScoreCell | null; feedback: ScoreCell | null }>;
    return {
      name: model.name,
      backend: model.backend,
      reachable: model.reachable,
      family: facts.family ?? null,
      parameterCountB: facts.parameterCountB ?? null,
      quantization: facts.quantization ?? null,
      capabilities: facts.capabilities ?? [],
      embeddingOnly: facts.embeddingOnly,
      contextLength: facts.contextLength ?? null,
      loaded: knowledge.loaded.has(`${model.backend}/${model.name}`),
      vramGb: evidence.vramGb ?? null,
      tokensPerSecond: evidence.tokensPerSecond ?? null,
      timeToFirstTokenMs: evidence.timeToFirstTokenMs ?? null,
      scores,
      override: knowledge.settings.overrides[model.name] ?? {},
    };
  });
}

export type ConsoleModel = Awaited<ReturnType<typeof listConsoleModels>>[number];

export async function readConsoleModel(runtime: Runtime, name: string) {
  const model = (await listConsoleModels(runtime)).find((candidate) => candidate.name === name);
  if (!model) return null;
  const { db } = runtime.database;
  const [profile] = await db.select().from(modelProfiles).where(eq(modelProfiles.name, name));
  const benchmarks = await db.select().from(modelBenchmarks).where(eq(modelBenchmarks.modelName, name));
  const recentFeedback = await db.select().from(modelFeedback).where(eq(modelFeedback.modelName, name)).orderBy(desc(modelFeedback.createdAt)).limit(20);
  return {
    model,
    provenance: profile?.scoreProvenance ?? {},
    lastProfiled: profile?.lastProfiled?.toISOString() ?? null,
    benchmarks: benchmarks.map((row) => ({ source: row.source, matchedName: row.matchedName, scores: row.scores, lastUpdated: row.lastUpdated.toISOString() })),
    recentFeedback: recentFeedback.map((row) => ({ id: row.id, score: row.score, category: row.category, comment: row.comment, source: row.source, createdAt: row.createdAt.toISOString() })),
  };
}

export type ModelOverridePatch = { disabled?: boolean; pinned?: boolean; scoreAdjustment?: number | null; reason?: string };

/** Changes one model's override and applies it in this process at once (others within seconds). */
export async function setModelOverride(runtime: Runtime, model: string, patch: ModelOverridePatch, updatedBy: string) {
  const stored = await readStoredRoutingPatch(runtime.database);
  const overrides = { ...stored.overrides };
  const next = { ...overrides[model], ...patch };
  if (patch.scoreAdjustment === null || patch.scoreAdjustment === 0) {
    delete next.scoreAdjustment;
    delete next.reason;
  }
  const clean = Object.fromEntries(Object.entries(next).filter(([, value]) => value !== undefined && value !== null && value !== false));
  if (Object.keys(clean).length) overrides[model] = clean;
  else delete overrides[model];
  await writeRoutingSettings(runtime.database, { overrides }, updatedBy);
  await runtime.knowledge.refresh();
  return overrides[model] ?? {};
}

function latest(dates: (Date | null)[]): string | null {
  const times = dates.filter((date): date is Date => date instanceof Date).map((date) => date.getTime());
  return times.length ? new Date(Math.max(...times)).toISOString() : null;
}
