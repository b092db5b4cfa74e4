import type { AddressInfo } from "node:net";
import type { Runtime } from "../runtime";
import { shutdownTracing } from "../observability/tracing";
import { createRouterServer, type NodeHandler, type RouterServer } from "./server";

/**
 * Listens on ROUTER_HOST:ROUTER_PORT and shuts down gracefully on SIGTERM/SIGINT: stop accepting,
 * let in-flight requests and streams finish (up to ROUTER_SHUTDOWN_TIMEOUT_SECONDS), flush the
 * runtime's queues, export buffered spans, exit 0. A second signal exits at once.
 */
export async function serve(runtime: Runtime, fallback: NodeHandler): Promise<RouterServer> {
  const { config, logger } = runtime;
  const router = createRouterServer(runtime, fallback);
  await new Promise<void>((resolve, reject) => {
    router.server.once("error", reject);
    router.server.listen(config.ROUTER_PORT, config.ROUTER_HOST, () => {
      router.server.off("error", reject);
      resolve();
    });
  });
  const { port } = router.server.address() as AddressInfo; // ROUTER_PORT=0 takes any free port
  logger.info(`SmarterRouter listening on http://${config.ROUTER_HOST}:${port}`);

  let stopping = false;
  const stop = async (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn(`${signal} again: exiting without waiting`);
      process.exit(1);
    }
    stopping = true;
    const timeoutSeconds = config.ROUTER_SHUTDOWN_TIMEOUT_SECONDS;
    const drained = router.drain(timeoutSeconds * 1000); // closes the listener before the line below is written
    logger.info(`${signal}: draining (no new connections; in-flight requests get up to ${timeoutSeconds} s)`);
    const { cut } = await drained;
    if (cut) logger.warn(`shutdown timeout: cut ${cut} request(s) still in flight`);
    await runtime.shutdown();
    await shutdownTracing().catch((error: unknown) => logger.warn("could not export the last spans", { error }));
    logger.info("stopped");
    process.exit(0);
  };
  process.on("SIGTERM", (signal) => void stop(signal));
  process.on("SIGINT", (signal) => void stop(signal));
  return router;
}
