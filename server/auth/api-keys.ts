import { createHash, randomBytes } from "node:crypto";
import { and, count, desc, eq, isNull, sql } from "drizzle-orm";
import type { DatabaseHandle } from "../db";
import { apiKeys, type ApiKey } from "../db/schema";
import type { Logger } from "../observability/logger";

// Client API keys: `sr-` + 43 url-safe characters (256 random bits). Only a SHA-256 digest is
// stored (a fast hash is enough for a random secret of this length; there is nothing to brute
// force), the secret is returned once at creation, and revocation is a timestamp.

export const API_KEY_PREFIX = "sr-";
const DISPLAY_CHARS = 12;

/** What an operator may see of a key: never the secret or its hash. */
export type ApiKeyView = {
  id: string;
  name: string;
  prefix: string;
  createdAt: Date;
  lastUsedAt: Date | null;
  revokedAt: Date | null;
  rateLimitPerMinute: number | null;
  usage: { requests: number; promptTokens: number; completionTokens: number };
};

export type NewApiKeyInput = { name: string; rateLimitPerMinute?: number | null };

export function hashApiKey(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

function toView(row: ApiKey): ApiKeyView {
  return {
    id: row.id,
    name: row.name,
    prefix: row.prefix,
    createdAt: row.createdAt,
    lastUsedAt: row.lastUsedAt,
    revokedAt: row.revokedAt,
    rateLimitPerMinute: row.rateLimitPerMinute,
    usage: { requests: row.requestCount, promptTokens: row.promptTokens, completionTokens: row.completionTokens },
  };
}

/** Creates a key; `secret` is shown to the operator this once and never stored. */
export async function createApiKey(database: DatabaseHandle, input: NewApiKeyInput): Promise<{ key: ApiKeyView; secret: string }> {
  const secret = `${API_KEY_PREFIX}${randomBytes(32).toString("base64url")}`;
  const [row] = await database.db
    .insert(apiKeys)
    .values({ name: input.name, keyHash: hashApiKey(secret), prefix: secret.slice(0, DISPLAY_CHARS), rateLimitPerMinute: input.rateLimitPerMinute ?? null })
    .returning();
  return { key: toView(row), secret };
}

/** Keys newest first, revoked ones included (they keep their usage history); every key, or one page. */
export async function listApiKeys(database: DatabaseHandle, page?: { limit: number; offset: number }): Promise<ApiKeyView[]> {
  const ordered = database.db.select().from(apiKeys).orderBy(desc(apiKeys.createdAt), desc(apiKeys.id));
  const rows = page ? await ordered.limit(page.limit).offset(page.offset) : await ordered;
  return rows.map(toView);
}

export async function countApiKeys(database: DatabaseHandle): Promise<number> {
  const [{ total }] = await database.db.select({ total: count() }).from(apiKeys);
  return total;
}

/** Revokes a key (idempotent: a revoked key keeps its first revocation time); undefined when unknown. */
export async function revokeApiKey(database: DatabaseHandle, id: string): Promise<ApiKeyView | undefined> {
  const [revoked] = await database.db.update(apiKeys).set({ revokedAt: new Date() }).where(and(eq(apiKeys.id, id), isNull(apiKeys.revokedAt))).returning();
  if (revoked) return toView(revoked);
  const [existing] = await database.db.select().from(apiKeys).where(eq(apiKeys.id, id));
  return existing ? toView(existing) : undefined;
}

export type VerifiedKey = { id: string; rateLimitPerMinute: number | null };
export type KeyCheck = { ok: true; key: VerifiedKey } | { ok: false; reason: "invalid" | "revoked" | "unavailable" };

type CachedCheck = { check: KeyCheck; expiresAt: number };

/**
 * Verifies keys on the hot path without a database read per request: answers (including "no such
 * key") are cached for `ttlMs`, so a revocation takes effect on every instance within that time,
 * and at once on the instance that revoked it. The cache is bounded, so a client spraying random
 * keys cannot grow it. While the database is unreachable a key seen before keeps working (its last
 * answer is used), and an unknown one is refused as unavailable.
 */
export class ApiKeyVerifier {
  private readonly cache = new Map<string, CachedCheck>();
  private readonly pending = new Map<string, Promise<KeyCheck>>();

  constructor(
    private readonly database: DatabaseHandle,
    private readonly logger: Logger,
    private readonly options: { ttlMs?: number; maxEntries?: number; now?: () => number } = {},
  ) {}

  async verify(secret: string): Promise<KeyCheck> {
    if (!secret.startsWith(API_KEY_PREFIX) || secret.length > 200) return { ok: false, reason: "invalid" };
    const hash = hashApiKey(secret);
    const now = (this.options.now ?? Date.now)();
    const cached = this.cache.get(hash);
    if (cached && cached.expiresAt > now) return cached.check;
    let lookup = this.pending.get(hash);
    if (!lookup) {
      lookup = this.lookup(hash, cached, now).finally(() => this.pending.delete(hash));
      this.pending.set(hash, lookup);
    }
    return lookup;
  }

  /** Forget every cached answer (after a revocation on this instance). */
  invalidate(): void {
    this.cache.clear();
  }

  private async lookup(hash: string, stale: CachedCheck | undefined, now: number): Promise<KeyCheck> {
    let check: KeyCheck;
    try {
      const [row] = await this.database.db
        .select({ id: apiKeys.id, revokedAt: apiKeys.revokedAt, rateLimitPerMinute: apiKeys.rateLimitPerMinute })
        .from(apiKeys)
        .where(eq(apiKeys.keyHash, hash));
      check = !row ? { ok: false, reason: "invalid" } : row.revokedAt ? { ok: false, reason: "revoked" } : { ok: true, key: { id: row.id, rateLimitPerMinute: row.rateLimitPerMinute } };
    } catch (error) {
      this.logger.warn("could not verify an API key: the database is unavailable", { error });
      return stale?.check ?? { ok: false, reason: "unavailable" };
    }
    const maxEntries = this.options.maxEntries ?? 10_000;
    if (this.cache.size >= maxEntries) this.cache.delete(this.cache.keys().next().value!);
    this.cache.delete(hash);
    this.cache.set(hash, { check, expiresAt: now + (this.options.ttlMs ?? 5_000) });
    return check;
  }
}

type UsageDelta = { requests: number; promptTokens: number; completionTokens: number; lastUsedAt: Date };

/**
 * Per-key usage totals, summed in memory and added to the database every few seconds (one
 * UPDATE per key in use), so a request never waits on them. A failed write keeps its sums for
 * the next one; memory is bounded by the number of keys. flush() drains it (shutdown).
 */
export class ApiKeyUsage {
  private deltas = new Map<string, UsageDelta>();
  private timer?: NodeJS.Timeout;
  private writing?: Promise<void>;

  constructor(
    private readonly database: DatabaseHandle,
    private readonly logger: Logger,
    private readonly intervalMs = 5_000,
  ) {}

  add(keyId: string, usage: { requests?: number; promptTokens?: number; completionTokens?: number }): void {
    const delta = this.deltas.get(keyId) ?? { requests: 0, promptTokens: 0, completionTokens: 0, lastUsedAt: new Date() };
    delta.requests += usage.requests ?? 0;
    delta.promptTokens += usage.promptTokens ?? 0;
    delta.completionTokens += usage.completionTokens ?? 0;
    delta.lastUsedAt = new Date();
    this.deltas.set(keyId, delta);
    if (!this.timer) {
      this.timer = setTimeout(() => {
        this.timer = undefined;
        void this.flush();
      }, this.intervalMs);
      this.timer.unref();
    }
  }

  async flush(): Promise<void> {
    while (this.writing) await this.writing;
    if (!this.deltas.size) return;
    const batch = this.deltas;
    this.deltas = new Map();
    this.writing = this.write(batch).finally(() => (this.writing = undefined));
    await this.writing;
  }

  private async write(batch: Map<string, UsageDelta>): Promise<void> {
    const unwritten = new Map(batch);
    try {
      for (const [id, delta] of batch) {
        await this.database.db
          .update(apiKeys)
          .set({
            requestCount: sql`${apiKeys.requestCount} + ${delta.requests}`,
            promptTokens: sql`${apiKeys.promptTokens} + ${delta.promptTokens}`,
            completionTokens: sql`${apiKeys.completionTokens} + ${delta.completionTokens}`,
            lastUsedAt: delta.lastUsedAt,
          })
          .where(eq(apiKeys.id, id));
        unwritten.delete(id);
      }
    } catch (error) {
      this.logger.warn("could not store API key usage; will retry", { error, keys: unwritten.size });
      for (const [id, delta] of unwritten) {
        const newer = this.deltas.get(id);
        this.deltas.set(id, newer ? { requests: newer.requests + delta.requests, promptTokens: newer.promptTokens + delta.promptTokens, completionTokens: newer.completionTokens + delta.completionTokens, lastUsedAt: newer.lastUsedAt } : delta);
      }
      if (!this.timer) {
        this.timer = setTimeout(() => {
          this.timer = undefined;
          void this.flush();
        }, this.intervalMs);
        this.timer.unref();
      }
    }
  }
}
