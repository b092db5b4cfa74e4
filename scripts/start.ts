// `npm start`: validate configuration, build once if there is no production build, then serve
// on ROUTER_HOST:ROUTER_PORT. Bad configuration ends here with one line per problem.
import { spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { ConfigError, getConfig } from "../server/config/env";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
process.chdir(root);

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
const env = { ...process.env, NEXT_TELEMETRY_DISABLED: "1" };

if (!fs.existsSync(path.join(root, ".next", "BUILD_ID"))) {
  process.stdout.write("smarterrouter: no production build yet, building once (about a minute)…\n");
  const build = spawnSync(process.execPath, [nextBin, "build"], { stdio: "inherit", env });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const server = spawn(process.execPath, [nextBin, "start", "-H", config.ROUTER_HOST, "-p", String(config.ROUTER_PORT)], { stdio: "inherit", env });
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => server.kill(signal));
server.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
