// Closed-loop load generator over node:http with a keep-alive agent: the most predictable client on
// loopback (no pooling heuristics), so differences between targets are the servers', not the client's.
import http from "node:http";
import { performance } from "node:perf_hooks";

export interface Target {
  name: string;
  port: number;
  path: string;
  model: string;
  headers?: Record<string, string>;
  /** The server process (and its children) whose CPU time each request is charged. */
  pid?: number;
}

export interface Sample {
  ok: boolean;
  status: number;
  /** Time to the first body byte (for streams: the first SSE chunk), ms. */
  firstByteMs: number;
  totalMs: number;
  overheadMs?: number;
}

export interface LoadResult {
  samples: Sample[];
  elapsedMs: number;
  errors: number;
  firstError?: string;
}

export type Stop = { requests: number } | { durationMs: number };

function body(model: string, stream: boolean): string {
  return JSON.stringify({
    model,
    stream,
    max_tokens: 32,
    messages: [{ role: "user", content: "Summarise the plot of Hamlet in two sentences." }],
  });
}

function once(agent: http.Agent, target: Target, payload: string): Promise<Sample> {
  return new Promise((resolve) => {
    const start = performance.now();
    let firstByteMs = Number.NaN;
    const req = http.request(
      {
        agent,
        host: "127.0.0.1",
        port: target.port,
        path: target.path,
        method: "POST",
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(payload), ...target.headers },
      },
      (res) => {
        const header = res.headers["x-smarterrouter-overhead-ms"];
        const overheadMs = typeof header === "string" ? Number(header) : undefined;
        res.on("data", () => {
          if (Number.isNaN(firstByteMs)) firstByteMs = performance.now() - start;
        });
        res.on("end", () => {
          const status = res.statusCode ?? 0;
          const totalMs = performance.now() - start;
          resolve({ ok: status === 200, status, firstByteMs: Number.isNaN(firstByteMs) ? totalMs : firstByteMs, totalMs, overheadMs });
        });
        res.on("error", () => resolve({ ok: false, status: 0, firstByteMs: Number.NaN, totalMs: performance.now() - start }));
      },
    );
    req.on("error", () => resolve({ ok: false, status: 0, firstByteMs: Number.NaN, totalMs: performance.now() - start }));
    req.end(payload);
  });
}

/** Runs `concurrency` workers back to back until the stop condition; returns every sample. */
export async function runLoad(target: Target, options: { stream: boolean; concurrency: number; stop: Stop }): Promise<LoadResult> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: options.concurrency });
  const payload = body(target.model, options.stream);
  const samples: Sample[] = [];
  let issued = 0;
  let firstError: string | undefined;
  const started = performance.now();
  const deadline = "durationMs" in options.stop ? started + options.stop.durationMs : Number.POSITIVE_INFINITY;
  const limit = "requests" in options.stop ? options.stop.requests : Number.POSITIVE_INFINITY;
  const worker = async (): Promise<void> => {
    // Bounded both ways: by count or by deadline, and never more than 1M requests.
    while (issued < limit && issued < 1_000_000 && performance.now() < deadline) {
      issued += 1;
      const sample = await once(agent, target, payload);
      if (!sample.ok && firstError === undefined) firstError = `HTTP ${sample.status}`;
      samples.push(sample);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  const elapsedMs = performance.now() - started;
  agent.destroy();
  return { samples, elapsedMs, errors: samples.filter((s) => !s.ok).length, firstError };
}
