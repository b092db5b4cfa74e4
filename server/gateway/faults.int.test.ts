import http from "node:http";
import type { AddressInfo } from "node:net";
import { count, eq, inArray } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrateDatabase, openDatabase, type DatabaseHandle } from "../db";
import { modelFeedback, routingDecisions } from "../db/schema";
import { createTestPostgresDatabase, type TestPostgresDatabase } from "../db/test-databases";
import { startTcpProxy, type TcpProxy } from "../db/test-tcp-proxy";
import { sampleValue } from "../observability/test-metrics";
import { startSimulator } from "../simulator/server";
import { closedPort } from "../test-ports";
import { CircuitBreaker } from "./circuit-breaker";
import { startHarness, type Harness } from "./test-harness";

// Faults the router must ride out: a model that keeps failing (circuit breaker) and the database
// going away mid-traffic (a real network cut through a TCP proxy in front of Postgres).

const prompt = { messages: [{ role: "user", content: "Summarise the plot of Hamlet." }] };
const ask = (harness: Harness, body: Record<string, unknown> = prompt) =>
  fetch(`${harness.url}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
type Health = {
  status: string;
  database: { reachable: boolean };
  backends: { name: string; reachable: boolean }[];
  circuits: { model: string; state: string }[];
  write_queues: { decisions: number; feedback: number };
};
const health = async (harness: Harness) => (await (await fetch(`${harness.url}/health`)).json()) as Health;

describe("circuit breaker", () => {
  let database: DatabaseHandle;
  let harness: Harness;
  let now = 1_000_000;
  beforeAll(async () => {
    database = await openDatabase("memory://");
    await migrateDatabase(database);
    harness = await startHarness({ database, env: (url) => ({ ROUTER_OLLAMA_URL: url, ROUTER_ADMIN_API_KEY: "admin", ROUTER_CACHE_ENABLED: "false" }) });
  });
  afterAll(async () => {
    await harness?.close();
    await database?.close();
  });

  it.each([
    ["answers 500", { status: 500 }],
    ["sends garbage", { malformedChunk: 1 }],
  ])("stops sending to a model that %s after the threshold, shows it, and probes it back after the cooldown", async (_name, fault) => {
    // The same breaker the runtime builds, on a clock the test moves (no sleeping through cooldowns).
    harness.runtime.breaker = new CircuitBreaker({ enabled: true, failureThreshold: 2, cooldownMs: 30_000, now: () => now });
    await harness.setFaults([]);
    const first = await ask(harness);
    await first.text();
    const model = first.headers.get("x-smarterrouter-model")!;
    await harness.setFaults([{ model, ...fault }]);
    const chatsTo = async (name: string) => (await harness.received("/api/chat")).filter((request) => request.body.model === name).length;

    // Two failures (each answered by a fallback) open the circuit…
    for (let i = 0; i < 2; i++) {
      const response = await ask(harness);
      expect(response.status).toBe(200);
      expect(response.headers.get("x-smarterrouter-model")).not.toBe(model);
      await response.text();
    }
    const tried = await chatsTo(model);
    expect(harness.runtime.breaker.state(model)).toBe("open");
    expect(sampleValue(await (await fetch(`${harness.url}/metrics`)).text(), "smarterrouter_circuit_state", { model })).toBe(1);

    // …so the next requests do not touch it at all.
    for (let i = 0; i < 3; i++) {
      const response = await ask(harness);
      expect(response.status).toBe(200);
      await response.text();
    }
    expect(await chatsTo(model)).toBe(tried);
    const explain = (await (await fetch(`${harness.url}/admin/explain?prompt=${encodeURIComponent(prompt.messages[0]!.content)}`, { headers: { authorization: "Bearer admin" } })).json()) as {
      candidates: { model: string; rejected_reason: string | null }[];
    };
    expect(explain.candidates.find((candidate) => candidate.model === model)?.rejected_reason).toMatch(/circuit open/);
    const report = await health(harness);
    expect(report.status).toBe("degraded");
    expect(report.circuits).toEqual([expect.objectContaining({ model, state: "open" })]);

    // After the cooldown the model is probed again; it has recovered, so the circuit closes.
    await harness.setFaults([]);
    now += 30_000;
    expect(harness.runtime.breaker.state(model)).toBe("half_open");
    const probe = await ask(harness);
    await probe.text();
    expect(probe.headers.get("x-smarterrouter-model")).toBe(model);
    expect(harness.runtime.breaker.state(model)).toBe("closed");
    expect(harness.runtime.breaker.snapshot()).toEqual([]);
  });
});

describe("a backend that is down at start", () => {
  it("serves from the others, reports degraded, and finds the backend's model as soon as it comes, before the next poll", async () => {
    const database = await openDatabase("memory://");
    await migrateDatabase(database);
    const latePort = await closedPort();
    const harness = await startHarness({
      database,
      env: (url) => ({ ROUTER_BACKENDS: JSON.stringify([{ name: "late", kind: "ollama", url: `http://127.0.0.1:${latePort}` }, { name: "sim", kind: "ollama", url }]) }),
    });
    let late: Awaited<ReturnType<typeof startSimulator>> | undefined;
    try {
      const served = await ask(harness);
      expect(served.status).toBe(200);
      await served.text();
      const report = await health(harness);
      expect(report.status).toBe("degraded");
      expect(report.backends.map((b) => [b.name, b.reachable])).toEqual([["late", false], ["sim", true]]);
      expect((await ask(harness, { ...prompt, model: "late:7b" })).status).toBe(404);

      late = await startSimulator({ port: latePort, timeScale: 0, config: { models: [{ name: "late:7b" }] } });
      // No poll ran since: a backend that missed its last one is asked again when a client names a model it may have.
      const now = await ask(harness, { ...prompt, model: "late:7b" });
      expect(now.status).toBe(200);
      expect(now.headers.get("x-smarterrouter-model")).toBe("late:7b");
      await now.text();
    } finally {
      await harness.close();
      await late?.close();
      await database.close();
    }
  });

  it("when it is the only one, a routed request's 503 says which backend is unreachable and why", async () => {
    const database = await openDatabase("memory://");
    await migrateDatabase(database);
    const downPort = await closedPort();
    const harness = await startHarness({ database, env: () => ({ ROUTER_BACKENDS: JSON.stringify([{ name: "gpu-box", kind: "ollama", url: `http://127.0.0.1:${downPort}` }]) }) });
    try {
      const response = await ask(harness);
      expect(response.status).toBe(503);
      const { error } = (await response.json()) as { error: { message: string } };
      expect(error.message).toBe("Cannot route this request: no models are available (backend 'gpu-box' is unreachable: connection refused; see /health)");
    } finally {
      await harness.close();
      await database.close();
    }
  });

  it("a backend that answers but lists no models: the 503 says so", async () => {
    const database = await openDatabase("memory://");
    await migrateDatabase(database);
    // An Ollama with nothing pulled yet.
    const empty = http.createServer((_, res) => res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ models: [] })));
    await new Promise<void>((resolve) => empty.listen(0, "127.0.0.1", resolve));
    const harness = await startHarness({ database, env: () => ({ ROUTER_OLLAMA_URL: `http://127.0.0.1:${(empty.address() as AddressInfo).port}` }) });
    try {
      const response = await ask(harness);
      expect(response.status).toBe(503);
      expect(((await response.json()) as { error: { message: string } }).error.message).toBe("Cannot route this request: no models are available (the backends list no models)");
    } finally {
      await harness.close();
      await new Promise((resolve) => empty.close(resolve));
      await database.close();
    }
  });
});

