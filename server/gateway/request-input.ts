import { WireError } from "./wire/errors";

const REQUEST_ID = /^[\w.:-]{1,128}$/;

/** Echo a well-formed inbound X-Request-ID (bounded, no odd characters), else make one. */
export function requestIdFor(request: Request): string {
  const inbound = request.headers.get("x-request-id");
  return inbound && REQUEST_ID.test(inbound) ? inbound : crypto.randomUUID();
}

/**
 * Reads a JSON body with a byte cap enforced while reading (a declared Content-Length is checked
 * first, but chunked bodies are counted too), so an oversized body is never held in memory.
 */
export async function readJsonBody(request: Request, maxBytes: number): Promise<unknown> {
  const type = request.headers.get("content-type") ?? "";
  if (!/^application\/json\b/i.test(type.trim())) {
    throw new WireError(415, "Content-Type must be application/json");
  }
  const text = await readTextBody(request, maxBytes);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new WireError(400, `Request body is not valid JSON: ${(error as Error).message}`);
  }
}

// The custom server (server/http) has read the body before it calls a handler: it hands the bytes
// over here rather than as the Request's body stream, which cost more to build and read back than
// parsing the JSON.
const bufferedBodies = new WeakMap<Request, Uint8Array>();

/** `request`'s body, already read (by the custom server); readTextBody and readJsonBody use it. */
export function attachBody(request: Request, body: Uint8Array): void {
  bufferedBodies.set(request, body);
}

const utf8 = new TextDecoder();

/** The body as UTF-8 text, with the same byte cap; an empty body is a 400. */
export async function readTextBody(request: Request, maxBytes: number): Promise<string> {
  const declared = Number(request.headers.get("content-length") ?? NaN);
  if (declared > maxBytes) throw tooLarge(maxBytes);
  const buffered = bufferedBodies.get(request);
  if (buffered) {
    if (buffered.byteLength > maxBytes) throw tooLarge(maxBytes);
    return nonEmpty(utf8.decode(buffered));
  }
  const reader = request.body?.getReader();
  if (!reader) throw new WireError(400, "Request body is empty");
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > maxBytes) {
      await reader.cancel();
      throw tooLarge(maxBytes);
    }
    chunks.push(value);
  }
  return nonEmpty(utf8.decode(concat(chunks, size)));
}

function nonEmpty(text: string): string {
  if (!text.trim()) throw new WireError(400, "Request body is empty");
  return text;
}

function tooLarge(maxBytes: number): WireError {
  return new WireError(413, `Request body too large (max ${Math.floor(maxBytes / 1024 / 1024) || maxBytes} ${maxBytes >= 1024 * 1024 ? "MB" : "bytes"})`);
}

function concat(chunks: Uint8Array[], size: number): Uint8Array {
  const out = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    out.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return out;
}
