// A bounded loopback load test: N streaming clients for S seconds against the simulated fleet,
// through the router in a child process on Postgres. It checks what must hold under load: no failed
// request, exactly one decision row per request, and memory that stays flat (RSS sampled through
// the run). With `databaseOutage` the database is cut off for the middle third of the run and
// restored, and still no decision row may be lost.
import { fork, type ChildProcess } from "node:child_process";
import http from "node:http";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { count, like, countDistinct } from "drizzle-orm";
import { openDatabase } from "../../server/db";
import { routingDecisions } from "../../server/db/schema";
import { createTestPostgresDatabase } from "../../server/db/test-databases";
import { startSimulator } from "../../server/simulator/server";
import type { RouterCommand, RouterMessage, RouterStats } from "./router-process";

export type LoadTestOptions = { clients: number; seconds: number; databaseOutage?: boolean; maxTokens?: number; log?: (line: string) => void };

export type LoadTestResult = {
  clients: number;
  seconds: number;
  requests: number;
  failed: number;
  failures: string[];
  requestsPerSecond: number;
  latencyMs: { p50: number; p95: number; p99: number; max: number };
  decisionRows: number;
  distinctRequestIds: number;
  droppedRows: number;
  rssMiB: { start: number; peak: number; end: number; afterDrain: number };
  /** RSS every ~5 s of the run: flat means it levels off, not that it never rises. */
  rssTimelineMiB: number[];
  /**
   * Live JS heap after a full GC: before the load, halfway through it (requests in flight) and after
   * it. Caches fill during the first half; a leak keeps growing through the second.
   */
  heapAfterGcMiB: { start: number; half: number; end: number };
  outage?: { cutAtS: number; restoredAtS: number; queuedAtRestore: number };
};

const MiB = 1024 * 1024;

class RouterChild {
  private next = 0;
  private waiting = new Map<number, (stats: RouterStats) => void>();
  private constructor(readonly child: ChildProcess, readonly url: string) {
    child.on("message", (message: RouterMessage) => {
      if ("id" in message) {
        this.waiting.get(message.id)?.(message);
        this.waiting.delete(message.id);
      }
    });
  }

  static start(env: Record<string, string>): Promise<RouterChild> {
    const child = fork(path.join(import.meta.dirname, "router-process.ts"), [], { execArgv: ["--import", "tsx", "--expose-gc"], env: { ...process.env, ...env }, stdio: ["ignore", "inherit", "inherit", "ipc"] });
    return new Promise((resolve, reject) => {
      child.once("exit", (code) => reject(new Error(`the router process exited (${code}) before it was ready`)));
      child.once("message", (message: RouterMessage) => {
        if ("ready" in message) resolve(new RouterChild(child, message.ready));
      });
    });
  }

  send(cmd: RouterCommand["cmd"]): Promise<RouterStats> {
    const id = ++this.next;
    return new Promise((resolve) => {
      this.waiting.set(id, resolve);
      this.child.send({ id, cmd } satisfies RouterCommand);
    });
  }
}

/** One streamed chat request; a failure is anything but a 200 stream that ends with [DONE]. */
function streamOnce(agent: http.Agent, port: number, requestId: string, payload: string): Promise<{ ok: boolean; ms: number; why?: string }> {
  const started = performance.now();
  return new Promise((resolve) => {
    const fail = (why: string) => resolve({ ok: false, ms: performance.now() - started, why });
    const request = http.request(
      { agent, host: "127.0.0.1", port, path: "/v1/chat/completions", method: "POST", headers: { "content-type": "application/json", "content-length": Buffer.byteLength(payload), "x-request-id": requestId } },
      (response) => {
        let tail = "";
        response.setEncoding("utf8");
        response.on("data", (chunk: string) => (tail = (tail + chunk).slice(-256)));
        response.on("end", () => {
          if (response.statusCode !== 200) return fail(`status ${response.statusCode}: ${tail.slice(0, 120)}`);
          if (!tail.trimEnd().endsWith("data: [DONE]")) return fail(`stream did not finish: ${tail.slice(-120)}`);
          resolve({ ok: true, ms: performance.now() - started });
        });
        response.on("error", (error) => fail(error.message));
      },
    );
    request.on("error", (error) => fail(error.message));
    request.end(payload);
  });
}

const percentile = (sorted: number[], p: number) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0;

