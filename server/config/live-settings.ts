import { eq } from "drizzle-orm";
import { z } from "zod";
import type { DatabaseHandle } from "../db";
import { settings } from "../db/schema";
import { TASK_CATEGORIES } from "../routing/categories";
import { SOURCE_WEIGHTS } from "../routing/score";
import type { RoutingSettings } from "../routing/types";
import type { Config } from "./settings";

// Routing settings an operator can change while the router runs. The environment gives the
// defaults; the `settings` row "routing" (written by the console) overrides them for every instance.

const ROUTING_KEY = "routing";

const tierSizes = z.strictObject({ simple: z.number().min(0).max(2000), medium: z.number().min(0).max(2000), hard: z.number().min(0).max(2000) }).partial();

export const routingSettingsPatch = z
  .strictObject({
    qualityPreference: z.number().min(0).max(1),
    preferNewerModels: z.boolean(),
    feedbackEnabled: z.boolean(),
    sourceWeights: z.strictObject({ profile: z.number().min(0).max(1), benchmark: z.number().min(0).max(1), prior: z.number().min(0.01, "The size prior needs some weight (≥ 0.01)").max(1) }),
    maxFallbacks: z.number().int().min(0).max(10),
    cacheEnabled: z.boolean(),
    cacheTtlSeconds: z.number().int("A whole number of seconds").min(1, "At least 1 second").max(31_536_000, "At most 31,536,000 seconds (a year)"),
    minimumSizeB: z.partialRecord(z.enum(TASK_CATEGORIES), tierSizes),
    overrides: z.record(
      z.string().min(1).max(256),
      z.strictObject({
        disabled: z.boolean().optional(),
        pinned: z.boolean().optional(),
        scoreAdjustment: z.number().min(-1).max(1).optional(),
        /** Why the operator adjusted the score (shown in the console). */
        reason: z.string().max(500).optional(),
      }),
    ),
  })
  .partial();
export type RoutingSettingsPatch = z.infer<typeof routingSettingsPatch>;

export function routingDefaults(config: Config): RoutingSettings {
  return {
    qualityPreference: config.ROUTER_QUALITY_PREFERENCE,
    preferNewerModels: config.ROUTER_PREFER_NEWER_MODELS,
    feedbackEnabled: config.ROUTER_FEEDBACK_ENABLED,
    minimumSizeB: {},
    overrides: {},
    sourceWeights: { ...SOURCE_WEIGHTS },
    maxFallbacks: config.ROUTER_MAX_FALLBACKS,
    cacheEnabled: config.ROUTER_CACHE_ENABLED,
    cacheTtlSeconds: config.ROUTER_CACHE_TTL_SECONDS,
    vramBudgetGb: config.ROUTER_VRAM_MAX_TOTAL_GB,
  };
}

/** The effective routing settings: environment defaults with the stored patch applied. */
export async function readRoutingSettings(database: DatabaseHandle, config: Config): Promise<{ settings: RoutingSettings; problem?: string }> {
  const defaults = routingDefaults(config);
  const [row] = await database.db.select({ value: settings.value }).from(settings).where(eq(settings.key, ROUTING_KEY));
  if (!row) return { settings: defaults };
  const parsed = routingSettingsPatch.safeParse(row.value);
  // A bad stored value must not stop routing: keep the defaults and say why.
  if (!parsed.success) return { settings: defaults, problem: `stored routing settings ignored: ${parsed.error.issues[0]?.message}` };
  return { settings: { ...defaults, ...parsed.data } };
}

/** What the settings row holds now (the operator's changes, without defaults). */
export async function readStoredRoutingPatch(database: DatabaseHandle): Promise<RoutingSettingsPatch> {
  const [row] = await database.db.select({ value: settings.value }).from(settings).where(eq(settings.key, ROUTING_KEY));
  const current = routingSettingsPatch.safeParse(row?.value ?? {});
  return current.success ? current.data : {};
}

/** Validates and stores a patch (merged onto what is stored); returns the stored value. */
export async function writeRoutingSettings(database: DatabaseHandle, patch: unknown, updatedBy: string): Promise<RoutingSettingsPatch> {
  const valid = routingSettingsPatch.parse(patch);
  const [row] = await database.db.select({ value: settings.value }).from(settings).where(eq(settings.key, ROUTING_KEY));
  const current = routingSettingsPatch.safeParse(row?.value ?? {});
  const value = { ...(current.success ? current.data : {}), ...valid };
  await database.db
    .insert(settings)
    .values({ key: ROUTING_KEY, value, updatedBy })
    .onConflictDoUpdate({ target: settings.key, set: { value, updatedBy, updatedAt: new Date() } });
  return value;
}
