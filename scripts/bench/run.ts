// `npm run bench`: the simulated fleet (zero latency), the router's production build served as
// `npm start` serves it (the custom server, server/http), the same build under plain `next start`
// (to show what Next's request pipeline costs) and, when it starts, Portkey's gateway, each a child
// process, driven by an in-process load generator on loopback. Every router figure is paired with
// the same workload sent straight to the fleet in the same run.
// Flags: --profile (custom-server-only c=32 non-streaming run under `node --cpu-prof`),
// --profile-next (the same under `next start`), --quick (no `next start` target), --postgres (each router on a fresh PostgreSQL
// database, TEST_DATABASE_URL or postgres://postgres@127.0.0.1:5432/test, instead of embedded
// PGlite: what a server deployment runs), env BENCH_DURATION_S, env BENCH_ROUTER_NODE_OPTIONS (NODE_OPTIONS
// for both router processes, e.g. --max-old-space-size=192 to see RSS with a capped V8 heap).
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { runLoad, type LoadResult, type Target } from "./load";
import { cpuMs, freePort, ROOT, rssMiB, rssSampler, startServer, stopServer, type Server } from "./processes";
import { renderMarkdown, type BenchReport, type Comparison, type Spread, type WorkloadFigures } from "./report";
import { summarize } from "./stats";
import { initPgliteCluster } from "../../server/db/client";
import { createTestPostgresDatabase } from "../../server/db/test-databases";

const PROFILE_NEXT = process.argv.includes("--profile-next");
const PROFILE = PROFILE_NEXT || process.argv.includes("--profile");
const POSTGRES = process.argv.includes("--postgres");
// --quick: no `next start` router (the slowest target), for iterating on the hot path.
const QUICK = process.argv.includes("--quick");
// env BENCH_ONLY: a comma-separated subset of the workloads, e.g. "whole-32,stream-32".
// env BENCH_BASELINE_DIR: another checkout (with node_modules and a production build), whose
// router runs beside this one on every workload: before/after figures from the same run.
const BASELINE_DIR = process.env.BENCH_BASELINE_DIR;
// env BENCH_AB_ROUNDS (with BENCH_BASELINE_DIR): after the warm-up, this many interleaved pairs of
// short c=32 non-streaming slices (BENCH_AB_SLICE_S, default 3 s), this router then the baseline's,
// in alternating order; the median of the pairs' ratios is steadier than one long run of each,
// which on a shared 2-core machine drifts by ±10% between the two.
const AB_ROUNDS = Number(process.env.BENCH_AB_ROUNDS ?? "0");
const AB_SLICE_MS = Number(process.env.BENCH_AB_SLICE_S ?? "3") * 1000;
const ONLY = process.env.BENCH_ONLY?.split(",");
const DURATION_MS = Number(process.env.BENCH_DURATION_S ?? "8") * 1000;
const WARMUP_MS = 3_000;
// Every measurement starts with 1 s of the same workload on the same target: a router that sat idle
// while the others were measured has had its heap shrunk and its caches emptied, and 50 requests
// did not bring it back (the first router measured at c=1 paid for it).
const TARGET_WARMUP_MS = 1_000;
const SERIAL_REQUESTS = 1_000;
const CONCURRENCY = 32;
const MODEL = "llama3.2:3b";
const NEXT_BIN = path.join(ROOT, "node_modules", "next", "dist", "bin", "next");
const TSX_BIN = path.join(ROOT, "node_modules", ".bin", "tsx");
const PORTKEY_BIN = path.join(ROOT, "node_modules", "@portkey-ai", "gateway", "build", "start-server.js");
const FLOOR_SCRIPT = path.join(ROOT, "scripts", "bench", "floor-proxy.ts");
const OUT_DIR = path.join(ROOT, "reports", "bench");

function ensureBuild(): void {
  if (existsSync(path.join(ROOT, ".next", "BUILD_ID"))) return;
  console.error("bench: no production build, running `next build` first");
  const result = spawnSync(process.execPath, [NEXT_BIN, "build"], { cwd: ROOT, stdio: "inherit" });
  if (result.status !== 0) throw new Error("next build failed");
}

