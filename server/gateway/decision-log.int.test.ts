import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrateDatabase, openDatabase, type DatabaseHandle } from "../db";
import { modelFeedback, routingDecisions } from "../db/schema";
import { FeedbackLog } from "../feedback/feedback-log";
import { storeFeedbackBatch, type FeedbackInput } from "../feedback/record-feedback";
import { createTestPostgresDatabase, type TestPostgresDatabase } from "../db/test-databases";
import { createLogger } from "../observability/logger";
import { DecisionLog } from "./decision-log";

const silent = createLogger({ level: "CRITICAL", format: "text", write: () => {} });
let testDb: TestPostgresDatabase;
let database: DatabaseHandle;

beforeAll(async () => {
  testDb = await createTestPostgresDatabase();
  database = await openDatabase(testDb.url);
  await migrateDatabase(database);
});
afterAll(async () => {
  await database?.close();
  await testDb?.drop();
});

const row = (i: number) => ({ selectedModel: `m${i}`, responseId: `r${i}` });
const stored = async () => (await database.db.select({ id: routingDecisions.id }).from(routingDecisions)).length;
const breakTable = () => database.db.execute(sql`alter table routing_decisions rename to routing_decisions_away`);
const mendTable = () => database.db.execute(sql`alter table routing_decisions_away rename to routing_decisions`);

describe("DecisionLog", () => {
  it("batches rows and stores every one", async () => {
    const log = new DecisionLog(database, silent);
    const before = await stored();
    for (let i = 0; i < 450; i++) log.record(row(i));
    await log.flush();
    expect((await stored()) - before).toBe(450);
  });

  it("builds a row recorded for later after the current turn, and flush stores it even before that", async () => {
    const log = new DecisionLog(database, silent);
    const before = await stored();
    const built: number[] = [];
    log.recordLater(() => (built.push(1), row(1)));
    log.recordLater(() => (built.push(2), row(2)));
    expect(built).toEqual([]); // not on the caller's path
    expect(log.queued).toBe(2);
    await new Promise((resolve) => setImmediate(resolve));
    expect(built).toEqual([1, 2]);
    log.recordLater(() => row(3));
    await log.flush(); // before its turn came
    expect(log.queued).toBe(0);
    expect((await stored()) - before).toBe(3);
  });

  it("keeps rows while the database refuses them and stores them when it is back", async () => {
    const log = new DecisionLog(database, silent);
    const before = await stored();
    await breakTable();
    try {
      for (let i = 0; i < 20; i++) log.record(row(i));
      await log.flush();
      expect(log.queued).toBe(20);
    } finally {
      await mendTable();
    }
    await log.flush();
    expect(log.queued).toBe(0);
    expect((await stored()) - before).toBe(20);
    expect(log.dropped).toBe(0);
  });

  it("drops and counts what does not fit in its bound", async () => {
    const log = new DecisionLog(database, silent, 5);
    const before = await stored();
    await breakTable();
    try {
      for (let i = 0; i < 8; i++) log.record(row(i));
      await log.flush();
    } finally {
      await mendTable();
    }
    await log.flush();
    expect(log.dropped).toBe(3);
    expect((await stored()) - before).toBe(5);
  });

  it("stores a batch once when its first write was stored but its answer was lost with the connection", async () => {
    // The statement commits, then the client sees the connection drop: the batch is retried.
    let lost = false;
    const execute = database.db.execute.bind(database.db);
    const db = Object.assign(Object.create(database.db) as typeof database.db, {
      execute: async (query: Parameters<typeof execute>[0]) => {
        const result = await execute(query);
        if (!lost) {
          lost = true;
          throw new Error("connection lost before the answer");
        }
        return result;
      },
    });
    const log = new DecisionLog({ ...database, db } as DatabaseHandle, silent);
    const tag = `once-${process.pid}`;
    for (let i = 0; i < 30; i++) log.record({ selectedModel: tag, responseId: `${tag}-${i}` });
    expect(await log.flush()).toBe(false); // the failed write keeps the batch queued…
    expect(await log.flush()).toBe(true); // …and the retry goes through
    const rows = await database.db.select({ id: routingDecisions.id }).from(routingDecisions).where(eq(routingDecisions.selectedModel, tag));
    expect(rows).toHaveLength(30);
  });

  it("stores a queued rating once even when its batch is written twice", async () => {
    const feedback = new FeedbackLog(database, silent);
    const model = `rated-once-${process.pid}`;
    const queued: FeedbackInput[] = [];
    feedback.enqueue({ model, score: 1 });
    // What the queue hands its writer: the rating with the write key it was given when queued.
    queued.push(...(feedback as unknown as { queue: FeedbackInput[] }).queue);
    expect(queued[0]?.writeKey).toMatch(/^[0-9a-f-]{36}$/);
    await storeFeedbackBatch(database, queued);
    expect(await feedback.flush()).toBe(true); // the same rating again, as a retry would send it: accepted, not stored twice
    const rows = await database.db.select({ id: modelFeedback.id }).from(modelFeedback).where(eq(modelFeedback.modelName, model));
    expect(rows).toHaveLength(1);
  });

  it("keeps ratings queued until the decisions they rate are stored, then links them", async () => {
    const log = new DecisionLog(database, silent);
    const feedback = new FeedbackLog(database, silent, { before: () => log.flush() });
    const responseId = `rated-${process.pid}`;
    // Inserts into routing_decisions fail while reads still work: the decision stays queued.
    await database.db.execute(sql`create or replace function refuse_insert() returns trigger language plpgsql as $$ begin raise exception 'refused'; end $$`);
    await database.db.execute(sql`create trigger refuse_decisions before insert on routing_decisions for each row execute function refuse_insert()`);
    try {
      log.record({ selectedModel: "rated-model", responseId });
      feedback.enqueue({ responseId, score: 1 });
      await feedback.flush();
      expect(feedback.queued).toBe(1); // the feedback table is fine, but its decision is not stored yet
    } finally {
      await database.db.execute(sql`drop trigger refuse_decisions on routing_decisions`);
    }
    await feedback.flush();
    expect(feedback.queued).toBe(0);
    const rows = await database.db.select({ model: modelFeedback.modelName }).from(modelFeedback).where(eq(modelFeedback.responseId, responseId));
    expect(rows).toEqual([{ model: "rated-model" }]);
  });
});

