import type { BackendError, Result } from "../backends/types";
import { BackendFailure } from "../backends/types";
import { recordFallback } from "../observability/metrics";
import type { AttemptProbe } from "./attempt-telemetry";

// Fallback as data: a plan is an ordered list of targets; each attempt either succeeds or fails
// with a BackendError, and only failures that another model could avoid move on to the next.

export type AttemptRecord = { model: string; backend: string; ok: boolean; error?: BackendError; ms: number };

export type AttemptTarget = { model: string; backend: string };

/** Failures another model could avoid: the server was unreachable, slow, overloaded or broken. */
export function isRetryable(error: BackendError): boolean {
  switch (error.kind) {
    case "connect":
    case "timeout":
    case "protocol":
      return true;
    case "http":
      return error.status === 408 || error.status === 429 || (error.status ?? 0) >= 500;
    case "aborted":
      return false;
  }
}

export type UpstreamErrorKind = "connect" | "timeout" | "http_4xx" | "http_5xx" | "protocol" | "aborted";

/** The bounded kind used in metrics, fallback reasons and span error.type. */
export function upstreamErrorKind(error: BackendError): UpstreamErrorKind {
  if (error.kind !== "http") return error.kind;
  return (error.status ?? 500) >= 500 ? "http_5xx" : "http_4xx";
}

export type AttemptContext = {
  /** Aborts when the client goes away; each attempt links its own controller to it. */
  clientSignal: AbortSignal;
  /** Aborts an attempt that produced nothing in time (its reason is a TimeoutError). */
  timeoutMs: number;
  /** Telemetry for each attempt: runPlan reports failures; a success's probe is handed back to finish. */
  probe?: (target: AttemptTarget) => AttemptProbe;
};

export type AttemptRun<T> = (target: AttemptTarget, signal: AbortSignal, controller: AbortController) => Promise<Result<T, BackendError>>;

export type PlanOutcome<T> =
  | { ok: true; value: T; target: AttemptTarget; controller: AbortController; attempts: AttemptRecord[]; timer: NodeJS.Timeout; probe?: AttemptProbe }
  | { ok: false; error: BackendError; attempts: AttemptRecord[] };

/**
 * Runs the plan until one attempt succeeds. The winning attempt's controller and timer are handed
 * back so the caller can keep streaming under them (and abort upstream if the client leaves).
 */
export async function runPlan<T>(plan: AttemptTarget[], context: AttemptContext, run: AttemptRun<T>): Promise<PlanOutcome<T>> {
  const attempts: AttemptRecord[] = [];
  let lastError: BackendError = { kind: "connect", message: "no model to try" };
  for (const target of plan) {
    if (context.clientSignal.aborted) return { ok: false, error: { kind: "aborted", message: "client disconnected" }, attempts };
    const previous = attempts.at(-1);
    if (previous?.error) recordFallback(previous.model, target.model, upstreamErrorKind(previous.error));
    const probe = context.probe?.(target);
    const controller = new AbortController();
    const onClientAbort = () => controller.abort(context.clientSignal.reason);
    context.clientSignal.addEventListener("abort", onClientAbort, { once: true });
    const timer = setTimeout(() => controller.abort(new DOMException(`no answer within ${context.timeoutMs} ms`, "TimeoutError")), context.timeoutMs);
    const started = performance.now();
    let result: Result<T, BackendError>;
    try {
      result = await (probe ? probe.within(() => run(target, controller.signal, controller)) : run(target, controller.signal, controller));
    } catch (error) {
      result = { ok: false, error: error instanceof BackendFailure ? error.error : { kind: "protocol", message: (error as Error).message } };
    }
    const ms = Math.round(performance.now() - started);
    if (result.ok) {
      attempts.push({ ...target, ok: true, ms });
      return { ok: true, value: result.value, target, controller, attempts, timer, probe };
    }
    clearTimeout(timer);
    context.clientSignal.removeEventListener("abort", onClientAbort);
    controller.abort();
    // A timeout we imposed reads as "aborted" to the adapter only if it could not tell; fix that here.
    const error = result.error.kind === "aborted" && !context.clientSignal.aborted ? { ...result.error, kind: "timeout" as const, message: `no answer within ${Math.round(context.timeoutMs / 1000)} s` } : result.error;
    attempts.push({ ...target, ok: false, error, ms });
    probe?.fail(error);
    lastError = error;
    if (!isRetryable(error)) break;
  }
  return { ok: false, error: lastError, attempts };
}
