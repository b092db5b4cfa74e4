import type { CacheCounters } from "../cache/router-caches";
import type { CacheStore } from "../cache/store";
import type { Runtime } from "../runtime";
import { adminEndpoint } from "./admin-endpoint";

/**
 * GET /admin/stats, SmarterRouter's shape. Request counts are this instance's since it started (as
 * the original's were); with Redis the cache sizes are the shared caches', hits and misses this
 * instance's lookups.
 */
export const handleStats = adminEndpoint("/admin/stats", async (_request, runtime) => {
  const { caches, requestStats } = runtime;
  const knowledge = await runtime.knowledge.current();
  // The live switch, as the next request would see it.
  caches.apply(knowledge.settings);
  const cache = caches.enabled
    ? { routing: { ...(await cacheStats(caches.routing, caches.routingStats)), similarity_hits: 0 }, response: await cacheStats(caches.responses, caches.responseStats) }
    : {};
  return Response.json({
    uptime_seconds: Math.round((Date.now() - runtime.startedAt.getTime()) / 1000),
    total_requests: requestStats.total,
    total_errors: requestStats.errors,
    requests_by_model: Object.fromEntries(requestStats.byModel),
    requests_by_category: Object.fromEntries(requestStats.byCategory),
    cache,
    current_loaded_model: currentLoadedModel(runtime, knowledge.loaded),
  });
});

async function cacheStats(store: CacheStore, counters: CacheCounters) {
  const lookups = counters.hits + counters.misses;
  // Redis unreachable: the size is unknown, the counters still stand.
  return { size: await store.size().catch(() => null), max_size: store.maxEntries ?? null, hits: counters.hits, misses: counters.misses, hit_rate: lookups ? counters.hits / lookups : 0 };
}

/**
 * The resident model used most recently: resident per the VRAM manager or the backends' loaded
 * lists (`backend/model` in the knowledge snapshot). Models this instance sent requests to rank by
 * that order, above the others, which rank by the manager's last use. Null when none is loaded.
 */
function currentLoadedModel(runtime: Runtime, loaded: ReadonlySet<string>): string | null {
  const resident = new Map<string, number>();
  for (const entry of runtime.vram.manager.resident()) resident.set(entry.model, entry.lastUsedAt);
  for (const id of loaded) {
    const model = id.slice(id.indexOf("/") + 1);
    if (!resident.has(model)) resident.set(model, 0);
  }
  const rank = (model: string): [number, number] => {
    const ours = runtime.requestStats.lastUse.get(model);
    return ours === undefined ? [0, resident.get(model) ?? 0] : [1, ours];
  };
  const ordered = [...resident.keys()].sort((a, b) => {
    const [ra, rb] = [rank(a), rank(b)];
    return rb[0] - ra[0] || rb[1] - ra[1];
  });
  return ordered[0] ?? null;
}
