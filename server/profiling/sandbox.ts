import { Worker } from "node:worker_threads";
import type { CodeTest } from "./suite";

// Runs model-written JavaScript against test cases. The code runs in a fresh vm context (no
// require, process, fs, fetch or timers: only the language built-ins) inside a worker thread with a
// small heap; the worker is terminated when the time limit passes, which also stops endless loops
// and runaway promises. Code generation from strings is off, so `Function("return process")` fails.

export type SandboxResult = { passed: number; total: number; error?: string };

const WORKER_SOURCE = `
const { parentPort, workerData } = require("node:worker_threads");
const vm = require("node:vm");
const { source, timeoutMs } = workerData;
let result;
try {
  const context = vm.createContext(Object.create(null), { codeGeneration: { strings: false, wasm: false } });
  const out = vm.runInContext(source, context, { timeout: timeoutMs });
  result = typeof out === "string" ? { out } : { error: "the test runner returned no result" };
} catch (error) {
  result = { error: String(error && error.message ? error.message : error).slice(0, 300) };
}
parentPort.postMessage(result);
`;

/** The script run in the context: the model's code, then each test compared by structural equality. */
export function buildTestScript(code: string, functionName: string, tests: CodeTest[]): string {
  return `${code}
;(() => {
  const equal = (a, b) => {
    if (Object.is(a, b)) return true;
    if (typeof a !== "object" || typeof b !== "object" || a === null || b === null) return false;
    if (Array.isArray(a) !== Array.isArray(b)) return false;
    const ka = Object.keys(a), kb = Object.keys(b);
    return ka.length === kb.length && ka.every((k) => Object.prototype.hasOwnProperty.call(b, k) && equal(a[k], b[k]));
  };
  if (typeof ${functionName} !== "function") return JSON.stringify({ missing: true });
  const tests = ${JSON.stringify(tests)};
  return JSON.stringify({ passed: tests.filter((t) => { try { return equal(${functionName}(...t.args), t.expected); } catch { return false; } }).length });
})()`;
}

export function runCodeTests(code: string, functionName: string, tests: CodeTest[], limits: { timeoutMs: number; memoryMb: number } = { timeoutMs: 2000, memoryMb: 64 }): Promise<SandboxResult> {
  const total = tests.length;
  return new Promise((resolve) => {
    const worker = new Worker(WORKER_SOURCE, {
      eval: true,
      workerData: { source: buildTestScript(code, functionName, tests), timeoutMs: limits.timeoutMs },
      resourceLimits: { maxOldGenerationSizeMb: limits.memoryMb, maxYoungGenerationSizeMb: 16, stackSizeMb: 4 },
      env: {},
      stdout: true,
      stderr: true,
    });
    let settled = false;
    const finish = (result: SandboxResult) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      void worker.terminate();
      resolve(result);
    };
    // The vm timeout stops synchronous loops; this one also covers the worker's start-up and anything async.
    const timer = setTimeout(() => finish({ passed: 0, total, error: `no result within ${limits.timeoutMs} ms` }), limits.timeoutMs + 1000);
    worker.on("message", (message: { out?: string; error?: string }) => {
      if (message.error !== undefined) return finish({ passed: 0, total, error: message.error });
      const parsed = JSON.parse(message.out ?? "{}") as { passed?: number; missing?: boolean };
      if (parsed.missing) return finish({ passed: 0, total, error: `no function named ${functionName}` });
      finish({ passed: Math.min(total, Math.max(0, Number(parsed.passed) || 0)), total });
    });
    worker.on("error", (error) => finish({ passed: 0, total, error: /memory/i.test(error.message) ? "the code ran out of memory" : error.message.slice(0, 300) }));
    worker.on("exit", () => finish({ passed: 0, total, error: "the sandbox stopped without a result" }));
  });
}
