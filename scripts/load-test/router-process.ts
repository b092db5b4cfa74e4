// The router under load, in its own process (so the load generator never shares its event loop):
// the gateway's test harness on a Postgres database reached through a TCP proxy the parent can cut
// and restore. Commands and answers travel over the IPC channel.
import { migrateDatabase, openDatabase } from "../../server/db";
import { startTcpProxy } from "../../server/db/test-tcp-proxy";
import { startHarness } from "../../server/gateway/test-harness";

export type RouterCommand = { id: number; cmd: "stats" | "cut" | "restore" | "drain" | "gc" | "close" };
export type RouterStats = { rss: number; heapUsed: number; queued: number; dropped: number };
export type RouterMessage = { ready: string } | ({ id: number } & RouterStats);

const databaseUrl = process.env.LOAD_DATABASE_URL!;
const simUrl = process.env.LOAD_SIM_URL!;
const target = new URL(databaseUrl);
const proxy = await startTcpProxy({ host: target.hostname, port: Number(target.port || 5432) });
const database = await openDatabase(proxy.via(databaseUrl), { connectTimeoutSeconds: 1 });
await migrateDatabase(database);
const harness = await startHarness({ database, sim: { port: 0 }, env: () => ({ ROUTER_OLLAMA_URL: simUrl }) });
const { decisions } = harness.runtime;

const stats = (): RouterStats => {
  const memory = process.memoryUsage();
  return { rss: memory.rss, heapUsed: memory.heapUsed, queued: decisions.queued, dropped: decisions.dropped };
};

process.on("message", async (message: RouterCommand) => {
  switch (message.cmd) {
    case "cut":
      await proxy.cut();
      break;
    case "restore":
      await proxy.restore();
      break;
    case "drain":
      // Retries until the queue is empty: right after a restore the pool may still be reconnecting.
      for (let tries = 0; decisions.queued > 0 && tries < 100; tries++) {
        await decisions.flush();
        if (decisions.queued > 0) await new Promise((resolve) => setTimeout(resolve, 200));
      }
      break;
    case "gc":
      // Started with --expose-gc: what is still live after a full collection (a leak stays).
      (globalThis as { gc?: () => void }).gc?.();
      break;
    case "close":
      await decisions.flush();
      await harness.close();
      await database.close();
      await proxy.close();
      process.send!({ id: message.id, ...stats() }, () => process.exit(0));
      return;
  }
  process.send!({ id: message.id, ...stats() });
});

process.send!({ ready: harness.url } satisfies RouterMessage);
