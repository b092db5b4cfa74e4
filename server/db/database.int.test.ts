import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { and, avg, eq, getTableName, is, sql } from "drizzle-orm";
import { PgTable } from "drizzle-orm/pg-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type DatabaseHandle } from "./client";
import { PG_CHECK_VIOLATION, PG_UNIQUE_VIOLATION, postgresErrorCode } from "./errors";
import { migrateDatabase } from "./migrate";
import * as schema from "./schema";
import { createTestPostgresDatabase, skipPostgresTests, type TestPostgresDatabase } from "./test-databases";

const migrationsFolder = path.join(process.cwd(), "drizzle");
const journalEntries = (
  JSON.parse(readFileSync(path.join(migrationsFolder, "meta", "_journal.json"), "utf8")) as { entries: unknown[] }
).entries.length;
const schemaTables = (Object.values(schema) as unknown[])
  .filter((v): v is PgTable => is(v, PgTable))
  .map((t) => getTableName(t))
  .sort();

async function rows<T>(handle: DatabaseHandle, query: ReturnType<typeof sql>): Promise<T[]> {
  // postgres.js returns an array of rows, PGlite a result object with `.rows`.
  const result = (await handle.db.execute(query)) as unknown as T[] | { rows: T[] };
  return Array.isArray(result) ? result : result.rows;
}

async function expectSqlState(promise: Promise<unknown>, code: string): Promise<void> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, `expected SQLSTATE ${code}`).toBeDefined();
  expect(postgresErrorCode(err)).toBe(code);
}

const backends = [
  {
    name: "pglite",
    skip: false,
    setup: async () => ({ handle: await openDatabase("memory://"), teardown: async () => undefined }),
  },
  {
    // A data directory: PGlite in its worker thread (pglite-remote.ts), as the server runs it.
    name: "pglite on disk",
    skip: false,
    setup: async () => {
      const dir = mkdtempSync(path.join(tmpdir(), "smarterrouter-db-"));
      return { handle: await openDatabase(dir), teardown: async () => rmSync(dir, { recursive: true, force: true }) };
    },
  },
  {
    name: "postgres",
    skip: skipPostgresTests(),
    setup: async () => {
      const testDb: TestPostgresDatabase = await createTestPostgresDatabase();
      return { handle: await openDatabase(testDb.url), teardown: () => testDb.drop() };
    },
  },
];