async function startPortkey(simPort: number): Promise<{ server?: Server; target?: Target; status: string }> {
  if (!existsSync(PORTKEY_BIN)) return { status: "skipped: @portkey-ai/gateway is not installed" };
  const port = await freePort();
  try {
    const server = await startServer({
      name: "portkey",
      port,
      command: process.execPath,
      args: [PORTKEY_BIN, `--port=${port}`, "--headless"],
      env: { NODE_ENV: "production" },
      readyUrl: `http://127.0.0.1:${port}/`,
      timeoutMs: 20_000,
    });
    const target: Target = {
      name: "portkey → fleet",
      port,
      pid: server.child.pid,
      path: "/v1/chat/completions",
      model: MODEL,
      // Portkey routes by headers: OpenAI provider at a custom base URL (the simulator's OpenAI API).
      headers: { "x-portkey-provider": "openai", "x-portkey-custom-host": `http://127.0.0.1:${simPort}/v1`, authorization: "Bearer sk-bench" },
    };
    const probe = await runLoad(target, { stream: false, concurrency: 1, stop: { requests: 1 } });
    if (probe.errors > 0) {
      await stopServer(server);
      return { status: `skipped: probe request failed (${probe.firstError})` };
    }
    return { server, target, status: "ok (@portkey-ai/gateway 1.15.2, headers x-portkey-provider=openai + x-portkey-custom-host)" };
  } catch (error) {
    return { status: `skipped: ${(error as Error).message.split("\n")[0]}` };
  }
}

/** What `npm start` runs in `root`: scripts/start.mjs, or tsx on scripts/start.ts in a baseline checkout older than it. */
function startCommand(root: string): string[] {
  const launcher = path.join(root, "scripts", "start.mjs");
  return existsSync(launcher) ? [launcher] : ["--import", "tsx", path.join(root, "scripts", "start.ts")];
}

/**
 * One router process on its own embedded database. "custom" runs what `npm start` runs
 * (`node scripts/start.mjs`, so RSS and --cpu-prof see the server itself); "next" runs `next start`
 * on the same build.
 */
async function startRouter(kind: "custom" | "next", simPort: number, profileDir?: string, root = ROOT): Promise<{ server: Server; drop: () => Promise<void> }> {
  const port = await freePort();
  const database = POSTGRES ? await createTestPostgresDatabase() : undefined;
  const dataDir = database ? undefined : mkdtempSync(path.join(os.tmpdir(), "smarterrouter-bench-"));
  const drop = async () => (database ? database.drop() : rmSync(dataDir!, { recursive: true, force: true }));
  // Cold start and RSS as on a restart: the embedded database exists already. (A first start
  // also creates it, in a child process, which adds a few seconds once.)
  if (dataDir) await initPgliteCluster(dataDir);
  // env BENCH_ROUTER_NODE_ARGS: node flags NODE_OPTIONS refuses (e.g. --trace-deopt), for diagnosis.
  const profile = [...(profileDir ? ["--cpu-prof", `--cpu-prof-dir=${profileDir}`] : []), ...(process.env.BENCH_ROUTER_NODE_ARGS?.split(" ").filter(Boolean) ?? [])];
  const server = await startServer({
    name: root !== ROOT ? "router (baseline)" : kind === "custom" ? "router" : "router (next start)",
    port,
    cwd: root,
    command: process.execPath,
    args: kind === "custom" ? [...profile, ...startCommand(root)] : [...profile, NEXT_BIN, "start", "-H", "127.0.0.1", "-p", String(port)],
    env: {
      NODE_ENV: "production",
      ROUTER_HOST: "127.0.0.1",
      ROUTER_PORT: String(port),
      ROUTER_OLLAMA_URL: `http://127.0.0.1:${simPort}`,
      DATABASE_URL: database ? database.url : `file://${dataDir}`,
      ROUTER_LOG_LEVEL: "WARNING",
      ROUTER_ADMIN_API_KEY: "bench-admin-key-0123456789abcdefghijklmnop", // not generated into ./data
      ROUTER_SIGNATURE_ENABLED: "false",
      ROUTER_CACHE_ENABLED: "false",
      // Profiling new models is background work that runs once per model (prompts to the fleet,
      // graders in worker threads): left on, it runs through the first minute of the benchmark,
      // loading the fleet and both routers. The benchmark measures the request path.
      ROUTER_PROFILE_AUTO: "false",
      ...(process.env.BENCH_ROUTER_NODE_OPTIONS ? { NODE_OPTIONS: process.env.BENCH_ROUTER_NODE_OPTIONS } : {}),
    },
    readyUrl: `http://127.0.0.1:${port}/health`,
    timeoutMs: 120_000,
  }).catch(async (error: unknown) => {
    await drop();
    throw error;
  });
  return { server, drop };
}

