import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrateDatabase, openDatabase, type DatabaseHandle } from "../db";
import { routingDecisions } from "../db/schema";
import { createTestPostgresDatabase, type TestPostgresDatabase } from "../db/test-databases";
import { createLogger } from "../observability/logger";
import { renderMetrics } from "../observability/metrics";
import { pruneDecisions, startDecisionRetention } from "./decision-retention";

const DAY = 86_400_000;
let testDb: TestPostgresDatabase;
let postgres: DatabaseHandle;
let pglite: DatabaseHandle;

beforeAll(async () => {
  testDb = await createTestPostgresDatabase();
  postgres = await openDatabase(testDb.url);
  pglite = await openDatabase("memory://");
  await Promise.all([migrateDatabase(postgres), migrateDatabase(pglite)]);
});
afterAll(async () => {
  await postgres?.close();
  await pglite?.close();
  await testDb?.drop();
});

/** `count` decision rows created `daysAgo` days ago, tagged so each test counts only its own. */
async function insertRows(database: DatabaseHandle, tag: string, daysAgo: number, count: number): Promise<void> {
  const createdAt = new Date(Date.now() - daysAgo * DAY);
  await database.db.insert(routingDecisions).values(Array.from({ length: count }, (_, i) => ({ selectedModel: tag, responseId: `${tag}-${daysAgo}-${i}`, createdAt })));
}
const remaining = async (database: DatabaseHandle, tag: string) =>
  (await database.db.select({ responseId: routingDecisions.responseId }).from(routingDecisions)).filter((row) => row.responseId?.startsWith(`${tag}-`)).map((row) => row.responseId!.split("-")[1]);
const prunedTotal = async () => Number(/^smarterrouter_decisions_pruned_total (\d+)/m.exec((await renderMetrics("prometheus")).body)?.[1]);

describe.each([
  ["PostgreSQL", () => postgres],
  ["PGlite", () => pglite],
])("decision retention on %s", (_, database) => {
  it("deletes, batch after batch, only the rows older than the cutoff", async () => {
    const tag = `batches${Math.random().toString(36).slice(2, 8)}`;
    await insertRows(database(), tag, 40, 7);
    await insertRows(database(), tag, 2, 3);
    expect(await pruneDecisions(database(), new Date(Date.now() - 30 * DAY), 3)).toBe(7); // 3 + 3 + 1
    expect(await remaining(database(), tag)).toEqual(["2", "2", "2"]);
  });

  it("runs as configured: counts and logs what it deleted, and keeps everything with 0 days", async () => {
    const tag = `run${Math.random().toString(36).slice(2, 8)}`;
    await insertRows(database(), tag, 31, 4);
    await insertRows(database(), tag, 29, 2);
    const lines: string[] = [];
    const logger = createLogger({ level: "INFO", format: "text", write: (line) => lines.push(line) });

    const keepAll = startDecisionRetention(database(), logger, 0);
    expect(await keepAll.runNow()).toBe(0);
    keepAll.stop();
    expect(await remaining(database(), tag)).toHaveLength(6);

    const before = await prunedTotal();
    const retention = startDecisionRetention(database(), logger, 30);
    try {
      expect(await retention.runNow()).toBe(4);
    } finally {
      retention.stop();
    }
    expect(await remaining(database(), tag)).toEqual(["29", "29"]);
    expect((await prunedTotal()) - before).toBe(4);
    expect(lines.join("\n")).toMatch(/deleted \d+ routing decisions older than 30 days/);
  });
});

it("two instances on one PostgreSQL database: each old row is deleted once, without errors", async () => {
  const second = await openDatabase(testDb.url);
  try {
    const tag = `pair${Math.random().toString(36).slice(2, 8)}`;
    await insertRows(postgres, tag, 60, 50);
    await insertRows(postgres, tag, 1, 5);
    const silent = createLogger({ level: "CRITICAL", format: "text", write: () => {} });
    const [a, b] = [startDecisionRetention(postgres, silent, 30), startDecisionRetention(second, silent, 30)];
    const deleted = await Promise.all([a.runNow(), b.runNow()]);
    a.stop();
    b.stop();
    expect(deleted[0] + deleted[1]).toBe(50);
    expect(await remaining(postgres, tag)).toHaveLength(5);
  } finally {
    await second.close();
  }
});
