import { abortError, type BackendResult, fail, ok } from "./errors";

// Ollama takes images only as base64, so image_url parts are resolved here: data URLs are
// decoded, http(s) URLs fetched (bounded in size and time, since the client chose the URL).

export const IMAGE_MAX_BYTES = 20 * 1024 * 1024;
export const IMAGE_TIMEOUT_MS = 15_000;

export async function imageAsBase64(url: string, signal: AbortSignal, allowRemote: boolean): Promise<BackendResult<string>> {
  const data = /^data:([^,]*),(.*)$/s.exec(url);
  if (data) {
    if (/;base64$/i.test(data[1])) return ok(data[2].replace(/\s+/g, ""));
    try {
      return ok(Buffer.from(decodeURIComponent(data[2])).toString("base64"));
    } catch {
      return imageError("the data: URL is not validly encoded");
    }
  }
  if (!/^https?:\/\//i.test(url)) return imageError("it is neither a data: URL nor an http(s) URL");
  // Off by default: a client-chosen URL would let anyone make the router fetch internal addresses.
  if (!allowRemote) return imageError("only data: URLs are accepted for this backend (set ROUTER_FETCH_IMAGE_URLS=true to allow http(s))");
  try {
    const response = await fetch(url, { signal: AbortSignal.any([signal, AbortSignal.timeout(IMAGE_TIMEOUT_MS)]) });
    if (!response.ok || !response.body) {
      await response.body?.cancel();
      return imageError(`HTTP ${response.status}`);
    }
    if (Number(response.headers.get("content-length") ?? 0) > IMAGE_MAX_BYTES) {
      await response.body.cancel();
      return imageError(`larger than ${IMAGE_MAX_BYTES} bytes`);
    }
    // content-length can be absent or wrong: count while reading
    const reader = response.body.getReader();
    const chunks: Uint8Array[] = [];
    let size = 0;
    for (let part = await reader.read(); !part.done; part = await reader.read()) {
      size += part.value.byteLength;
      if (size > IMAGE_MAX_BYTES) {
        await reader.cancel();
        return imageError(`larger than ${IMAGE_MAX_BYTES} bytes`);
      }
      chunks.push(part.value);
    }
    return ok(Buffer.concat(chunks).toString("base64"));
  } catch (error) {
    if (signal.aborted) return { ok: false, error: abortError(signal) };
    const timedOut = error instanceof DOMException && error.name === "TimeoutError";
    return imageError(timedOut ? `no answer within ${IMAGE_TIMEOUT_MS} ms` : "the download failed");
  }
}

// 400: the client sent an image the router cannot use, whichever backend would take it
const imageError = (reason: string): BackendResult<never> => fail("http", `could not fetch image_url: ${reason}`, { status: 400 });
