import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import postgres from "postgres";
import { afterAll, afterEach, beforeEach, describe, expect, it } from "vitest";
import { openDatabase, type DatabaseHandle } from "./client";
import { closeDatabases, getDatabase } from "./index";
import { MIGRATION_LOCK_KEY, migrateDatabase } from "./migrate";
import * as schema from "./schema";
import { createTestPostgresDatabase, skipPostgresTests, type TestPostgresDatabase } from "./test-databases";

const migrationsFolder = path.join(process.cwd(), "drizzle");
const journalEntries = (
  JSON.parse(readFileSync(path.join(migrationsFolder, "meta", "_journal.json"), "utf8")) as { entries: unknown[] }
).entries.length;

async function count(handle: DatabaseHandle, query: ReturnType<typeof sql>): Promise<number> {
  const result = (await handle.db.execute(query)) as unknown as Array<{ n: number }> | { rows: Array<{ n: number }> };
  return (Array.isArray(result) ? result : result.rows)[0]?.n ?? -1;
}

describe.skipIf(skipPostgresTests())("migrations on postgres", () => {
  let testDb: TestPostgresDatabase;
  const opened: DatabaseHandle[] = [];
  const open = async (url: string) => {
    const handle = await openDatabase(url);
    opened.push(handle);
    return handle;
  };

  beforeEach(async () => {
    testDb = await createTestPostgresDatabase();
  });

  afterEach(async () => {
    await Promise.all(opened.splice(0).map((h) => h.close()));
    await closeDatabases();
    await testDb.drop();
  });

  it("lets several instances migrate one fresh database at the same moment", async () => {
    // Separate handles = separate pools, like separate processes. Without the lock this fails
    // on pg_namespace / pg_type unique violations.
    const handles = await Promise.all([open(testDb.url), open(testDb.url), open(testDb.url)]);
    const results = await Promise.allSettled(handles.map((h) => migrateDatabase(h, { migrationsFolder })));
    expect(results.map((r) => (r.status === "rejected" ? String(r.reason) : "ok"))).toEqual(["ok", "ok", "ok"]);

    const first = handles[0]!;
    expect(await count(first, sql`select count(*)::int as n from drizzle.__drizzle_migrations`)).toBe(journalEntries);
    expect(
      await count(first, sql`select count(distinct hash)::int as n from drizzle.__drizzle_migrations`),
    ).toBe(journalEntries);
    expect(await count(first, sql`select count(*)::int as n from information_schema.tables where table_schema = 'public'`)).toBe(11);
  });

  it("waits for the migration lock another instance holds", async () => {
    const holder = postgres(testDb.url, { max: 1, onnotice: () => {} });
    try {
      await holder`select pg_advisory_lock(${MIGRATION_LOCK_KEY.toString()}::bigint)`;
      const handle = await open(testDb.url);
      await expect(migrateDatabase(handle, { migrationsFolder, lockTimeoutMs: 300 })).rejects.toThrow(/lock timeout/i);
      expect(await count(handle, sql`select count(*)::int as n from information_schema.tables where table_schema = 'public'`)).toBe(0);

      await holder`select pg_advisory_unlock(${MIGRATION_LOCK_KEY.toString()}::bigint)`;
      await migrateDatabase(handle, { migrationsFolder, lockTimeoutMs: 300 });
      expect(await count(handle, sql`select count(*)::int as n from drizzle.__drizzle_migrations`)).toBe(journalEntries);
      // The pooled connection that held the lock went back without it and without the lock_timeout.
      expect(await count(handle, sql`select count(*)::int as n from pg_locks where locktype = 'advisory'`)).toBe(0);
    } finally {
      await holder.end({ timeout: 1 });
    }
  });

  it("shares one migrated handle per URL through getDatabase", async () => {
    const [a, b] = await Promise.all([getDatabase(testDb.url, { migrationsFolder }), getDatabase(testDb.url, { migrationsFolder })]);
    expect(a).toBe(b);
    await a.db.insert(schema.settings).values({ key: "k", value: 1 });
    expect(await count(b, sql`select count(*)::int as n from settings`)).toBe(1);
  });

  it("reports ping false once closed, and close is idempotent", async () => {
    const handle = await openDatabase(testDb.url);
    expect(await handle.ping()).toBe(true);
    await handle.close();
    await handle.close();
    expect(await handle.ping()).toBe(false);
  });
});

describe("unreachable databases", () => {
  it("ping returns false within a few seconds and never throws", async () => {
    const handle = await openDatabase("postgres://postgres@127.0.0.1:1/x", { connectTimeoutSeconds: 1 });
    try {
      const started = Date.now();
      expect(await handle.ping(2_000)).toBe(false);
      expect(Date.now() - started).toBeLessThan(3_000);
    } finally {
      await handle.close();
    }
  });

  it("getDatabase rejects, and a later call retries instead of caching the failure", async () => {
    const url = "postgres://postgres@127.0.0.1:1/unreachable";
    const first = getDatabase(url, { connectTimeoutSeconds: 1 });
    await expect(first).rejects.toThrow();
    const second = getDatabase(url, { connectTimeoutSeconds: 1 });
    expect(second).not.toBe(first);
    await expect(second).rejects.toThrow();
  });

  it("rejects a URL scheme it cannot serve instead of creating a directory named after it", async () => {
    await expect(openDatabase("sqlite:///data/router.db")).rejects.toThrow(/Unsupported database URL scheme/);
  });
});

describe("pglite in a data directory", () => {
  const dir = mkdtempSync(path.join(tmpdir(), "sr-pglite-"));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("persists data across reopen, migrates once, and refuses a file as its directory", async () => {
    const dataDir = path.join(dir, "nested", "pglite");
    const first = await openDatabase(dataDir);
    try {
      await migrateDatabase(first, { migrationsFolder });
      await first.db.insert(schema.settings).values({ key: "persisted", value: { on: true } });
      expect(await count(first, sql`select (current_setting('shared_buffers') = '16MB')::int as n`)).toBe(1);
    } finally {
      await first.close();
    }
    expect(await first.ping()).toBe(false);

    const second = await openDatabase(`file://${dataDir}`);
    try {
      await migrateDatabase(second, { migrationsFolder });
      expect(await count(second, sql`select count(*)::int as n from drizzle.__drizzle_migrations`)).toBe(journalEntries);
      const rows = await second.db.select().from(schema.settings);
      expect(rows.map((r) => [r.key, r.value])).toEqual([["persisted", { on: true }]]);
    } finally {
      await second.close();
    }

    const file = path.join(dir, "not-a-dir");
    writeFileSync(file, "");
    await expect(openDatabase(file)).rejects.toThrow(/not a directory/);
  });
});
