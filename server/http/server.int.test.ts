import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { eq } from "drizzle-orm";
import { migrateDatabase, openDatabase, type DatabaseHandle } from "../db";
import { routingDecisions } from "../db/schema";
import { startHarness, type Harness } from "../gateway/test-harness";
import { createRouterServer, type RouterServer } from "./server";

// The custom production server over real HTTP: its own answers on the hot paths, Next (here a
// stub) for everything else, body limits, streams, and the client address rate limits see.

let database: DatabaseHandle;
beforeAll(async () => {
  database = await openDatabase("memory://");
  await migrateDatabase(database);
});
afterAll(async () => database?.close());

type Running = { url: string; router: RouterServer; harness: Harness; fallback: string[] };
const running: Running[] = [];
afterEach(async () => {
  for (const { router, harness } of running.splice(0)) {
    router.server.closeAllConnections();
    await new Promise((resolve) => router.server.close(resolve));
    await harness.close();
  }
});

/** The harness supplies runtime and fleet; the server under test is createRouterServer's. */
async function start(env: Record<string, string> = {}, timeScale?: number): Promise<Running> {
  const harness = await startHarness({ database, sim: timeScale === undefined ? undefined : { timeScale }, env: (simUrl) => ({ ROUTER_OLLAMA_URL: simUrl, ROUTER_SIGNATURE_ENABLED: "false", ...env }) });
  const fallback: string[] = [];
  const router = createRouterServer(harness.runtime, (req, res) => {
    fallback.push(`${req.method} ${req.url}`);
    res.writeHead(418, { "content-type": "text/plain" }).end("next");
  });
  await new Promise<void>((resolve) => router.server.listen(0, "127.0.0.1", resolve));
  const { port } = router.server.address() as AddressInfo;
  const started = { url: `http://127.0.0.1:${port}`, router, harness, fallback };
  running.push(started);
  return started;
}