export async function runLoadTest(options: LoadTestOptions): Promise<LoadTestResult> {
  const log = options.log ?? (() => {});
  const testDb = await createTestPostgresDatabase();
  // The fleet at real speed (time to first token, tokens per second), in this process.
  const sim = await startSimulator({ port: 0, timeScale: 1 });
  let router: RouterChild | undefined;
  const direct = await openDatabase(testDb.url, { poolMax: 2 });
  try {
    router = await RouterChild.start({ LOAD_DATABASE_URL: testDb.url, LOAD_SIM_URL: sim.url });
    const port = Number(new URL(router.url).port);
    const runId = `load-${process.pid}-${Date.now()}`;
    const agent = new http.Agent({ keepAlive: true, maxSockets: options.clients });
    const heapStart = await router.send("gc");
    const start = await router.send("stats");
    let peak = start.rss;
    const timeline: number[] = [];
    let samples = 0;
    const sampler = setInterval(
      () =>
        void router!.send("stats").then((stats) => {
          peak = Math.max(peak, stats.rss);
          if (samples++ % 20 === 0) timeline.push(Math.round(stats.rss / MiB));
        }),
      250,
    );

    const durationMs = options.seconds * 1000;
    const began = performance.now();
    let outage: LoadTestResult["outage"];
    const outageDone = options.databaseOutage
      ? (async () => {
          await new Promise((resolve) => setTimeout(resolve, durationMs / 3));
          await router!.send("cut");
          const cutAtS = (performance.now() - began) / 1000;
          log(`database cut at ${cutAtS.toFixed(1)} s`);
          await new Promise((resolve) => setTimeout(resolve, durationMs / 3));
          const { queued } = await router!.send("restore");
          const restoredAtS = (performance.now() - began) / 1000;
          log(`database restored at ${restoredAtS.toFixed(1)} s with ${queued} decision rows queued`);
          outage = { cutAtS, restoredAtS, queuedAtRestore: queued };
        })()
      : Promise.resolve();

    let heapHalf = 0;
    const halfway = options.databaseOutage
      ? Promise.resolve()
      : new Promise((resolve) => setTimeout(resolve, durationMs / 2)).then(async () => (heapHalf = (await router!.send("gc")).heapUsed));
    const latencies: number[] = [];
    const failures: string[] = [];
    let issued = 0;
    const client = async (index: number) => {
      for (let turn = 0; performance.now() - began < durationMs; turn++) {
        const requestId = `${runId}-${index}-${turn}`;
        issued += 1;
        const payload = JSON.stringify({ stream: true, max_tokens: options.maxTokens ?? 48, messages: [{ role: "user", content: `Client ${index}, turn ${turn}: summarise the plot of Hamlet in two sentences.` }] });
        const outcome = await streamOnce(agent, port, requestId, payload);
        latencies.push(outcome.ms);
        if (!outcome.ok) failures.push(`${requestId}: ${outcome.why}`);
      }
    };
    await Promise.all(Array.from({ length: options.clients }, (_, index) => client(index)));
    const elapsedS = (performance.now() - began) / 1000;
    await outageDone;
    await halfway;
    clearInterval(sampler);
    agent.destroy();
    const end = await router.send("stats");
    peak = Math.max(peak, end.rss);
    const drained = await router.send("drain");
    const heapEnd = await router.send("gc");

    const [rows] = await direct.db
      .select({ rows: count(), distinct: countDistinct(routingDecisions.requestId) })
      .from(routingDecisions)
      .where(like(routingDecisions.requestId, `${runId}-%`));
    const sorted = latencies.sort((a, b) => a - b);
    return {
      clients: options.clients,
      seconds: options.seconds,
      requests: issued,
      failed: failures.length,
      failures: failures.slice(0, 10),
      requestsPerSecond: Math.round((issued / elapsedS) * 10) / 10,
      latencyMs: { p50: Math.round(percentile(sorted, 50)), p95: Math.round(percentile(sorted, 95)), p99: Math.round(percentile(sorted, 99)), max: Math.round(sorted.at(-1) ?? 0) },
      decisionRows: rows?.rows ?? 0,
      distinctRequestIds: rows?.distinct ?? 0,
      droppedRows: drained.dropped,
      rssMiB: { start: Math.round(start.rss / MiB), peak: Math.round(peak / MiB), end: Math.round(end.rss / MiB), afterDrain: Math.round(drained.rss / MiB) },
      rssTimelineMiB: timeline,
      heapAfterGcMiB: { start: Math.round(heapStart.heapUsed / MiB), half: Math.round(heapHalf / MiB), end: Math.round(heapEnd.heapUsed / MiB) },
      outage,
    };
  } finally {
    await router?.send("close").catch(() => undefined);
    await sim.close();
    await direct.close();
    await testDb.drop();
  }
}
