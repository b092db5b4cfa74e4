import type { Fault, ModelSpec, SimConfig } from "./config";
import { type Api, type FaultBook, faultMessage } from "./faults";
import type { FleetState } from "./fleet-state";
import type { GenerationContext } from "./generate";
import type { HttpCall } from "./http-io";
import { abortable, pause, waitForAbort } from "./timing";

export interface SimContext {
  config: SimConfig;
  models: ReadonlyMap<string, ModelSpec>;
  fleet: FleetState;
  faults: FaultBook;
  generation: GenerationContext;
  defaultKeepAliveMs: number;
  now: () => number;
  counters: { activeRuns: number; abortedRuns: number; stalled: number };
}

export type ErrorSender = (status: number, message: string, headers?: Record<string, string>) => void;

export interface Run {
  fault?: Fault;
  loadMs: number;
  finish(): void;
}

/** Applies a status or stall fault; false when the request was answered (or abandoned) here. */
export async function applyRequestFault(ctx: SimContext, fault: Fault | undefined, call: HttpCall, sendError: ErrorSender): Promise<boolean> {
  if (!fault) return true;
  if (fault.stallMs !== undefined) {
    ctx.counters.stalled++;
    try {
      await (fault.stallMs === "forever" ? waitForAbort(call.signal) : pause(fault.stallMs, call.signal));
    } finally {
      ctx.counters.stalled--;
    }
  }
  if (fault.status !== undefined) {
    const headers: Record<string, string> = fault.status === 429 || fault.status === 503 ? { "retry-after": String(fault.retryAfterS) } : {};
    sendError(fault.status, faultMessage(fault, fault.status), headers);
    return false;
  }
  return true;
}

/**
 * Everything between a validated request and generation: pick a fault, stall, load the model.
 * Returns undefined when a fault already answered. Throws AbortedError if the client leaves.
 */
export async function beginRun(ctx: SimContext, call: HttpCall, model: ModelSpec, api: Api, keepAliveMs: number, sendError: ErrorSender): Promise<Run | undefined> {
  const fault = ctx.faults.take({ api, path: call.path, model: model.name });
  if (!(await applyRequestFault(ctx, fault, call, sendError))) return undefined;
  ctx.counters.activeRuns++;
  let finished = false;
  const finish = (): void => {
    if (finished) return;
    finished = true;
    ctx.counters.activeRuns--;
    if (call.signal.aborted) ctx.counters.abortedRuns++;
    ctx.fleet.release(model.name, keepAliveMs);
  };
  try {
    const loadMs = await ctx.fleet.acquire(model, fault?.slowLoadMs ?? 0, (p) => abortable(p, call.signal));
    return { fault, loadMs, finish };
  } catch (error) {
    finish();
    throw error;
  }
}

export interface Frame {
  data: string;
  tokens: number; // generated tokens this frame carries; paced at the model's tokens/s
}

export interface Timing {
  promptMs: number;
  evalMs: number;
}

export function nominalTiming(model: ModelSpec, completionTokens: number): Timing {
  return { promptMs: model.ttftMs, evalMs: (completionTokens / model.tokensPerSecond) * 1000 };
}

/** Writes frames at the model's pace: the first token after ttft, then one per 1/tokensPerSecond. */
export async function streamFrames(ctx: SimContext, call: HttpCall, run: Run, model: ModelSpec, frames: Frame[], contentType: string, malformedFrame: string): Promise<void> {
  const scale = ctx.config.timeScale;
  const started = performance.now();
  const interval = 1000 / model.tokensPerSecond;
  call.res.writeHead(200, { "content-type": contentType, "cache-control": "no-cache", connection: "keep-alive" });
  call.res.flushHeaders();
  let tokens = 0;
  let flushed: Promise<void> = Promise.resolve();
  for (const [index, frame] of frames.entries()) {
    if (run.fault?.cutAfterChunks !== undefined && index >= run.fault.cutAfterChunks) {
      await flushed; // the client should get exactly N chunks before the connection drops
      call.res.destroy();
      return;
    }
    if (frame.tokens > 0) {
      const due = (model.ttftMs + tokens * interval) * scale;
      await pause(due - (performance.now() - started), call.signal);
      tokens += frame.tokens;
    }
    if (run.fault?.malformedChunk === index + 1) call.res.write(malformedFrame);
    flushed = new Promise((resolve) => call.res.write(frame.data, () => resolve()));
  }
  call.res.end();
}

/** Non-streaming: wait as long as generating would take, then answer (or break, under a fault). */
export async function respondWhenDone(ctx: SimContext, call: HttpCall, run: Run, model: ModelSpec, completionTokens: number, body: unknown): Promise<void> {
  const timing = nominalTiming(model, completionTokens);
  await pause((timing.promptMs + timing.evalMs) * ctx.config.timeScale, call.signal);
  if (run.fault?.cutAfterChunks !== undefined) {
    call.res.destroy();
    return;
  }
  const text = JSON.stringify(body);
  const payload = run.fault?.malformedChunk !== undefined ? text.slice(0, Math.floor(text.length / 2)) : text;
  call.res.writeHead(200, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(payload) });
  call.res.end(payload);
}
