import http from "node:http";
import https from "node:https";
import { Readable } from "node:stream";

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

/**
 * POSTs `body` and resolves with the response once its head arrives (the body streams as the
 * Response's body). `signal` aborts the request at any point, the body read included.
 */
export function postRequest(url: string, headers: Record<string, string>, body: string, signal: AbortSignal): Promise<Response> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const target = new URL(url);
    const payload = Buffer.from(body);
    const client = target.protocol === "https:" ? https : http;
    const req = client.request(target, { method: "POST", agent: agentFor(target), headers: { ...headers, "content-length": String(payload.byteLength) } });
    const onAbort = () => req.destroy(signal.reason instanceof Error ? signal.reason : new DOMException("This operation was aborted", "AbortError"));
    signal.addEventListener("abort", onAbort, { once: true });
    req.once("error", (error) => {
      signal.removeEventListener("abort", onAbort);
      reject(signal.aborted ? signal.reason : new TypeError("fetch failed", { cause: error }));
    });
    req.once("response", (res) => {
      res.once("close", () => signal.removeEventListener("abort", onAbort));
      const responseHeaders = new Headers();
      for (const [name, value] of Object.entries(res.headers)) {
        if (Array.isArray(value)) for (const item of value) responseHeaders.append(name, item);
        else if (value !== undefined) responseHeaders.set(name, value);
      }
      const status = res.statusCode ?? 502;
      // A body-less status cannot carry a stream; drop whatever the socket had.
      const hasBody = status !== 204 && status !== 304;
      if (!hasBody) res.resume();
      resolve(new Response(hasBody ? (Readable.toWeb(res) as ReadableStream<Uint8Array>) : null, { status, statusText: res.statusMessage, headers: responseHeaders }));
    });
    req.end(payload);
  });
}