for (const backend of backends) {
  describe.skipIf(backend.skip)(`database on ${backend.name}`, () => {
    let handle: DatabaseHandle;
    let teardown: () => Promise<void> = async () => undefined;

    beforeAll(async () => {
      const opened = await backend.setup();
      handle = opened.handle;
      teardown = opened.teardown;
      await migrateDatabase(handle, { migrationsFolder });
    });

    afterAll(async () => {
      await handle?.close();
      await teardown();
    });

    it("opens the expected driver and answers ping", async () => {
      expect(handle.kind).toBe(backend.name.split(" ")[0]);
      expect(await handle.ping()).toBe(true);
    });

    it("creates every schema table and records each migration once", async () => {
      const tables = await rows<{ table_name: string }>(
        handle,
        sql`select table_name from information_schema.tables where table_schema = 'public' order by table_name`,
      );
      expect(tables.map((t) => t.table_name)).toEqual(schemaTables);
      expect(schemaTables).toHaveLength(11);
      const journal = await rows<{ n: number }>(handle, sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
      expect(journal[0]?.n).toBe(journalEntries);
    });

    it("round-trips a model profile with jsonb scores and provenance", async () => {
      const { db } = handle;
      const [inserted] = await db
        .insert(schema.modelProfiles)
        .values({
          name: "qwen2.5-coder:7b",
          backend: "ollama",
          scores: { coding: 0.82, math: 0.4 },
          scoreProvenance: { coding: { source: "judge", judgeModel: "llama3.1:70b", samples: 12, at: "2025-01-02T03:04:05Z" } },
          speed: 0.7,
          tokensPerSecond: 48.5,
          toolCalling: true,
          parameterCountB: 7.6,
          contextLength: 32768,
        })
        .returning();
      expect(inserted?.id).toBeGreaterThan(0);
      expect(inserted?.firstSeen).toBeInstanceOf(Date);

      const [row] = await db.select().from(schema.modelProfiles).where(eq(schema.modelProfiles.name, "qwen2.5-coder:7b"));
      expect(row?.scores).toEqual({ coding: 0.82, math: 0.4 });
      expect(row?.scoreProvenance.coding).toEqual({ source: "judge", judgeModel: "llama3.1:70b", samples: 12, at: "2025-01-02T03:04:05Z" });
      expect(row?.toolCalling).toBe(true);
      expect(row?.vision).toBe(false);
      expect(row?.parameterCountB).toBeCloseTo(7.6, 5);

      // jsonb is queryable in SQL, which routing snapshots and the console rely on.
      const coders = await db
        .select({ name: schema.modelProfiles.name })
        .from(schema.modelProfiles)
        .where(sql`(${schema.modelProfiles.scores}->>'coding')::real > 0.8`);
      expect(coders.map((c) => c.name)).toEqual(["qwen2.5-coder:7b"]);

      await expectSqlState(db.insert(schema.modelProfiles).values({ name: "qwen2.5-coder:7b" }), PG_UNIQUE_VIOLATION);
    });

    it("logs routing decisions linked to an api key and keeps them when the key is deleted", async () => {
      const { db } = handle;
      const [key] = await db
        .insert(schema.apiKeys)
        .values({ name: "ci", keyHash: "a".repeat(64), prefix: "sr-abcde" })
        .returning({ id: schema.apiKeys.id });
      const [decision] = await db
        .insert(schema.routingDecisions)
        .values({
          requestId: "req-1",
          responseId: "chatcmpl-1",
          promptHash: "0123456789abcdef",
          category: "coding",
          complexity: 0.5,
          tier: "medium",
          selectedModel: "qwen2.5-coder:7b",
          backend: "ollama",
          confidence: 0.91,
          reason: "best coding score",
          candidates: [
            { model: "qwen2.5-coder:7b", score: 0.91, parts: { quality: 0.8, speed: 0.11 } },
            { model: "llama3.2:1b", score: 0.3 },
          ],
          latencyMs: 812.5,
          promptTokens: 40,
          completionTokens: 200,
          clientKeyId: key?.id,
        })
        .returning();
      expect(typeof decision?.id).toBe("number");
      expect(decision?.status).toBe("ok");
      expect(decision?.cacheHit).toBe(false);
      expect(decision?.createdAt).toBeInstanceOf(Date);

      const [found] = await db.select().from(schema.routingDecisions).where(eq(schema.routingDecisions.responseId, "chatcmpl-1"));
      expect(found?.candidates[0]).toEqual({ model: "qwen2.5-coder:7b", score: 0.91, parts: { quality: 0.8, speed: 0.11 } });
      expect(found?.clientKeyId).toBe(key?.id);

      await expectSqlState(
        db.insert(schema.routingDecisions).values({ selectedModel: "m", confidence: 1.5 }),
        PG_CHECK_VIOLATION,
      );

      await db.delete(schema.apiKeys).where(eq(schema.apiKeys.id, key?.id ?? ""));
      const [orphan] = await db.select().from(schema.routingDecisions).where(eq(schema.routingDecisions.id, decision?.id ?? 0));
      expect(orphan?.clientKeyId).toBeNull();
    });

    it("stores feedback and aggregates it per model", async () => {
      const { db } = handle;
      await db.insert(schema.modelFeedback).values([
        { modelName: "model-a", responseId: "chatcmpl-1", score: 1, category: "coding" },
        { modelName: "model-a", score: 0, comment: "meh", source: "console" },
        { modelName: "model-b", score: -1 },
      ]);
      const averages = await db
        .select({ model: schema.modelFeedback.modelName, avg: avg(schema.modelFeedback.score).mapWith(Number) })
        .from(schema.modelFeedback)
        .groupBy(schema.modelFeedback.modelName)
        .orderBy(schema.modelFeedback.modelName);
      expect(averages).toEqual([
        { model: "model-a", avg: 0.5 },
        { model: "model-b", avg: -1 },
      ]);
      const [linked] = await db.select().from(schema.modelFeedback).where(eq(schema.modelFeedback.responseId, "chatcmpl-1"));
      expect(linked?.category).toBe("coding");
      expect(linked?.source).toBe("api");
      await expectSqlState(db.insert(schema.modelFeedback).values({ modelName: "model-a", score: 2 }), PG_CHECK_VIOLATION);
    });

    it("rejects a second api key with the same hash", async () => {
      const { db } = handle;
      const keyHash = "b".repeat(64);
      await db.insert(schema.apiKeys).values({ name: "first", keyHash, prefix: "sr-11111" });
      await expectSqlState(db.insert(schema.apiKeys).values({ name: "second", keyHash, prefix: "sr-22222" }), PG_UNIQUE_VIOLATION);
      const keys = await db.select().from(schema.apiKeys).where(eq(schema.apiKeys.keyHash, keyHash));
      expect(keys.map((k) => k.name)).toEqual(["first"]);
    });

    it("upserts settings by key", async () => {
      const { db } = handle;
      const upsert = (value: unknown, updatedBy: string) =>
        db
          .insert(schema.settings)
          .values({ key: "routing.weights", value, updatedBy })
          .onConflictDoUpdate({ target: schema.settings.key, set: { value, updatedBy, updatedAt: new Date() } });
      await upsert({ quality: 0.6, speed: 0.4 }, "admin");
      await upsert({ quality: 0.8, speed: 0.2 }, "console");
      const all = await db.select().from(schema.settings).where(eq(schema.settings.key, "routing.weights"));
      expect(all).toHaveLength(1);
      expect(all[0]?.value).toEqual({ quality: 0.8, speed: 0.2 });
      expect(all[0]?.updatedBy).toBe("console");
    });

    it("upserts benchmarks per (model, source) and applies defaults to jobs and sync runs", async () => {
      const { db } = handle;
      const row = { modelName: "llama3.1:8b", source: "lmsys" as const, eloRating: 1170, scores: { general: 0.6 } };
      await db.insert(schema.modelBenchmarks).values(row);
      await db
        .insert(schema.modelBenchmarks)
        .values({ ...row, eloRating: 1180 })
        .onConflictDoUpdate({
          target: [schema.modelBenchmarks.modelName, schema.modelBenchmarks.source],
          set: { eloRating: 1180 },
        });
      await db.insert(schema.modelBenchmarks).values({ modelName: "llama3.1:8b", source: "huggingface", mmlu: 0.68 });
      const stored = await db
        .select()
        .from(schema.modelBenchmarks)
        .where(and(eq(schema.modelBenchmarks.modelName, "llama3.1:8b"), eq(schema.modelBenchmarks.source, "lmsys")));
      expect(stored.map((b) => b.eloRating)).toEqual([1180]);

      const [job] = await db.insert(schema.profilingJobs).values({ models: ["a", "b"] }).returning();
      expect(job?.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(job?.status).toBe("queued");
      expect(job?.models).toEqual(["a", "b"]);
      await expectSqlState(db.insert(schema.profilingJobs).values({ status: "bogus" as "queued" }), PG_CHECK_VIOLATION);

      const [run] = await db.insert(schema.benchmarkSyncRuns).values({ sources: ["lmsys"] }).returning();
      expect(run?.status).toBe("running");
      expect(run?.modelsCount).toBe(0);
    });

    it("treats a second migration run as a no-op that keeps the data", async () => {
      await migrateDatabase(handle, { migrationsFolder });
      const journal = await rows<{ n: number }>(handle, sql`select count(*)::int as n from drizzle.__drizzle_migrations`);
      expect(journal[0]?.n).toBe(journalEntries);
      const profiles = await handle.db.select().from(schema.modelProfiles);
      expect(profiles.map((p) => p.name)).toEqual(["qwen2.5-coder:7b"]);
    });
  });
}