async function decisionMetrics(routerPort: number): Promise<{ sum: number; count: number }> {
  const text = await (await fetch(`http://127.0.0.1:${routerPort}/metrics`)).text();
  const read = (suffix: string): number => {
    const match = new RegExp(`^smarterrouter_routing_decision_duration_seconds_${suffix}(?:\\{[^}]*\\})? ([0-9.eE+-]+)$`, "m").exec(text);
    return match ? Number(match[1]) : 0;
  };
  return { sum: read("sum"), count: read("count") };
}

function figures(target: Target, stream: boolean, concurrency: number, result: LoadResult, cpuUsedMs?: number): WorkloadFigures {
  const ok = result.samples.filter((s) => s.ok);
  const overhead = ok.flatMap((s) => (s.overheadMs !== undefined && Number.isFinite(s.overheadMs) ? [s.overheadMs] : []));
  return {
    target: target.name,
    stream,
    concurrency,
    requests: result.samples.length,
    errors: result.errors,
    firstError: result.firstError,
    requestsPerSecond: ok.length / (result.elapsedMs / 1000),
    latencyMs: summarize(ok.map((s) => s.totalMs)),
    firstByteMs: stream ? summarize(ok.map((s) => s.firstByteMs)) : undefined,
    overheadHeaderMs: overhead.length > 0 ? summarize(overhead) : undefined,
    serverCpuMsPerRequest: cpuUsedMs === undefined || ok.length === 0 ? undefined : cpuUsedMs / ok.length,
  };
}

async function measure(target: Target, stream: boolean, concurrency: number): Promise<WorkloadFigures> {
  const serial = concurrency === 1;
  await runLoad(target, { stream, concurrency, stop: { durationMs: TARGET_WARMUP_MS } });
  const cpuBefore = cpuMs(target.pid);
  const result = await runLoad(target, { stream, concurrency, stop: serial ? { requests: SERIAL_REQUESTS } : { durationMs: DURATION_MS } });
  const cpuAfter = cpuMs(target.pid);
  return figures(target, stream, concurrency, result, cpuBefore === undefined || cpuAfter === undefined ? undefined : cpuAfter - cpuBefore);
}

/** One c=32 non-streaming slice: requests per second and server CPU per request. */
async function slice(target: Target): Promise<{ rps: number; cpuMsPerRequest?: number }> {
  const cpuBefore = cpuMs(target.pid);
  const result = await runLoad(target, { stream: false, concurrency: CONCURRENCY, stop: { durationMs: AB_SLICE_MS } });
  const cpuAfter = cpuMs(target.pid);
  const count = result.samples.length;
  return { rps: (count * 1000) / result.elapsedMs, cpuMsPerRequest: cpuBefore === undefined || cpuAfter === undefined || !count ? undefined : (cpuAfter - cpuBefore) / count };
}

