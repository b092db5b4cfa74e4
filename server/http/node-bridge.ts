import type { IncomingMessage, ServerResponse } from "node:http";
import { attachBody } from "../gateway/request-input";
import { jsonPayload } from "../gateway/responses";

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

/** The web Request a route handler takes; its signal aborts when the client goes away first. */
export function toWebRequest(req: IncomingMessage, res: ServerResponse, body: Buffer | undefined): Request {
  const controller = new AbortController();
  res.once("close", () => {
    if (!res.writableFinished) controller.abort(new DOMException("client disconnected", "AbortError"));
  });
  const headers = new Headers();
  for (const [name, value] of Object.entries(req.headers)) {
    if (value === undefined) continue;
    if (Array.isArray(value)) for (const item of value) headers.append(name, item);
    else headers.set(name, value);
  }
  // The origin is never used by the handlers; only the path and query are. The body is handed over
  // as the bytes read (readJsonBody takes them), not as a web stream: building that stream and
  // reading it back cost more than the handler's JSON parse.
  const request = new Request(`http://localhost${req.url ?? "/"}`, { method: req.method, headers, signal: controller.signal });
  if (body) attachBody(request, body);
  return request;
}

/**
 * Writes a web Response. Event streams are piped chunk by chunk, waiting for the socket to drain
 * (backpressure), and cancelled when the client leaves; other bodies are small JSON or text and
 * go out in one write with a Content-Length.
 */
export async function sendWebResponse(res: ServerResponse, response: Response, method = "GET"): Promise<void> {
  const headers: Record<string, string | string[]> = {};
  response.headers.forEach((value, name) => {
    if (name !== "set-cookie") headers[name] = value;
  });
  const cookies = response.headers.getSetCookie();
  if (cookies.length) headers["set-cookie"] = cookies;
  const streamed = response.body !== null && response.headers.get("content-type")?.startsWith("text/event-stream") === true;
  if (!streamed) {
    const json = jsonPayload(response);
    const payload = json !== undefined ? Buffer.from(json) : response.body ? Buffer.from(await response.arrayBuffer()) : undefined;
    if (payload) headers["content-length"] = String(payload.byteLength);
    res.writeHead(response.status, headers);
    res.end(method === "HEAD" ? undefined : payload);
    return;
  }
  res.writeHead(response.status, headers);
  res.flushHeaders();
  const reader = response.body!.getReader();
  const cancel = () => void reader.cancel().catch(() => undefined);
  res.once("close", cancel);
  try {
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      if (!res.write(value)) await drained(res);
    }
    res.end();
  } catch {
    res.destroy(); // the stream failed mid-way: the client sees a cut connection, as with Next
  } finally {
    res.off("close", cancel);
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
