import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterEach, describe, expect, it } from "vitest";
import { lazyHandler } from "./lazy-handler";
import type { NodeHandler } from "./server";

// Over real HTTP: what a client sees while the lazily built handler (Next) is still loading.

const servers: http.Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function listen(handler: NodeHandler): Promise<string> {
  const server = http.createServer(handler);
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

/** Echoes method, path and body: shows each waiting request reached the built handler intact. */
const echo: NodeHandler = async (req, res) => {
  let body = "";
  for await (const chunk of req) body += chunk;
  res.writeHead(200).end(`${req.method} ${req.url} ${body}`);
};

function deferred<T>() {
  let resolve!: (value: T) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<T>((res, rej) => ((resolve = res), (reject = rej)));
  return { promise, resolve, reject };
}

describe("lazyHandler", () => {
  it("builds once on the first request; requests arriving meanwhile wait and are served in full", async () => {
    const build = deferred<NodeHandler>();
    let builds = 0;
    const url = await listen(
      lazyHandler(() => ((builds += 1), build.promise), () => undefined),
    );
    const first = fetch(`${url}/console`);
    const second = fetch(`${url}/api/trpc/x`, { method: "POST", body: "payload" });
    await expect.poll(() => builds).toBe(1);
    build.resolve(echo);
    expect(await (await first).text()).toBe("GET /console ");
    expect(await (await second).text()).toBe("POST /api/trpc/x payload");
    expect(await (await fetch(`${url}/later`)).text()).toBe("GET /later ");
    expect(builds).toBe(1);
  });

  it("answers 503 while the build fails, reports each failure once, and retries on the next request", async () => {
    const failing = deferred<NodeHandler>();
    const errors: unknown[] = [];
    let builds = 0;
    let arrived = 0;
    const lazy = lazyHandler(
      () => ((builds += 1), builds === 1 ? failing.promise : Promise.resolve(echo)),
      (error) => errors.push(error),
    );
    const url = await listen((req, res) => ((arrived += 1), lazy(req, res)));
    const waiting = [fetch(`${url}/console`), fetch(`${url}/console`)];
    await expect.poll(() => arrived).toBe(2);
    failing.reject(new Error("no build"));
    expect((await Promise.all(waiting)).map((response) => response.status)).toEqual([503, 503]);
    expect(errors).toEqual([new Error("no build")]);
    expect((await fetch(`${url}/console`)).status).toBe(200);
    expect(builds).toBe(2);
  });
});
