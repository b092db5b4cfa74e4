// `npm start`: validate configuration, build once if there is no production build, then serve
// on ROUTER_HOST:ROUTER_PORT through the custom server (server/http): /v1/*, /health and /metrics
// straight to their handlers, everything else through Next, which is loaded by the first request
// for it (an API-only router never pays its memory). Bad configuration ends here with one line
// per problem.
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { bootServer } from "../server/boot";
import { databaseTarget } from "../server/config/database";
import { ConfigError, getConfig } from "../server/config/env";
import { initPgliteCluster } from "../server/db/client";
import { lazyHandler } from "../server/http/lazy-handler";
import { serve } from "../server/http/serve";
import { getRuntime } from "../server/runtime";

// One level below the root, as this file is, is also where its bundle runs from (build/start.js).
const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
process.chdir(root);
// What `next start` sets; Next (imported below, after this) reads it when it loads.
Object.assign(process.env, { NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: process.env.NEXT_TELEMETRY_DISABLED ?? "1" });

function loadConfig() {
  try {
    return getConfig();
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    for (const problem of error.problems) process.stderr.write(`smarterrouter: ${problem}\n`);
    process.exit(1);
  }
}

const config = loadConfig();
const nextBin = createRequire(import.meta.url).resolve("next/dist/bin/next");

if (!fs.existsSync(path.join(root, ".next", "BUILD_ID"))) {
  process.stdout.write("smarterrouter: no production build yet, building once (about a minute)…\n");
  const build = spawnSync(process.execPath, [nextBin, "build"], { stdio: "inherit" });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

// The runtime first, from this module copy: the /v1 hot path then runs on classes of one copy;
// Next's instrumentation hook (in app.prepare) finds it on globalThis and reuses it.
// A first start creates the embedded database in a child process (see initPgliteCluster).
try {
  await initPgliteCluster(databaseTarget(config).url);
} catch (error) {
  process.stderr.write(`smarterrouter: ${(error as Error).message}\n`);
  process.exit(1);
}
await bootServer();
const runtime = await getRuntime();
// Here rather than in Next's instrumentation hook, which runs only once Next is loaded. The SDK
// is imported only when it is used.
if (config.OTEL_EXPORTER_OTLP_ENDPOINT) (await import("../instrumentation.node")).startTracingFromConfig();
const loadNext = async () => {
  const started = performance.now();
  runtime.logger.info("loading Next for the console, tRPC and /admin/* (first request for them)");
  const { default: next } = await import("next");
  const app = next({ dev: false, dir: root, hostname: config.ROUTER_HOST, port: config.ROUTER_PORT });
  await app.prepare();
  runtime.logger.info(`Next loaded in ${Math.round(performance.now() - started)} ms`);
  return app.getRequestHandler();
};
await serve(runtime, lazyHandler(loadNext, (error) => runtime.logger.error("could not load Next: console, tRPC and /admin/* answer 503 until it loads", { error })));
