import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import http from "node:http";
import net from "node:net";
import os from "node:os";
import path from "node:path";
import { eq } from "drizzle-orm";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { openDatabase } from "../db";
import { routingDecisions } from "../db/schema";
import { createTestPostgresDatabase, skipPostgresTests, type TestPostgresDatabase } from "../db/test-databases";
import { startSimulator, type Simulator } from "../simulator/server";

// Graceful shutdown of a real server process (server/http/serve.ts) on a real database: SIGTERM
// during a slow stream lets the stream finish, refuses new connections meanwhile, stores the
// decision row, and exits 0; a stream longer than the timeout is cut and still recorded.

const root = path.resolve(import.meta.dirname, "..", "..");
let sim: Simulator;
beforeAll(async () => {
  // Real time, 5 tokens a second: a stream of n tokens lasts n/5 s.
  sim = await startSimulator({ port: 0, config: { seed: 1, timeScale: 1, models: [{ name: "slow:1b", family: "llama", parameterSize: "1B", loadMs: 0, ttftMs: 20, tokensPerSecond: 5 }] } });
});
afterAll(async () => sim?.close());

type Started = { child: ChildProcess; port: number; log: () => string; waitFor: (text: string) => Promise<void>; exited: Promise<number | null> };

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
});

async function startRouter(databaseUrl: string, timeoutSeconds: number): Promise<Started> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("ROUTER_") && key !== "DATABASE_URL"));
  const child = spawn(process.execPath, ["--import", "tsx", "server/http/test-serve-main.ts"], {
    cwd: root,
    env: {
      ...clean,
      NODE_ENV: "production",
      DATABASE_URL: databaseUrl,
      ROUTER_HOST: "127.0.0.1",
      ROUTER_PORT: "0", // the router takes a free port and prints it: no race with other tests for one
      ROUTER_OLLAMA_URL: sim.url,
      ROUTER_LOG_LEVEL: "INFO",
      ROUTER_SHUTDOWN_TIMEOUT_SECONDS: String(timeoutSeconds),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  children.push(child);
  let output = "";
  const waiters: { text: string; resolve: () => void }[] = [];
  const collect = (chunk: Buffer) => {
    output += chunk.toString();
    for (const waiter of waiters.filter((w) => output.includes(w.text))) {
      waiters.splice(waiters.indexOf(waiter), 1);
      waiter.resolve();
    }
  };
  child.stdout!.on("data", collect);
  child.stderr!.on("data", collect);
  const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
  const waitFor = (text: string) =>
    output.includes(text)
      ? Promise.resolve()
      : Promise.race([
          new Promise<void>((resolve) => waiters.push({ text, resolve })),
          exited.then((code) => {
            throw new Error(`router exited (${code}) before printing "${text}":\n${output}`);
          }),
        ]);
  await waitFor("listening on");
  const port = Number(/listening on http:\/\/[^:]+:(\d+)/.exec(output)?.[1]);
  return { child, port, log: () => output, waitFor, exited };
}

type OpenStream = { requestId: string; firstChunk: Promise<void>; rest: Promise<string>; ended: () => boolean };

/** A streaming chat request over its own connection; `rest` resolves with everything received. */
function openStream(port: number, maxTokens: number): Promise<OpenStream> {
  const body = JSON.stringify({ model: "slow:1b", stream: true, max_tokens: maxTokens, messages: [{ role: "user", content: "Tell me a long story." }] });
  return new Promise((resolve, reject) => {
    const req = http.request({ host: "127.0.0.1", port, path: "/v1/chat/completions", method: "POST", agent: false, headers: { "content-type": "application/json" } }, (res) => {
      let text = "";
      let ended = false;
      let gotFirst: () => void = () => undefined;
      const firstChunk = new Promise<void>((done) => (gotFirst = done));
      const rest = new Promise<string>((done) => {
        res.on("data", (chunk: Buffer) => {
          text += chunk.toString();
          gotFirst();
        });
        const end = () => {
          ended = true;
          done(text);
        };
        res.on("end", end);
        res.on("error", end);
        res.on("aborted", end);
      });
      resolve({ requestId: String(res.headers["x-request-id"]), firstChunk, rest, ended: () => ended });
    });
    req.on("error", reject);
    req.end(body);
  });
}

/** Resolves with the error code of a fresh TCP connection attempt ("connected" if it was accepted). */
function connectOutcome(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(port, "127.0.0.1");
    socket.once("connect", () => {
      socket.destroy();
      resolve("connected");
    });
    socket.once("error", (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

async function decisionRow(databaseUrl: string, requestId: string) {
  const database = await openDatabase(databaseUrl);
  try {
    const rows = await database.db.select().from(routingDecisions).where(eq(routingDecisions.requestId, requestId));
    return rows[0];
  } finally {
    await database.close();
  }
}

const targets: { name: string; create: () => Promise<{ url: string; drop: () => Promise<void> }> }[] = [
  {
    name: "PGlite",
    create: async () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), "sr-shutdown-"));
      return { url: `file://${dir}`, drop: async () => rmSync(dir, { recursive: true, force: true }) };
    },
  },
  ...(skipPostgresTests()
    ? []
    : [{ name: "Postgres", create: async (): Promise<TestPostgresDatabase> => createTestPostgresDatabase() }]),
];

describe.each(targets)("graceful shutdown on $name", ({ create }) => {
  it("finishes the in-flight stream, refuses new connections meanwhile, stores its decision and exits 0", { timeout: 90_000 }, async () => {
    const database = await create();
    try {
      const router = await startRouter(database.url, 30);
      const stream = await openStream(router.port, 10); // about 2 s of tokens
      await stream.firstChunk;
      router.child.kill("SIGTERM");
      await router.waitFor("draining");
      expect(stream.ended()).toBe(false);
      expect(await connectOutcome(router.port)).toBe("ECONNREFUSED");

      const text = await stream.rest;
      expect(text.trimEnd().endsWith("data: [DONE]")).toBe(true);
      expect(await router.exited).toBe(0);
      expect(router.log()).toContain("stopped");

      const row = await decisionRow(database.url, stream.requestId);
      expect(row).toMatchObject({ requestId: stream.requestId, selectedModel: "slow:1b", status: "ok" });
    } finally {
      await database.drop();
    }
  });

  it("cuts a stream that outlives ROUTER_SHUTDOWN_TIMEOUT_SECONDS, records it as failed and still exits 0", { timeout: 90_000 }, async () => {
    const database = await create();
    try {
      const router = await startRouter(database.url, 1);
      const stream = await openStream(router.port, 200); // up to 40 s of tokens
      await stream.firstChunk;
      router.child.kill("SIGTERM");

      const text = await stream.rest;
      expect(text).not.toContain("[DONE]");
      expect(await router.exited).toBe(0);
      expect(router.log()).toContain("cut 1 request(s)");

      const row = await decisionRow(database.url, stream.requestId);
      expect(row).toMatchObject({ requestId: stream.requestId, status: "error" });
    } finally {
      await database.drop();
    }
  });
});
