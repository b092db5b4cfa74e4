import http from "node:http";
import https from "node:https";
import { finished } from "node:stream";
import { urlToHttpOptions } from "node:url";

// The hot-path HTTP client for model servers: node:http over one keep-alive agent per backend
// origin. Profiling the router under load showed fetch (undici's Request/Response machinery, plus
// the tracing wrapper Next puts around the global fetch) as the largest cost per request after the
// HTTP server itself. Failures look like fetch's (a TypeError whose `cause` carries the socket error
// code), so errors.ts classifies both the same way. Redirects are not followed: model APIs do not
// redirect POSTs.

const agents = new Map<string, http.Agent>();

function agentFor(url: URL): http.Agent {
  let agent = agents.get(url.origin);
  if (!agent) {
    const options: http.AgentOptions = { keepAlive: true, scheduling: "lifo" };
    agent = url.protocol === "https:" ? new https.Agent(options) : new http.Agent(options);
    agents.set(url.origin, agent);
  }
  return agent;
}

type Target = { client: typeof http | typeof https; options: http.RequestOptions };

// Backend URLs are a few per backend (base URL + API path): parsed, turned into request options
// and matched with their agent once, not on every request (http.request given a URL converts it
// again each time).
const targets = new Map<string, Target>();
const MAX_TARGETS = 1_000;

function targetOf(url: string): Target {
  let target = targets.get(url);
  if (!target) {
    if (targets.size >= MAX_TARGETS) targets.clear();
    const parsed = new URL(url);
    const client = parsed.protocol === "https:" ? https : http;
    target = { client, options: { ...urlToHttpOptions(parsed), method: "POST", agent: agentFor(parsed) } };
    targets.set(url, target);
  }
  return target;
}

const utf8 = new TextDecoder();

/**
 * A backend's answer: the part of a fetch Response the adapters use, read straight from the
 * socket (whole, or chunk by chunk for streams), which cost a fraction of Readable.toWeb plus
 * undici's Response and Headers.
 */
export class BackendResponse {
  readonly ok: boolean;
  private headerList?: Headers;
  private used = false;

  constructor(
    private readonly res: http.IncomingMessage,
    readonly status: number,
    readonly statusText: string,
    /** False for a body-less status (204, 304): `chunks()` is then null and reads give nothing. */
    private readonly hasBody: boolean,
  ) {
    this.ok = status >= 200 && status <= 299;
  }

  get headers(): Headers {
    if (!this.headerList) {
      this.headerList = new Headers();
      for (const [name, value] of Object.entries(this.res.headers)) {
        if (Array.isArray(value)) for (const item of value) this.headerList.append(name, item);
        else if (value !== undefined) this.headerList.set(name, value);
      }
    }
    return this.headerList;
  }

  /**
   * The body as the socket delivers it, for streams: no web stream in between (its promise per
   * chunk cost more than parsing the chunk). Ending the iteration early destroys the response,
   * which ends the upstream request; null for a body-less status.
   */
  chunks(): AsyncIterable<Uint8Array> | null {
    if (this.used) throw new TypeError("Body is unusable: Body has already been read");
    this.used = true;
    return this.hasBody ? this.res : null;
  }

  async text(): Promise<string> {
    return utf8.decode(await this.bytes());
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = await this.bytes();
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  }

  /** The whole body; rejects as a fetch body read does when the connection is cut or the signal aborts. */
  private bytes(): Promise<Buffer> {
    if (this.used) return Promise.reject(new TypeError("Body is unusable: Body has already been read"));
    this.used = true;
    if (!this.hasBody) return Promise.resolve(Buffer.alloc(0));
    const res = this.res;
    return new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      finished(res, (error) => {
        if (error) reject(error);
        else resolve(Buffer.concat(chunks));
      });
    });
  }
}

/**
 * POSTs `body` and resolves with the response once its head arrives (the body is read from it
 * afterwards, whole or as a stream). `signal` aborts the request at any point, the body read included.
 */
export function postRequest(url: string, headers: Record<string, string>, body: string, signal: AbortSignal): Promise<BackendResponse> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const { client, options } = targetOf(url);
    const payload = Buffer.from(body);
    const req = client.request({ ...options, headers: { ...headers, "content-length": String(payload.byteLength) } });
    const onAbort = () => req.destroy(signal.reason instanceof Error ? signal.reason : new DOMException("This operation was aborted", "AbortError"));
    signal.addEventListener("abort", onAbort, { once: true });
    req.once("error", (error) => {
      signal.removeEventListener("abort", onAbort);
      reject(signal.aborted ? signal.reason : new TypeError("fetch failed", { cause: error }));
    });
    req.once("response", (res) => {
      res.once("close", () => signal.removeEventListener("abort", onAbort));
      const status = res.statusCode ?? 502;
      // A body-less status cannot carry a stream; drop whatever the socket had.
      const hasBody = status !== 204 && status !== 304;
      if (!hasBody) res.resume();
      resolve(new BackendResponse(res, status, res.statusMessage ?? "", hasBody));
    });
    req.end(payload);
  });
}
