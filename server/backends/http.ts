import type { BackendConfig } from "../config/backends";

/**
 * The URL and headers for a call to a backend. Credentials written into the URL
 * (http://user:pass@host) become a Basic Authorization header, since fetch refuses such URLs;
 * an API key, when configured, is sent as a Bearer token instead.
 */
export function backendRequest(backend: BackendConfig, path: string): { url: string; headers: Record<string, string> } {
  const url = new URL(`${backend.url}${path}`);
  const headers: Record<string, string> = { ...backend.headers };
  if (url.username || url.password) {
    const user = decodeURIComponent(url.username);
    const password = decodeURIComponent(url.password);
    headers.authorization = `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
    url.username = "";
    url.password = "";
  }
  if (backend.apiKey) headers.authorization = `Bearer ${backend.apiKey}`;
  return { url: url.toString(), headers };
}

/** A short, operator-readable reason for a failed call (no stack, no URL). */
export function describeFetchError(error: unknown, timeoutMs: number): string {
  if (error instanceof DOMException && error.name === "TimeoutError") return `no answer within ${timeoutMs} ms`;
  const cause = (error as { cause?: { code?: string; message?: string } }).cause;
  if (cause?.code === "ECONNREFUSED") return "connection refused";
  if (cause?.code === "ENOTFOUND" || cause?.code === "EAI_AGAIN") return "host not found";
  if (cause?.code === "ECONNRESET") return "connection reset";
  if (error instanceof SyntaxError) return "invalid JSON from backend";
  if (cause?.message) return cause.message;
  return error instanceof Error ? error.message : String(error);
}
