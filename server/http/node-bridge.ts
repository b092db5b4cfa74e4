import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from "node:http";
import { attachBody } from "../gateway/request-input";
import { DeferredBodyResponse, EventStreamResponse, JsonResponse } from "../gateway/responses";

// node:http ⇄ web Request/Response for the route handlers, without Next's request pipeline.

/**
 * Reads the request body whole, but never more than `maxBytes` + 1 bytes: the handler's own
 * check (readJsonBody) then answers 413, and a declared oversize body is not read at all.
 */
export function readBody(req: IncomingMessage, maxBytes: number): Promise<Buffer | undefined> {
  if (req.method === "GET" || req.method === "HEAD") return Promise.resolve(undefined);
  if (Number(req.headers["content-length"] ?? 0) > maxBytes) return Promise.resolve(undefined);
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      size += chunk.byteLength;
      if (size > maxBytes) finish();
    };
    const finish = () => {
      req.off("data", onData);
      req.off("end", finish);
      req.off("error", reject);
      resolve(Buffer.concat(chunks, Math.min(size, maxBytes + 1)));
    };
    req.on("data", onData);
    req.once("end", finish);
    req.once("error", reject);
  });
}

/**
 * What a route handler reads of a web Request (method, url, headers, signal; the body is handed
 * over already read), over node's parsed request without copying it. Building an undici Request
 * with its Headers and its own AbortSignal cost more than parsing the chat request's JSON; the
 * /v1 handlers read nothing else, and everything else goes through Next with real Requests.
 */
class NodeRequest {
  readonly method: string;
  readonly url: string;
  readonly headers: NodeHeaders;
  readonly body = null; // read by the custom server and handed over (attachBody)
  readonly #controller = new AbortController();

  constructor(req: IncomingMessage, res: ServerResponse) {
    this.method = req.method ?? "GET";
    // The origin is never used by the handlers; only the path and query are.
    this.url = `http://localhost${req.url ?? "/"}`;
    this.headers = new NodeHeaders(req.headers);
    res.once("close", () => {
      if (!res.writableFinished) this.#controller.abort(new DOMException("client disconnected", "AbortError"));
    });
  }

  /** Aborts when the client goes away before the response is complete. */
  get signal(): AbortSignal {
    return this.#controller.signal;
  }
}

/** Headers.get over node's header object (names already lower-case; repeats joined by node): all the handlers call. */
class NodeHeaders {
  constructor(private readonly raw: IncomingHttpHeaders) {}

  get(name: string): string | null {
    const value = this.raw[name.toLowerCase()];
    return value === undefined ? null : Array.isArray(value) ? value.join(", ") : value;
  }
}

/** The Request a /v1 route handler takes (see NodeRequest); its signal aborts when the client goes away first. */
export function toWebRequest(req: IncomingMessage, res: ServerResponse, body: Buffer | undefined): Request {
  const request = new NodeRequest(req, res) as unknown as Request;
  if (body) attachBody(request, body);
  return request;
}

/**
 * Writes a web Response. An EventStreamResponse's chunks and a JsonResponse's text go to the
 * socket directly; a stream waits for the socket to drain (backpressure) and stops when the client
 * leaves. Other bodies are small JSON or text and go out in one write with a Content-Length.
 */
export async function sendWebResponse(res: ServerResponse, response: Response, method = "GET"): Promise<void> {
  const headers: Record<string, string | string[]> = {};
  if (response instanceof DeferredBodyResponse) {
    for (const [name, value] of response.headerEntries()) headers[name] = value;
  } else {
    response.headers.forEach((value, name) => {
      if (name !== "set-cookie") headers[name] = value;
    });
    const cookies = response.headers.getSetCookie();
    if (cookies.length) headers["set-cookie"] = cookies;
  }
  if (response instanceof EventStreamResponse) return sendChunks(res, response.status, headers, response);
  if (response instanceof JsonResponse) return sendWhole(res, response.status, headers, Buffer.from(response.payload), method);
  return sendWhole(res, response.status, headers, response.body === null ? undefined : Buffer.from(await response.arrayBuffer()), method);
}

function sendWhole(res: ServerResponse, status: number, headers: Record<string, string | string[]>, payload: Buffer | undefined, method: string): void {
  if (payload) headers["content-length"] = String(payload.byteLength);
  res.writeHead(status, headers);
  res.end(method === "HEAD" ? undefined : payload);
}

/**
 * Streams chunks as they come. Node corks the socket on a response's write until the next tick,
 * so chunks that arrive in the same turn of the event loop (a model server often sends several
 * tokens in one TCP read) leave in one write. The first chunk is not held: it leaves with the
 * headers at once (uncork), so the time to the first byte does not wait for the tokens read with it.
 */
async function sendChunks(res: ServerResponse, status: number, headers: Record<string, string | string[]>, stream: EventStreamResponse): Promise<void> {
  res.writeHead(status, headers);
  const iterator = stream.chunks[Symbol.asyncIterator]();
  let closed = false;
  const stop = () => {
    closed = true;
    stream.cancel();
    void iterator.return?.()?.catch(() => undefined);
  };
  res.once("close", stop);
  let first = true;
  try {
    for (;;) {
      const next = await iterator.next();
      if (next.done || closed) break;
      const more = res.write(next.value);
      if (first) {
        first = false;
        while (res.socket?.writableCorked) res.socket.uncork();
      }
      if (!more) await drained(res);
    }
    res.end();
  } catch {
    res.destroy(); // the stream failed mid-way: the client sees a cut connection, as with Next
  } finally {
    res.off("close", stop);
  }
}

/** Resolves when the socket can take more, or when the client has gone (the read then ends). */
function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      res.off("drain", done);
      res.off("close", done);
      resolve();
    };
    res.once("drain", done);
    res.once("close", done);
  });
}
