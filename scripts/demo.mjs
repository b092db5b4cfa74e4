// `npm run demo`: the simulated fleet on :11435 and the router on :11436 pointed at it.
import { spawn } from "node:child_process";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const tsx = path.join(root, "node_modules", ".bin", "tsx");
const SIM_PORT = 11435;

const children = [
  spawn(tsx, ["server/simulator/main.ts", "--port", String(SIM_PORT)], { cwd: root, stdio: "inherit" }),
  spawn(process.execPath, ["scripts/start.mjs"], {
    cwd: root,
    stdio: "inherit",
    env: { ...process.env, ROUTER_PROVIDER: "ollama", ROUTER_OLLAMA_URL: `http://127.0.0.1:${SIM_PORT}` },
  }),
];
const stopAll = (signal) => children.forEach((child) => child.exitCode === null && child.kill(signal));
for (const signal of ["SIGINT", "SIGTERM"]) process.on(signal, () => stopAll(signal));
// If either half stops, stop the other and report its exit code.
for (const child of children) child.on("exit", (code) => { stopAll("SIGTERM"); process.exitCode = code ?? 1; });
