// Test-only: a TCP proxy in front of a server (Postgres, Redis) that a test can cut and restore,
// so "the database went away" is a real network fault, not a mocked one.
import { createConnection, createServer, type Socket } from "node:net";
import type { AddressInfo } from "node:net";

export type TcpProxy = {
  port: number;
  /** `url` with its host and port replaced by the proxy's. */
  via: (url: string) => string;
  /** Drops every open connection and stops listening, so new ones are refused (as a stopped server). */
  cut: () => Promise<void>;
  /** Listens on the same port again. */
  restore: () => Promise<void>;
  close: () => Promise<void>;
};

export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<Socket>();
  const server = createServer((client) => {
    const upstream = createConnection(target);
    for (const socket of [client, upstream]) {
      sockets.add(socket);
      socket.on("close", () => sockets.delete(socket));
      socket.on("error", () => {
        client.destroy();
        upstream.destroy();
      });
    }
    client.pipe(upstream).pipe(client);
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  const dropAll = () => {
    for (const socket of sockets) socket.destroy();
  };
  return {
    port,
    via: (url) => {
      const parsed = new URL(url);
      parsed.hostname = "127.0.0.1";
      parsed.port = String(port);
      return parsed.toString();
    },
    cut: async () => {
      const closed = new Promise((resolve) => server.close(resolve));
      dropAll();
      await closed;
    },
    restore: () => new Promise<void>((resolve) => server.listen(port, "127.0.0.1", resolve)),
    close: async () => {
      const closed = server.listening ? new Promise((resolve) => server.close(resolve)) : undefined;
      dropAll();
      await closed;
    },
  };
}