/** Every column written as given (numbers, jsonb, booleans, nulls), and schema defaults for fields left out. */
async function expectRoundTrip(target: DatabaseHandle): Promise<void> {
  const log = new DecisionLog(target, silent);
  const full = {
    requestId: "req-full",
    traceId: "0af7651916cd43dd8448eb211c80319c",
    responseId: "chatcmpl-full",
    promptHash: "0123456789abcdef",
    category: "coding" as const,
    categoryConfidence: 0.75,
    complexity: 0.5,
    tier: "medium" as const,
    selectedModel: "qwen2.5-coder:14b",
    backend: "gpu",
    confidence: 0.625,
    reason: "best coding model; it's \"quoted\" and ünïcode",
    candidates: [{ model: "qwen2.5-coder:14b", score: 0.625, parts: { quality: 0.5, speed: 0.125 } }, { model: "x", score: 0, excluded: "no tools" }],
    fallbackCount: 1,
    attempts: [{ model: "a", backend: "gpu", ok: false, error: "timeout", ms: 30 }, { model: "qwen2.5-coder:14b", backend: "gpu", ok: true, ms: 12 }],
    cacheHit: true,
    status: "error" as const,
    error: "cut",
    latencyMs: 42.5,
    ttftMs: 7.25,
    promptTokens: 11,
    completionTokens: 22,
    tokensEstimated: true,
    prompt: "[{\"role\":\"user\"}]",
  };
  log.record(full);
  log.record({ selectedModel: "m", responseId: "chatcmpl-defaults" });
  await log.flush();
  const [stored] = await target.db.select().from(routingDecisions).where(eq(routingDecisions.responseId, "chatcmpl-full"));
  expect(stored).toMatchObject({ ...full, clientKeyId: null });
  expect(stored!.createdAt).toBeInstanceOf(Date);
  const [defaults] = await target.db.select().from(routingDecisions).where(eq(routingDecisions.responseId, "chatcmpl-defaults"));
  expect(defaults).toMatchObject({ candidates: [], attempts: [], fallbackCount: 0, cacheHit: false, status: "ok", tokensEstimated: false, requestId: null, confidence: null });
}

describe("DecisionLog rows", () => {
  it("round-trip on Postgres", async () => expectRoundTrip(database));

  it("round-trip on PGlite", async () => {
    const pglite = await openDatabase("memory://");
    try {
      await migrateDatabase(pglite);
      await expectRoundTrip(pglite);
    } finally {
      await pglite.close();
    }
  });
});
