import type { BackendConfig } from "../config/backends";
import { describeFetchError } from "./http";
import { BackendFailure, type BackendError, type BackendErrorKind, type Result } from "./types";

export const ok = <T>(value: T): { ok: true; value: T } => ({ ok: true, value });
export const fail = (kind: BackendErrorKind, message: string, extra: Partial<BackendError> = {}): { ok: false; error: BackendError } => ({
  ok: false,
  error: { kind, message, ...extra },
});
export type BackendResult<T> = Result<T, BackendError>;

const TIMEOUT_CODES = new Set(["UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT", "ETIMEDOUT"]);
const MAX_MESSAGE = 500;

/** An abort by the caller's signal: "timeout" when the gateway's AbortSignal.timeout fired, else the client left. */
export function abortError(signal: AbortSignal): BackendError {
  const reason: unknown = signal.reason;
  return reason instanceof DOMException && reason.name === "TimeoutError"
    ? { kind: "timeout", message: "the backend did not answer in time" }
    : { kind: "aborted", message: "the request was cancelled" };
}

/** A rejected fetch (or body read) in the gateway's terms. */
export function fetchError(error: unknown, signal: AbortSignal, backend: BackendConfig): BackendError {
  if (signal.aborted) return abortError(signal);
  const code = (error as { cause?: { code?: string } }).cause?.code;
  if (code && TIMEOUT_CODES.has(code)) return { kind: "timeout", message: "the backend stopped responding" };
  // undici (fetch) and node:http (http-client.ts) name a connection dropped before the answer differently.
  if (code === "UND_ERR_SOCKET" || code === "ECONNRESET") return { kind: "connect", message: "the backend closed the connection" };
  return { kind: "connect", message: redact(describeFetchError(error, 0), backend) };
}

/** The same classification for a failure after the first byte, where a plain read error means the stream was cut. */
export function streamFailure(error: unknown, signal: AbortSignal, backend: BackendConfig): BackendFailure {
  if (error instanceof BackendFailure) return error;
  if (signal.aborted) return new BackendFailure(abortError(signal));
  return new BackendFailure({ kind: "protocol", message: `stream ended early: ${redact(describeFetchError(error, 0), backend)}` });
}

/** An error status from the backend, with its own message (Ollama `{error}`, OpenAI `{error:{message}}`, vLLM `{message}`). */
export async function httpError(response: Pick<Response, "text" | "headers" | "status" | "statusText">, backend: BackendConfig): Promise<BackendError> {
  const text = await response.text().catch(() => "");
  const retryAfterSeconds = parseRetryAfter(response.headers.get("retry-after"));
  const message = errorMessageOf(text) || response.statusText || `HTTP ${response.status}`;
  return { kind: "http", status: response.status, message: redact(message, backend), ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}) };
}

export function errorMessageOf(text: string): string {
  try {
    const body = JSON.parse(text) as { error?: unknown; message?: unknown; detail?: unknown };
    const error = body.error as { message?: unknown } | string | undefined;
    const message = typeof error === "string" ? error : (error?.message ?? body.message ?? body.detail);
    if (typeof message === "string") return message.slice(0, MAX_MESSAGE);
  } catch {
    // not JSON: fall through to the raw text
  }
  return text.trim().slice(0, MAX_MESSAGE);
}

/** Retry-After is either delta-seconds or an HTTP date. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  if (/^\s*\d+(\.\d+)?\s*$/.test(value)) return Math.ceil(Number(value));
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, Math.ceil((date - now) / 1000));
}

/** Messages are shown to operators and clients: never the backend URL or its key. */
export function redact(message: string, backend: BackendConfig): string {
  let text = message.split(backend.url).join(`<${backend.name}>`);
  if (backend.apiKey) text = text.split(backend.apiKey).join("***");
  return text.replace(/\bhttps?:\/\/\S+/g, "<url>");
}
