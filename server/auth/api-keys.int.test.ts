import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrateDatabase, openDatabase, type DatabaseHandle } from "../db";
import { apiKeys } from "../db/schema";
import { createTestPostgresDatabase, type TestPostgresDatabase } from "../db/test-databases";
import { createLogger } from "../observability/logger";
import { ApiKeyUsage, ApiKeyVerifier, createApiKey, hashApiKey, listApiKeys, revokeApiKey } from "./api-keys";

const silent = createLogger({ level: "CRITICAL", format: "text", write: () => {} });

describe.each(["pglite", "postgres"] as const)("client API keys on %s", (kind) => {
  let database: DatabaseHandle;
  let testDb: TestPostgresDatabase | undefined;
  beforeAll(async () => {
    if (kind === "postgres") testDb = await createTestPostgresDatabase();
    database = await openDatabase(testDb?.url ?? "memory://");
    await migrateDatabase(database);
  });
  afterAll(async () => {
    await database?.close();
    await testDb?.drop();
  });

  it("stores only a hash, shows the secret once, and lists keys without it", async () => {
    const { key, secret } = await createApiKey(database, { name: "ci", rateLimitPerMinute: 30 });
    expect(secret).toMatch(/^sr-[\w-]{43}$/);
    expect(key.prefix).toBe(secret.slice(0, 12));
    const [row] = await database.db.select().from(apiKeys).where(eq(apiKeys.id, key.id));
    expect(row?.keyHash).toBe(hashApiKey(secret));
    expect(JSON.stringify(row)).not.toContain(secret);
    const listed = await listApiKeys(database);
    expect(listed.find((k) => k.id === key.id)).toMatchObject({ name: "ci", rateLimitPerMinute: 30, revokedAt: null, usage: { requests: 0, promptTokens: 0, completionTokens: 0 } });
    expect(JSON.stringify(listed)).not.toContain(secret);
    expect(JSON.stringify(listed)).not.toContain(row!.keyHash);
  });

  it("verifies from a short cache; a revocation reaches another instance when its cache expires", async () => {
    const { key, secret } = await createApiKey(database, { name: "revoke-me" });
    let now = 0;
    const elsewhere = new ApiKeyVerifier(database, silent, { ttlMs: 5_000, now: () => now });
    expect(await elsewhere.verify(secret)).toEqual({ ok: true, key: { id: key.id, rateLimitPerMinute: null } });
    expect(await elsewhere.verify("sr-not-a-real-key")).toEqual({ ok: false, reason: "invalid" });
    expect(await elsewhere.verify("sk-wrong-prefix")).toEqual({ ok: false, reason: "invalid" });

    const revoked = await revokeApiKey(database, key.id);
    expect(revoked?.revokedAt).toBeInstanceOf(Date);
    expect((await revokeApiKey(database, key.id))?.revokedAt).toEqual(revoked?.revokedAt); // idempotent
    now += 4_999;
    expect((await elsewhere.verify(secret)).ok).toBe(true); // still cached on that instance
    now += 1;
    expect(await elsewhere.verify(secret)).toEqual({ ok: false, reason: "revoked" });
    expect(await revokeApiKey(database, "00000000-0000-4000-8000-000000000000")).toBeUndefined();
  });

  it("adds usage totals in batches", async () => {
    const { key } = await createApiKey(database, { name: "usage" });
    const usage = new ApiKeyUsage(database, silent, 60_000);
    usage.add(key.id, { requests: 1 });
    usage.add(key.id, { requests: 1, promptTokens: 10, completionTokens: 5 });
    await usage.flush();
    usage.add(key.id, { promptTokens: 1 });
    await usage.flush();
    const [listed] = (await listApiKeys(database)).filter((k) => k.id === key.id);
    expect(listed?.usage).toEqual({ requests: 2, promptTokens: 11, completionTokens: 5 });
    expect(listed?.lastUsedAt).toBeInstanceOf(Date);
  });
});
