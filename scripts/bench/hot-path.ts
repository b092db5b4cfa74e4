// In-process CPU per request of the /v1/chat/completions handler path (the custom server's route
// map, observability wrapper included, handed the custom server's light Request), without the HTTP server side: closed loop (concurrency 32 unless
// --concurrency says otherwise) against the simulated fleet in a child process. For A/B work on the hot path: the figure is
// process CPU time (this process only) per request, over `--requests` requests after a warm-up.
// Usage: npx tsx scripts/bench/hot-path.ts [--model smarterrouter/main|llama3.2:3b] [--stream] [--requests N] [--concurrency 32] [--postgres] [--alloc-profile]
// --alloc-profile: instead of CPU, where the bytes allocated per request come from (V8's sampling
// heap profiler, counting objects the GC has collected too), by function.
import { EventEmitter } from "node:events";
import type { IncomingMessage, ServerResponse } from "node:http";
import { parseArgs } from "node:util";
import { parseConfig } from "../../server/config/env";
import { migrateDatabase, openDatabase } from "../../server/db";
import { createTestPostgresDatabase } from "../../server/db/test-databases";
import { apiRoutes } from "../../server/http/api-routes";
import { toWebRequest } from "../../server/http/node-bridge";
import { EventStreamResponse, JsonResponse } from "../../server/gateway/responses";
import { markArrival } from "../../server/observability/request-timing";
import { createLogger } from "../../server/observability/logger";
import { assembleRuntime } from "../../server/runtime";
import { freePort, startServer, stopServer } from "./processes";

process.env.ROUTER_LOG_LEVEL = "WARNING"; // the per-request log line goes to the process logger
const { values } = parseArgs({ options: { model: { type: "string", default: "smarterrouter/main" }, stream: { type: "boolean", default: false }, requests: { type: "string", default: "20000" }, concurrency: { type: "string", default: "32" }, "alloc-profile": { type: "boolean", default: false }, postgres: { type: "boolean", default: false } } });
const simPort = await freePort();
const sim = await startServer({ name: "simulator", port: simPort, command: "node_modules/.bin/tsx", args: ["server/simulator/main.ts", "--port", String(simPort), "--time-scale", "0", "--seed", "1"], readyUrl: `http://127.0.0.1:${simPort}/v1/models` });
const pg = values.postgres ? await createTestPostgresDatabase() : undefined;
const database = await openDatabase(pg ? pg.url : "memory://");
await migrateDatabase(database);
const config = parseConfig({ ROUTER_OLLAMA_URL: `http://127.0.0.1:${simPort}`, ROUTER_CACHE_ENABLED: "false", ROUTER_SIGNATURE_ENABLED: "false", ROUTER_LOG_LEVEL: "WARNING" });
const runtime = assembleRuntime({ config, logger: createLogger({ level: "WARNING", format: "text", write: () => {} }), database });
await runtime.registry.refresh();
const handler = apiRoutes(runtime).get("POST /v1/chat/completions")!;
const body = Buffer.from(JSON.stringify({ model: values.model, stream: values.stream, max_tokens: 32, messages: [{ role: "user", content: "Summarise the plot of Hamlet in two sentences." }] }));

const headers = { "content-type": "application/json", "content-length": String(body.byteLength), "x-forwarded-for": "127.0.0.1" };

async function once(): Promise<void> {
  // The light Request the custom server hands the handlers (over node's parsed request).
  const res = Object.assign(new EventEmitter(), { writableFinished: true });
  const request = toWebRequest({ method: "POST", url: "/v1/chat/completions", headers } as unknown as IncomingMessage, res as unknown as ServerResponse, body);
  markArrival(request, performance.now());
  const response = await handler(request);
  if (response.status !== 200) throw new Error(`HTTP ${response.status}: ${await response.text()}`);
  // What the custom server reads (server/http/node-bridge.ts sendWebResponse).
  if (response instanceof EventStreamResponse) for await (const chunk of response.chunks) void chunk;
  else if (!(response instanceof JsonResponse)) await response.arrayBuffer();
}

async function run(count: number): Promise<number> {
  let issued = 0;
  const cpu = process.cpuUsage();
  await Promise.all(Array.from({ length: Number(values.concurrency) }, async () => {
    while (issued++ < count) await once();
  }));
  const used = process.cpuUsage(cpu);
  return (used.user + used.system) / 1000 / count;
}

await run(3000);
const count = Number(values.requests);
if (values["alloc-profile"]) await allocationProfile(count);
else {
  const figures: number[] = [];
  for (let round = 0; round < 3; round++) figures.push(await run(count));
  console.log(`${values.model}${values.stream ? " stream" : ""}: CPU ms/request ${figures.map((f) => f.toFixed(3)).join(" ")} (min ${Math.min(...figures).toFixed(3)})`);
}
await runtime.shutdown();
await stopServer(sim);
await pg?.drop();
process.exit(0);

/** Bytes allocated per request by function (self), over `count` requests, short-lived objects included. */
async function allocationProfile(count: number): Promise<void> {
  const { Session } = await import("node:inspector/promises");
  const session = new Session();
  session.connect();
  await session.post("HeapProfiler.startSampling", { samplingInterval: 512, includeObjectsCollectedByMajorGC: true, includeObjectsCollectedByMinorGC: true });
  await run(count);
  const { profile } = await session.post("HeapProfiler.stopSampling");
  type AllocNode = { callFrame: { functionName: string; url: string; lineNumber: number }; selfSize: number; children: AllocNode[] };
  const bySite = new Map<string, number>();
  const visit = (node: AllocNode) => {
    const { functionName, url, lineNumber } = node.callFrame;
    const key = `${functionName || "(anonymous)"}  ${url.replace(/^.*node_modules\//, "").replace(/^file:\/\/.*?\/(server|scripts)\//, "$1/")}:${lineNumber + 1}`;
    bySite.set(key, (bySite.get(key) ?? 0) + node.selfSize);
    for (const child of node.children) visit(child);
  };
  visit(profile.head as AllocNode);
  const total = [...bySite.values()].reduce((sum, bytes) => sum + bytes, 0);
  console.log(`${values.model}${values.stream ? " stream" : ""}: ${(total / count / 1024).toFixed(1)} KiB allocated per request (sampled)`);
  for (const [site, bytes] of [...bySite].sort((a, b) => b[1] - a[1]).slice(0, 40)) console.log(`${(bytes / count).toFixed(0).padStart(7)} B/req  ${site}`);
  session.disconnect();
}