async function interleavedAb(current: Target, baseline: Target, rounds: number): Promise<NonNullable<BenchReport["interleavedAb"]>> {
  const rpsRatios: number[] = [];
  const cpuRatios: number[] = [];
  for (let round = 0; round < rounds; round++) {
    // Alternate which goes first, so a drift within a pair favours neither.
    let ours: Awaited<ReturnType<typeof slice>>;
    let theirs: Awaited<ReturnType<typeof slice>>;
    if (round % 2 === 0) {
      ours = await slice(current);
      theirs = await slice(baseline);
    } else {
      theirs = await slice(baseline);
      ours = await slice(current);
    }
    rpsRatios.push(ours.rps / theirs.rps);
    if (ours.cpuMsPerRequest && theirs.cpuMsPerRequest) cpuRatios.push(ours.cpuMsPerRequest / theirs.cpuMsPerRequest);
  }
  return { rounds, sliceS: AB_SLICE_MS / 1000, requestsPerSecondRatio: spread(rpsRatios), cpuPerRequestRatio: cpuRatios.length ? spread(cpuRatios) : undefined };
}

function spread(values: number[]): Spread {
  const sorted = [...values].sort((x, y) => x - y);
  const middle = Math.floor(sorted.length / 2);
  return { median: sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2, min: sorted[0], max: sorted[sorted.length - 1] };
}

function compare(label: string, router: WorkloadFigures, direct: WorkloadFigures): Comparison {
  return {
    label: `${label} c=${router.concurrency}`,
    stream: router.stream,
    addedP50Ms: router.latencyMs.p50 - direct.latencyMs.p50,
    addedP99Ms: router.latencyMs.p99 - direct.latencyMs.p99,
    addedFirstByteP50Ms: router.firstByteMs && direct.firstByteMs ? router.firstByteMs.p50 - direct.firstByteMs.p50 : undefined,
    addedFirstByteP99Ms: router.firstByteMs && direct.firstByteMs ? router.firstByteMs.p99 - direct.firstByteMs.p99 : undefined,
    throughputRatio: router.concurrency > 1 ? router.requestsPerSecond / direct.requestsPerSecond : undefined,
  };
}

function gitRevision(dir: string): string {
  const result = spawnSync("git", ["rev-parse", "--short", "HEAD"], { cwd: dir, encoding: "utf8" });
  const dirty = spawnSync("git", ["status", "--porcelain", "--untracked-files=no"], { cwd: dir, encoding: "utf8" }).stdout.trim() ? "+changes" : "";
  return result.status === 0 ? `${result.stdout.trim()}${dirty}` : "unknown";
}

/** scripts/bench-routing.ts (selectModels over 50 models, per-call p50/p99) as its output lines. */
function routingMicroBenchmark(): string[] {
  const result = spawnSync(TSX_BIN, [path.join(ROOT, "scripts", "bench-routing.ts")], { cwd: ROOT, encoding: "utf8" });
  return result.status === 0 ? result.stdout.trim().split("\n") : [`failed: ${result.stderr.trim().split("\n")[0]}`];
}

