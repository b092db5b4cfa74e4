// Child processes under test (fleet simulator, router, Portkey) plus their readiness and memory probes.
// Each server runs in its own process so the load generator never shares an event loop with it.
import { spawn, type ChildProcess } from "node:child_process";
import { appendFileSync, readdirSync, readFileSync } from "node:fs";
import net from "node:net";
import path from "node:path";
import { performance } from "node:perf_hooks";

export const ROOT = path.resolve(import.meta.dirname, "..", "..");

export interface Server {
  name: string;
  port: number;
  child: ChildProcess;
  /** Spawn → first 200 from the readiness URL, ms. */
  coldStartMs: number;
  log: () => string;
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      const port = typeof address === "object" && address !== null ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

async function waitReady(url: string, child: ChildProcess, timeoutMs: number, init?: RequestInit): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (performance.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`exited with code ${child.exitCode}`);
    try {
      const response = await fetch(url, init);
      await response.arrayBuffer();
      if (response.status === 200) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  throw new Error(`not ready within ${timeoutMs} ms: ${url}`);
}

export async function startServer(options: {
  name: string;
  port: number;
  command: string;
  args: string[];
  env?: Record<string, string>;
  readyUrl: string;
  readyInit?: RequestInit;
  timeoutMs?: number;
  /** Working directory; the repository root unless given. */
  cwd?: string;
}): Promise<Server> {
  let output = "";
  const started = performance.now();
  const child = spawn(options.command, options.args, {
    cwd: options.cwd ?? ROOT,
    env: { ...process.env, ...options.env },
    stdio: ["ignore", "pipe", "pipe"],
  });
  // env BENCH_LOG_DIR: every server's whole output also goes to <dir>/<name>.log (diagnosis).
  const logFile = process.env.BENCH_LOG_DIR ? path.join(process.env.BENCH_LOG_DIR, `${options.name.replace(/[^a-z0-9]+/gi, "-")}.log`) : undefined;
  const keep = (chunk: Buffer): void => {
    output = (output + chunk.toString()).slice(-8_000); // Bounded: only the tail matters for errors.
    if (logFile) appendFileSync(logFile, chunk);
  };
  child.stdout?.on("data", keep);
  child.stderr?.on("data", keep);
  try {
    await waitReady(options.readyUrl, child, options.timeoutMs ?? 60_000, options.readyInit);
  } catch (error) {
    child.kill("SIGKILL");
    throw new Error(`${options.name}: ${(error as Error).message}\n${output}`);
  }
  return { name: options.name, port: options.port, child, coldStartMs: performance.now() - started, log: () => output };
}

export async function stopServer(server: Server): Promise<void> {
  if (server.child.exitCode !== null || server.child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => server.child.once("exit", () => resolve()));
  server.child.kill("SIGTERM");
  const timer = setTimeout(() => server.child.kill("SIGKILL"), 5_000);
  await exited;
  clearTimeout(timer);
}

/** Resident set size in MiB from /proc (Linux); undefined elsewhere. */
export function rssMiB(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const match = /VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) / 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** Samples RSS every 200 ms until stopped; reports the peak. */
export function rssSampler(pid: number | undefined): { stop: () => number | undefined } {
  let peak: number | undefined;
  const sample = (): void => {
    const value = rssMiB(pid);
    if (value !== undefined && (peak === undefined || value > peak)) peak = value;
  };
  sample();
  const timer = setInterval(sample, 200);
  return {
    stop: () => {
      clearInterval(timer);
      sample();
      return peak;
    },
  };
}

/**
 * CPU time (user + system, ms) used so far by a process and its descendants, from /proc (Linux);
 * undefined elsewhere. Unlike throughput on a busy machine, CPU per request barely depends on what
 * else the machine is running.
 */
export function cpuMs(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    // Fields after the parenthesised name: utime and stime are the 12th and 13th; ticks of 10 ms.
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    let total = (Number(fields[11]) + Number(fields[12])) * 10;
    for (const task of readdirSync(`/proc/${pid}/task`)) {
      for (const child of readFileSync(`/proc/${pid}/task/${task}/children`, "utf8").split(" ").filter(Boolean)) total += cpuMs(Number(child)) ?? 0;
    }
    return total;
  } catch {
    return undefined;
  }
}
