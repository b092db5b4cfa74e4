import { expect, test } from "@playwright/test";
import { createTestPostgresDatabase } from "../../server/db/test-databases";
import { closedPort } from "../../server/test-ports";
import { startRouter } from "./router-process";
import { ROUTER_PORT, SIM } from "../ports";

test("with no model server, /health answers 503 'down' and says why", async () => {
  const router = await startRouter(ROUTER_PORT + 10, { DATABASE_URL: "memory://", ROUTER_OLLAMA_URL: `http://127.0.0.1:${await closedPort()}` });
  try {
    const response = await fetch(`${router.url}/health`);
    expect(response.status).toBe(503);
    const health = await response.json();
    expect(health.status).toBe("down");
    expect(health.database).toEqual({ kind: "pglite", reachable: true });
    expect(health.backends).toEqual([expect.objectContaining({ name: "ollama", reachable: false, error: "connection refused" })]);
    expect(health.models_available).toBe(0);
  } finally {
    await router.stop();
  }
});

test("two instances started at the same moment against one Postgres database both come up", async () => {
  const database = await createTestPostgresDatabase();
  const env = { DATABASE_URL: database.url, ROUTER_OLLAMA_URL: SIM };
  const routers = await Promise.all([startRouter(ROUTER_PORT + 11, env), startRouter(ROUTER_PORT + 12, env)]);
  try {
    for (const router of routers) {
      const response = await fetch(`${router.url}/health`);
      expect(response.status, router.output()).toBe(200);
      expect((await response.json()).database).toEqual({ kind: "postgres", reachable: true });
    }
  } finally {
    await Promise.all(routers.map((router) => router.stop()));
    await database.drop();
  }
});