async function main(): Promise<void> {
  ensureBuild();
  const servers: Server[] = [];
  const databases: Array<() => Promise<void>> = [];
  const profileDir = path.join(OUT_DIR, "profile");
  try {
    const simPort = await freePort();
    const sim = await startServer({
      name: "simulator",
      port: simPort,
      command: TSX_BIN,
      args: ["server/simulator/main.ts", "--port", String(simPort), "--time-scale", "0", "--seed", "1"],
      readyUrl: `http://127.0.0.1:${simPort}/v1/models`,
    });
    servers.push(sim);

    if (PROFILE) mkdirSync(profileDir, { recursive: true });
    const started = await startRouter(PROFILE_NEXT ? "next" : "custom", simPort, PROFILE ? profileDir : undefined);
    const router = started.server;
    const routerPort = router.port;
    servers.push(router);
    databases.push(started.drop);
    const rssStart = rssMiB(router.child.pid);
    const sampler = rssSampler(router.child.pid);
    // The same build under `next start`, started after the first so its memory figures are apart.
    const viaNext = PROFILE || QUICK ? undefined : await startRouter("next", simPort);
    if (viaNext) {
      servers.push(viaNext.server);
      databases.push(viaNext.drop);
    }

    const direct: Target = { name: "direct → fleet", port: simPort, path: "/v1/chat/completions", model: MODEL, pid: sim.child.pid };
    const routerPid = router.child.pid;
    const routed: Target = { name: "router (auto)", port: routerPort, path: "/v1/chat/completions", model: "smarterrouter/main", pid: routerPid };
    const explicit: Target = { name: "router (explicit model)", port: routerPort, path: "/v1/chat/completions", model: MODEL, pid: routerPid };
    const nextStart: Target | undefined = viaNext && {
      name: "router under next start (auto)",
      port: viaNext.server.port,
      path: "/v1/chat/completions",
      model: "smarterrouter/main",
      pid: viaNext.server.child.pid,
    };

    const previous = BASELINE_DIR && !PROFILE ? await startRouter("custom", simPort, undefined, path.resolve(BASELINE_DIR)) : undefined;
    if (previous) {
      servers.push(previous.server);
      databases.push(previous.drop);
    }
    const previousTarget: Target | undefined = previous && {
      name: "router@baseline (auto)",
      port: previous.server.port,
      path: "/v1/chat/completions",
      model: "smarterrouter/main",
      pid: previous.server.child.pid,
    };
    // Warmed up with explicit-model requests too, as this router is: the same code paths run in both.
    const previousExplicit: Target | undefined = previousTarget && { ...previousTarget, name: "router@baseline (explicit model)", model: MODEL };
    const floorPort = await freePort();
    const floorServer = PROFILE
      ? undefined
      : await startServer({
          name: "floor proxy",
          port: floorPort,
          command: process.execPath,
          args: ["--import", "tsx", FLOOR_SCRIPT, String(floorPort), String(simPort)],
          readyUrl: `http://127.0.0.1:${floorPort}/v1/models`,
        });
    if (floorServer) servers.push(floorServer);
    const floor: Target | undefined = floorServer && { name: "floor: bare node:http proxy", port: floorPort, path: "/v1/chat/completions", model: MODEL, pid: floorServer.child.pid };

    const portkey = PROFILE ? { status: "skipped (--profile)" } : await startPortkey(simPort);
    if ("server" in portkey && portkey.server) servers.push(portkey.server);

    // Every server is warmed up under load first: V8 optimises a request path only after many
    // calls, and the first workload (c=1) would otherwise measure half-compiled code.
    for (const target of [direct, routed, explicit, floor, previousTarget, previousExplicit, nextStart, "target" in portkey ? portkey.target : undefined]) {
      if (target) await runLoad(target, { stream: false, concurrency: CONCURRENCY, stop: { durationMs: WARMUP_MS } });
    }
    // Before the workloads: this router also serves the explicit-model workload later and the
    // baseline's does not, and a router that has run other code paths is not the same to compare.
    const interleaved = previousTarget && AB_ROUNDS > 0 ? await interleavedAb(routed, previousTarget, AB_ROUNDS) : undefined;
    const before = await decisionMetrics(routerPort);
    const workloads: WorkloadFigures[] = [];
    const comparisons: Comparison[] = [];
    const plan: Array<{ stream: boolean; concurrency: number }> = PROFILE
      ? [{ stream: false, concurrency: CONCURRENCY }]
      : [
          { stream: false, concurrency: 1 },
          { stream: false, concurrency: CONCURRENCY },
          { stream: true, concurrency: 1 },
          { stream: true, concurrency: CONCURRENCY },
        ].filter(({ stream, concurrency }) => !ONLY || ONLY.includes(`${stream ? "stream" : "whole"}-${concurrency}`));
    for (const { stream, concurrency } of plan) {
      const baseline = await measure(direct, stream, concurrency);
      workloads.push(baseline);
      const auto = await measure(routed, stream, concurrency);
      workloads.push(auto);
      comparisons.push(compare("router (auto) − direct", auto, baseline));
      if (PROFILE) continue;
      if (previousTarget) {
        const before = await measure(previousTarget, stream, concurrency);
        workloads.push(before);
        comparisons.push(compare("router@baseline (auto) − direct", before, baseline));
        comparisons.push(compare("router (auto) vs router@baseline (auto)", auto, before));
      }
      if (floor) {
        const bare = await measure(floor, stream, concurrency);
        workloads.push(bare);
        comparisons.push(compare("floor: bare node:http proxy − direct", bare, baseline));
        comparisons.push(compare("router (auto) − floor proxy", auto, bare));
      }
      const pinned = await measure(explicit, stream, concurrency);
      workloads.push(pinned);
      comparisons.push(compare("router (explicit) − direct", pinned, baseline));
      if (nextStart) {
        const viaNextFigures = await measure(nextStart, stream, concurrency);
        workloads.push(viaNextFigures);
        comparisons.push(compare("router under next start (auto) − direct", viaNextFigures, baseline));
      }
      if (!stream && "target" in portkey && portkey.target) {
        const peer = await measure(portkey.target, stream, concurrency);
        workloads.push(peer);
        comparisons.push(compare("portkey − direct", peer, baseline));
      }
    }
    const after = await decisionMetrics(routerPort);
    const peak = sampler.stop();
    const rssEnd = rssMiB(router.child.pid);
    // npm start loads Next (console, tRPC, /admin/*) on the first request for it: one such request
    // shows what an operator who opens the console holds.
    const consoleStatus = (await fetch(`http://127.0.0.1:${routerPort}/console/login`)).status;
    const rssWithConsole = consoleStatus === 200 ? rssMiB(router.child.pid) : undefined;
    const routing = PROFILE ? undefined : routingMicroBenchmark();
    const decisions = after.count - before.count;

    const report: BenchReport = {
      generatedAt: new Date().toISOString(),
      machine: {
        node: process.version,
        cpus: os.cpus().length,
        cpuModel: os.cpus()[0]?.model ?? "unknown",
        platform: `${os.platform()} ${os.release()}`,
        totalMemMiB: Math.round(os.totalmem() / 1024 / 1024),
      },
      settings: { commit: gitRevision(ROOT), warmupS: WARMUP_MS / 1000, baseline: BASELINE_DIR ? gitRevision(BASELINE_DIR) : "none", database: POSTGRES ? "postgres" : "pglite (embedded)", routerNodeOptions: process.env.BENCH_ROUTER_NODE_OPTIONS ?? "none", targetWarmupS: TARGET_WARMUP_MS / 1000, serialRequests: SERIAL_REQUESTS, concurrency: CONCURRENCY, durationS: DURATION_MS / 1000, model: MODEL, maxTokens: 32, profile: String(PROFILE) },
      coldStartMs: {
        simulator: sim.coldStartMs,
        router: router.coldStartMs,
        routerNextStart: viaNext?.server.coldStartMs,
        portkey: "server" in portkey ? portkey.server?.coldStartMs : undefined,
      },
      routerRssMiB: { start: rssStart, peak, end: rssEnd, withConsole: rssWithConsole, nextStartEnd: rssMiB(viaNext?.server.child.pid) },
      routingMicroBenchmark: routing,
      decision: { count: decisions, meanMs: decisions > 0 ? ((after.sum - before.sum) / decisions) * 1000 : Number.NaN },
      workloads,
      comparisons,
      interleavedAb: interleaved,
      portkey: { status: portkey.status },
    };
    const markdown = renderMarkdown(report);
    mkdirSync(OUT_DIR, { recursive: true });
    const suffix = `${POSTGRES ? "-postgres" : ""}${PROFILE ? "-profile" : ""}`;
    writeFileSync(path.join(OUT_DIR, `report${suffix}.md`), markdown);
    writeFileSync(path.join(OUT_DIR, `report${suffix}.json`), `${JSON.stringify(report, null, 2)}\n`);
    console.log(markdown);
  } finally {
    // Stop in reverse order; SIGTERM lets `--cpu-prof` write its profile on exit.
    for (const server of servers.reverse()) await stopServer(server);
    for (const drop of databases) await drop();
  }
}

main().catch((error: unknown) => {
  console.error(`bench: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
});
