import { Redis } from "ioredis";
import type { Logger } from "../observability/logger";

/** A string cache with TTL. Failures are misses: a cache must never fail a request. */
export interface CacheStore {
  get(key: string): Promise<string | undefined>;
  set(key: string, value: string, ttlMs: number): Promise<void>;
  clear(): Promise<number>;
  /** Removes the entries whose key starts with `prefix`; returns how many went. */
  deletePrefix(prefix: string): Promise<number>;
  size(): Promise<number>;
  readonly kind: "memory" | "redis";
  /** The entry limit; undefined where the store's own memory policy bounds it (Redis). */
  readonly maxEntries?: number;
}

/** LRU with TTL in process memory: Map keeps insertion order, so re-inserting on read marks recency. */
export class MemoryStore implements CacheStore {
  readonly kind = "memory";
  private readonly entries = new Map<string, { value: string; expires: number }>();

  constructor(readonly maxEntries: number) {}

  async get(key: string): Promise<string | undefined> {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    this.entries.delete(key);
    if (entry.expires <= Date.now()) return undefined;
    this.entries.set(key, entry);
    return entry.value;
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    if (this.maxEntries <= 0) return;
    this.entries.delete(key);
    this.entries.set(key, { value, expires: Date.now() + ttlMs });
    while (this.entries.size > this.maxEntries) this.entries.delete(this.entries.keys().next().value as string);
  }

  async clear(): Promise<number> {
    const cleared = this.entries.size;
    this.entries.clear();
    return cleared;
  }

  async deletePrefix(prefix: string): Promise<number> {
    let deleted = 0;
    for (const key of [...this.entries.keys()]) {
      if (key.startsWith(prefix) && this.entries.delete(key)) deleted += 1;
    }
    return deleted;
  }

  async size(): Promise<number> {
    return this.entries.size;
  }
}

/**
 * Shared by every instance that points at the same Redis. Entries expire by TTL; Redis's own
 * memory policy bounds the total. Keys are namespaced so clear() touches only this cache.
 */
export class RedisStore implements CacheStore {
  readonly kind = "redis";

  constructor(
    private readonly redis: Redis,
    private readonly namespace: string,
    private readonly logger: Logger,
  ) {}

  async get(key: string): Promise<string | undefined> {
    try {
      return (await this.redis.get(this.namespace + key)) ?? undefined;
    } catch (error) {
      this.logger.debug("cache read failed", { cache: this.namespace, error });
      return undefined;
    }
  }

  async set(key: string, value: string, ttlMs: number): Promise<void> {
    try {
      await this.redis.set(this.namespace + key, value, "PX", Math.max(1, Math.round(ttlMs)));
    } catch (error) {
      this.logger.debug("cache write failed", { cache: this.namespace, error });
    }
  }

  /** Only this cache's keys (its namespace), found with SCAN: never FLUSHDB, never KEYS. */
  clear(): Promise<number> {
    return this.deletePrefix("");
  }

  async deletePrefix(prefix: string): Promise<number> {
    let deleted = 0;
    let cursor = "0";
    do {
      const [next, keys] = await this.redis.scan(cursor, "MATCH", `${escapeGlob(this.namespace + prefix)}*`, "COUNT", 500);
      if (keys.length) deleted += await this.redis.del(...keys);
      cursor = next;
    } while (cursor !== "0");
    return deleted;
  }

  async size(): Promise<number> {
    let total = 0;
    let cursor = "0";
    do {
      const [next, keys] = await this.redis.scan(cursor, "MATCH", `${escapeGlob(this.namespace)}*`, "COUNT", 500);
      total += keys.length;
      cursor = next;
    } while (cursor !== "0");
    return total;
  }
}

/** SCAN MATCH is a glob: a literal prefix must not let `*`, `?`, `[` or a backslash match more. */
function escapeGlob(text: string): string {
  return text.replace(/[*?[\]\\]/g, "\\$&");
}

export function connectRedis(url: string): Redis {
  // No offline queue: when Redis is down, cache calls fail fast (and count as misses).
  return new Redis(url, { enableOfflineQueue: false, maxRetriesPerRequest: 1, connectTimeout: 2000, lazyConnect: false });
}
