import type { NodeHandler } from "./server";

/**
 * A handler built by its first request, so a process that never gets such a request never pays
 * for it (Next: about 100 MB of heap for an API-only router). Requests that arrive while it is
 * being built wait for that one build. A failed build is reported once, answers 503 to the
 * requests that waited for it, and is tried again by the next request.
 */
export function lazyHandler(build: () => Promise<NodeHandler>, onError: (error: unknown) => void): NodeHandler {
  let handler: NodeHandler | undefined;
  let building: Promise<NodeHandler | undefined> | undefined;
  const start = () =>
    build().then(
      (built) => (handler = built),
      (error: unknown) => {
        building = undefined;
        onError(error);
        return undefined;
      },
    );
  return async (req, res) => {
    if (handler) return handler(req, res);
    const built = await (building ??= start());
    if (built) return built(req, res);
    res.writeHead(503, { "content-type": "text/plain; charset=utf-8", "retry-after": "5" }).end("The router could not load its console and admin API; see its log.\n");
  };
}