describe("the database stopped and restarted mid-traffic (Postgres behind a proxy)", () => {
  let testDb: TestPostgresDatabase;
  let proxy: TcpProxy;
  let database: DatabaseHandle;
  let direct: DatabaseHandle;
  let harness: Harness;
  beforeAll(async () => {
    testDb = await createTestPostgresDatabase();
    const url = new URL(testDb.url);
    proxy = await startTcpProxy({ host: url.hostname, port: Number(url.port || 5432) });
    database = await openDatabase(proxy.via(testDb.url), { connectTimeoutSeconds: 1 });
    await migrateDatabase(database);
    direct = await openDatabase(testDb.url);
    harness = await startHarness({ database, env: (simUrl) => ({ ROUTER_OLLAMA_URL: simUrl }) });
  });
  afterAll(async () => {
    await harness?.close();
    await database?.close();
    await direct?.close();
    await proxy?.close();
    await testDb?.drop();
  });

  it("keeps serving, queues decisions and feedback in memory, and stores every one when the database is back", async () => {
    const before = await ask(harness);
    const { id: earlierId } = (await before.json()) as { id: string };
    await harness.runtime.decisions.flush();

    await proxy.cut();
    const requestIds: string[] = [];
    const answers = await Promise.all(
      Array.from({ length: 30 }, (_, i) => {
        const requestId = `outage-${process.pid}-${i}`;
        requestIds.push(requestId);
        return fetch(`${harness.url}/v1/chat/completions`, {
          method: "POST",
          headers: { "content-type": "application/json", "x-request-id": requestId },
          body: JSON.stringify({ ...prompt, stream: i % 2 === 0 }),
        });
      }),
    );
    const bodies = await Promise.all(answers.map((answer) => answer.text()));
    expect(answers.map((answer) => answer.status)).toEqual(answers.map(() => 200));
    const lastId = (JSON.parse(bodies[1]!) as { id: string }).id;

    // Ratings while the database is down are accepted (202) and held, not lost.
    const ratings = await Promise.all(
      [earlierId, lastId].map((responseId) =>
        fetch(`${harness.url}/v1/feedback`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ response_id: responseId, score: 1 }) }),
      ),
    );
    expect(ratings.map((rating) => rating.status)).toEqual([202, 202]);
    expect(await ratings[0]!.json()).toMatchObject({ status: "queued" });

    await harness.runtime.decisions.flush(); // the write fails: the rows stay queued
    const report = await health(harness);
    expect(report.status).toBe("degraded");
    expect(report.database.reachable).toBe(false);
    expect(report.write_queues).toEqual({ decisions: 30, feedback: 2 });

    await proxy.restore();
    await harness.runtime.decisions.flush();
    await harness.runtime.feedback.flush();
    expect(harness.runtime.decisions.queued).toBe(0);
    expect(harness.runtime.feedback.queued).toBe(0);
    expect(harness.runtime.decisions.dropped + harness.runtime.feedback.dropped).toBe(0);

    const [{ value: stored }] = await direct.db.select({ value: count() }).from(routingDecisions).where(inArray(routingDecisions.requestId, requestIds));
    expect(stored).toBe(30);
    const linked = await direct.db.select({ responseId: modelFeedback.responseId, model: modelFeedback.modelName }).from(modelFeedback);
    expect(linked.map((row) => row.responseId).sort()).toEqual([earlierId, lastId].sort());
    const [decision] = await direct.db.select({ model: routingDecisions.selectedModel }).from(routingDecisions).where(eq(routingDecisions.responseId, lastId));
    expect(linked.find((row) => row.responseId === lastId)?.model).toBe(decision?.model);
  }, 30_000);
});
