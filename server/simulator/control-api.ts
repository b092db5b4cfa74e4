import type { IncomingHttpHeaders } from "node:http";
import { parseFaultList } from "./faults";
import { type HttpCall, sendJson } from "./http-io";
import type { SimContext } from "./model-run";

export interface LoggedRequest {
  id: number;
  at: string;
  method: string;
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  hasAuthorization: boolean;
  body: unknown;
}

/** The most recent requests a backend received, so router tests can assert on exactly what was sent. */
export class RequestLog {
  private entries: LoggedRequest[] = [];
  private nextId = 1;

  constructor(private readonly capacity: number) {}

  record(call: Pick<HttpCall, "method" | "path" | "query" | "body">, headers: IncomingHttpHeaders, at: number): void {
    const kept: Record<string, string> = {};
    for (const [name, value] of Object.entries(headers)) {
      if (name !== "authorization" && value !== undefined) kept[name] = Array.isArray(value) ? value.join(", ") : value;
    }
    this.entries.push({
      id: this.nextId++,
      at: new Date(at).toISOString(),
      method: call.method,
      path: call.path,
      query: Object.fromEntries(call.query),
      headers: kept,
      hasAuthorization: headers.authorization !== undefined,
      body: call.body,
    });
    if (this.entries.length > this.capacity) this.entries.splice(0, this.entries.length - this.capacity);
  }

  list(path?: string): LoggedRequest[] {
    return path ? this.entries.filter((e) => e.path === path) : [...this.entries];
  }

  clear(): number {
    const count = this.entries.length;
    this.entries = [];
    return count;
  }
}

type ControlHandler = (ctx: SimContext, call: HttpCall, log: RequestLog) => void;

function state(ctx: SimContext, call: HttpCall): void {
  sendJson(call.res, 200, {
    seed: ctx.config.seed,
    timeScale: ctx.config.timeScale,
    models: [...ctx.models.keys()],
    loaded: ctx.fleet.list().map((m) => ({
      name: m.spec.name,
      vramGb: m.spec.vramGb,
      inUse: m.inUse,
      expiresAt: Number.isFinite(m.expiresAt) ? new Date(m.expiresAt).toISOString() : null,
    })),
    activeRequests: ctx.counters.activeRuns,
    abortedRequests: ctx.counters.abortedRuns,
    stalledRequests: ctx.counters.stalled,
    faults: ctx.faults.list(),
  });
}

function setFaults(ctx: SimContext, call: HttpCall): void {
  try {
    ctx.faults.replace(parseFaultList(call.body));
  } catch (error) {
    return sendJson(call.res, 400, { error: (error as Error).message });
  }
  sendJson(call.res, 200, { faults: ctx.faults.list() });
}

export const controlRoutes: Partial<Record<string, ControlHandler>> = {
  "GET /__sim/state": state,
  "GET /__sim/requests": (_ctx, call, log) => sendJson(call.res, 200, { requests: log.list(call.query.get("path") ?? undefined) }),
  "DELETE /__sim/requests": (_ctx, call, log) => sendJson(call.res, 200, { cleared: log.clear() }),
  "GET /__sim/faults": (ctx, call) => sendJson(call.res, 200, { faults: ctx.faults.list() }),
  "POST /__sim/faults": setFaults,
  "DELETE /__sim/faults": (ctx, call) => {
    ctx.faults.replace([]);
    sendJson(call.res, 200, { faults: [] });
  },
  "POST /__sim/reset": (ctx, call, log) => {
    ctx.faults.replace(ctx.config.faults);
    ctx.fleet.clear();
    log.clear();
    sendJson(call.res, 200, { ok: true });
  },
};