const chatBody = (extra: Record<string, unknown> = {}) => JSON.stringify({ model: "auto", max_tokens: 8, messages: [{ role: "user", content: "Say hi." }], ...extra });
const chat = (url: string, headers: Record<string, string> = {}, body = chatBody()) =>
  fetch(`${url}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body });

describe("custom server", () => {
  it("answers the hot paths itself and hands every other path and method to Next", async () => {
    const { url, fallback } = await start();
    const answer = await chat(url);
    expect(answer.status).toBe(200);
    expect(answer.headers.get("x-smarterrouter-model")).toBeTruthy();
    expect(answer.headers.get("content-length")).toBe(String((await answer.clone().arrayBuffer()).byteLength));
    expect(((await answer.json()) as { choices: { message: { content: string } }[] }).choices[0]!.message.content).toBeTruthy();
    expect((await fetch(`${url}/v1/models`)).status).toBe(200);
    expect((await fetch(`${url}/health`)).status).toBe(200);
    expect(await (await fetch(`${url}/metrics`)).text()).toContain("smarterrouter_");
    expect(fallback).toEqual([]);

    expect((await fetch(`${url}/v1/chat/completions`)).status).toBe(418); // GET: Next answers its 405
    expect((await fetch(`${url}/console?tab=1`)).status).toBe(418);
    expect((await fetch(`${url}/v1/unknown`, { method: "POST" })).status).toBe(418);
    expect(fallback).toEqual(["GET /v1/chat/completions", "GET /console?tab=1", "POST /v1/unknown"]);
  });

  it("streams server-sent events through to [DONE]", async () => {
    const { url } = await start();
    const answer = await chat(url, {}, chatBody({ stream: true }));
    expect(answer.headers.get("content-type")).toContain("text/event-stream");
    const text = await answer.text();
    expect(text.match(/^data: /gm)!.length).toBeGreaterThan(2);
    expect(text.trimEnd().endsWith("data: [DONE]")).toBe(true);
  });

  it("stops the upstream stream when the client leaves, and records the request as cut (499) at once", async () => {
    const { url, harness } = await start({}, 1); // real-time pacing: still streaming when the client leaves
    const answer = await chat(url, {}, chatBody({ model: "deepseek-r1:14b", stream: true, max_tokens: 400 }));
    const reader = answer.body!.getReader();
    await reader.read();
    const requestId = answer.headers.get("x-request-id")!;
    await reader.cancel();
    await expect.poll(async () => (await (await fetch(`${harness.sim.url}/__sim/state`)).json()).abortedRequests, { timeout: 5000 }).toBe(1);
    await harness.runtime.decisions.flush();
    const rows = await database.db.select().from(routingDecisions).where(eq(routingDecisions.requestId, requestId));
    expect(rows).toMatchObject([{ status: "error", error: "client disconnected" }]);
    expect(await (await fetch(`${url}/metrics`)).text()).toMatch(/smarterrouter_requests_total\{endpoint="\/v1\/chat\/completions",method="POST",status="499"\} 1/);
  });

  it("answers an empty, malformed or non-JSON body as the handlers do under Next, with JSON errors", async () => {
    const { url } = await start();
    const empty = await chat(url, {}, "");
    expect(empty.status).toBe(400);
    expect(empty.headers.get("content-type")).toBe("application/json");
    expect(((await empty.json()) as { error: { message: string } }).error.message).toBe("Request body is empty");
    const malformed = await chat(url, {}, "{nope");
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { error: { message: string } }).error.message).toMatch(/^Request body is not valid JSON/);
    const text = await chat(url, { "content-type": "text/plain" });
    expect(text.status).toBe(415);
    // UTF-8 spanning the body read, and a byte-order mark dropped as before
    const unicode = await chat(url, {}, `\uFEFF${chatBody({ messages: [{ role: "user", content: "Grüße, 世界 🌍" }] })}`);
    expect(unicode.status).toBe(200);
    const models = await fetch(`${url}/v1/models`);
    expect(models.headers.get("content-type")).toBe("application/json");
    expect(models.headers.get("content-length")).toBe(String((await models.clone().arrayBuffer()).byteLength));
    expect(((await models.json()) as { object: string }).object).toBe("list");
  });

  it("refuses a body over ROUTER_MAX_BODY_BYTES with 413, declared or chunked", async () => {
    const { url } = await start({ ROUTER_MAX_BODY_BYTES: "1024" });
    const big = chatBody({ messages: [{ role: "user", content: "x".repeat(5000) }] });
    expect((await chat(url, {}, big)).status).toBe(413);
    const chunked = await new Promise<number>((resolve, reject) => {
      const req = http.request(`${url}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json", "transfer-encoding": "chunked" } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on("error", reject);
      for (let i = 0; i < 10; i += 1) req.write(big.slice(i * 500, (i + 1) * 500));
      req.end(big.slice(5000));
    });
    expect(chunked).toBe(413);
    expect((await chat(url)).status).toBe(200); // and keeps serving
  });

  it("rate limits by the socket peer: X-Forwarded-For from an untrusted client does not pick the bucket", async () => {
    const { url } = await start({ ROUTER_RATE_LIMIT_ENABLED: "true", ROUTER_RATE_LIMIT_REQUESTS_PER_MINUTE: "1" });
    expect((await chat(url, { "x-forwarded-for": "198.51.100.1" })).status).toBe(200);
    expect((await chat(url, { "x-forwarded-for": "198.51.100.2" })).status).toBe(429);
  });

  it("honours X-Forwarded-For when the peer is a trusted proxy", async () => {
    const { url } = await start({ ROUTER_RATE_LIMIT_ENABLED: "true", ROUTER_RATE_LIMIT_REQUESTS_PER_MINUTE: "1", ROUTER_TRUSTED_PROXIES: "127.0.0.1" });
    expect((await chat(url, { "x-forwarded-for": "198.51.100.1" })).status).toBe(200);
    expect((await chat(url, { "x-forwarded-for": "198.51.100.2" })).status).toBe(200);
    expect((await chat(url, { "x-forwarded-for": "198.51.100.1" })).status).toBe(429);
  });

  it("adds CORS headers to the hot paths for an allowed Origin only (as proxy.ts does under Next)", async () => {
    const { url } = await start({ ROUTER_CORS_ALLOWED_ORIGINS: "https://app.example.com" });
    const allowed = await chat(url, { origin: "https://app.example.com" });
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get("access-control-allow-origin")).toBe("https://app.example.com");
    expect(allowed.headers.get("access-control-expose-headers")).toContain("X-SmarterRouter-Model");
    const other = await chat(url, { origin: "https://evil.example" });
    expect(other.status).toBe(200);
    expect(other.headers.get("access-control-allow-origin")).toBeNull();
    await Promise.all([allowed.text(), other.text()]);
  });
});
