import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";

// Starts the router as `npm start` does (the custom server over the production build) in its own
// process, for specs that need a router configured differently from the shared one in
// playwright.config.ts.

export type RouterProcess = { url: string; stop: () => Promise<void>; output: () => string };

const root = path.resolve(import.meta.dirname, "..", "..");

export async function startRouter(port: number, env: Record<string, string>): Promise<RouterProcess> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("ROUTER_") && key !== "DATABASE_URL"));
  const child: ChildProcess = spawn(path.join(root, "node_modules", ".bin", "tsx"), ["scripts/start.ts"], {
    cwd: root,
    env: { ...clean, NODE_ENV: "production", NEXT_TELEMETRY_DISABLED: "1", ROUTER_LOG_LEVEL: "WARNING", ROUTER_HOST: "127.0.0.1", ROUTER_PORT: String(port), ...env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  let output = "";
  child.stdout?.on("data", (chunk) => (output += chunk));
  child.stderr?.on("data", (chunk) => (output += chunk));
  const url = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once("exit", resolve));
    child.kill("SIGTERM");
    await exited;
  };
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`router exited with ${child.exitCode}: ${output}`);
    try {
      await fetch(`${url}/health`);
      return { url, stop, output: () => output };
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  await stop();
  throw new Error(`router did not answer within 60 s: ${output}`);
}
