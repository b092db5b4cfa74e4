import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import { errorResponse, withHeaders } from "../gateway/responses";
import { corsHeaders } from "../limits/cors";
import type { RouteHandler } from "../observability/http";
import { markArrival } from "../observability/request-timing";
import type { Runtime } from "../runtime";
import { apiRoutes } from "./api-routes";
import { readBody, sendWebResponse, toWebRequest } from "./node-bridge";

export type NodeHandler = (req: IncomingMessage, res: ServerResponse) => unknown;

export type RouterServer = {
  server: Server;
  /**
   * Stops accepting connections and waits for in-flight requests and streams to end, at most
   * `timeoutMs`, then cuts what is left. Resolves with how many requests were cut.
   */
  drain: (timeoutMs: number) => Promise<{ cut: number }>;
};

/**
 * The production HTTP server: /v1/*, /health and /metrics go straight to their handlers (Next's
 * request pipeline was most of the router's cost per request); everything else to `fallback`
 * (Next's request handler: console, tRPC, admin API, and the same 404/405 answers as `next dev`).
 */
export function createRouterServer(runtime: Runtime, fallback: NodeHandler): RouterServer {
  const routes = apiRoutes(runtime);
  const maxBodyBytes = runtime.config.ROUTER_MAX_BODY_BYTES;
  let inFlight = 0;
  let draining = false;
  let onDrained: (() => void) | undefined;

  const server = createServer((req, res) => {
    inFlight += 1;
    res.once("close", () => {
      inFlight -= 1;
      if (!draining) return;
      server.closeIdleConnections();
      if (inFlight === 0) onDrained?.();
    });
    if (draining) res.setHeader("connection", "close");
    appendPeerAddress(req);
    const handler = routes.get(`${req.method} ${pathOf(req.url)}`);
    if (handler) void serveApi(handler, req, res, maxBodyBytes, runtime, performance.now());
    else void fallback(req, res);
  });
  // Clients that keep connections open (load balancers, SDK pools) should not see idle resets.
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000; // above keepAliveTimeout, or a late request on an idle socket is cut

  const drain = (timeoutMs: number) =>
    new Promise<{ cut: number }>((resolve) => {
      draining = true;
      let cut = 0;
      let closed = false;
      // Done when the listener is closed and every response has closed: a response's "close"
      // comes after the server's, and a cut stream records its failure in it.
      const finish = () => {
        if (!closed || inFlight > 0) return;
        clearTimeout(timer);
        resolve({ cut });
      };
      const timer = setTimeout(() => {
        cut = inFlight;
        server.closeAllConnections();
      }, timeoutMs);
      onDrained = finish;
      server.close(() => {
        closed = true;
        finish();
      });
      server.closeIdleConnections();
    });

  return { server, drain };
}

async function serveApi(handler: RouteHandler, req: IncomingMessage, res: ServerResponse, maxBodyBytes: number, runtime: Runtime, arrivedAt: number): Promise<void> {
  try {
    const request = toWebRequest(req, res, await readBody(req, maxBodyBytes));
    markArrival(request, arrivedAt);
    let response = await handler(request);
    // What proxy.ts does for /v1/* under Next: CORS headers for an allowed Origin.
    const allowed = runtime.config.ROUTER_CORS_ALLOWED_ORIGINS;
    if (allowed.length && pathOf(req.url).startsWith("/v1/")) response = withHeaders(response, corsHeaders(request, allowed));
    await sendWebResponse(res, response, req.method);
  } catch (error) {
    // The handlers answer their own errors; this is a bug or a broken socket.
    runtime.logger.error("request failed outside its handler", { path: pathOf(req.url), error });
    if (res.headersSent) res.destroy();
    else await sendWebResponse(res, errorResponse(500, "The router failed to handle this request", { requestId: crypto.randomUUID() }));
  }
}

function pathOf(url: string | undefined): string {
  const query = url?.indexOf("?") ?? -1;
  return query >= 0 ? url!.slice(0, query) : (url ?? "/");
}

/**
 * X-Forwarded-For gets the socket peer appended, as every proxy does: its rightmost entry is then
 * always the real peer, and server/limits/client-ip.ts walks left only across trusted proxies.
 * (Next's own server only fills the header when it is absent, so a client could name any address.)
 */
function appendPeerAddress(req: IncomingMessage): void {
  const peer = req.socket.remoteAddress;
  if (!peer) return;
  const prior = req.headers["x-forwarded-for"];
  req.headers["x-forwarded-for"] = prior ? `${prior}, ${peer}` : peer;
}
