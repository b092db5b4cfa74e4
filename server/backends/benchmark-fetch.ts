import { describeFetchError } from "./http";

// The one outbound HTTP client for benchmark sources (leaderboards, ArtificialAnalysis): the lint
// rule keeps fetch in server/backends, and every source gets the same timeout and size cap.

export type FetchedDocument = { status: number; contentType: string; body: string };

export class BenchmarkFetchError extends Error {}

const DEFAULT_TIMEOUT_MS = 30_000;
const DEFAULT_MAX_BYTES = 20 * 1024 * 1024;

/** GETs a URL and reads its body as text; network failures and oversize bodies throw BenchmarkFetchError. */
export async function fetchBenchmarkDocument(
  url: string,
  options: { headers?: Record<string, string>; timeoutMs?: number; maxBytes?: number } = {},
): Promise<FetchedDocument> {
  const timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
  let response: Response;
  try {
    response = await fetch(url, { headers: { accept: "application/json, text/csv;q=0.9, */*;q=0.5", ...options.headers }, signal: AbortSignal.timeout(timeoutMs), redirect: "follow" });
  } catch (error) {
    throw new BenchmarkFetchError(`${new URL(url).host}: ${describeFetchError(error, timeoutMs)}`);
  }
  const declared = Number(response.headers.get("content-length"));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel();
    throw new BenchmarkFetchError(`${new URL(url).host}: response larger than ${maxBytes} bytes`);
  }
  const reader = response.body?.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  try {
    for (;;) {
      const next = await reader?.read();
      if (!next || next.done) break;
      size += next.value.byteLength;
      if (size > maxBytes) {
        await reader?.cancel();
        throw new BenchmarkFetchError(`${new URL(url).host}: response larger than ${maxBytes} bytes`);
      }
      chunks.push(next.value);
    }
  } catch (error) {
    if (error instanceof BenchmarkFetchError) throw error;
    throw new BenchmarkFetchError(`${new URL(url).host}: ${describeFetchError(error, timeoutMs)}`);
  }
  return { status: response.status, contentType: response.headers.get("content-type") ?? "", body: Buffer.concat(chunks).toString("utf8") };
}
