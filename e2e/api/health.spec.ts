import { expect, test } from "@playwright/test";

import { SIM } from "../ports";
test("/health reports the database, the simulated fleet and its models", async ({ request }) => {
  const fleet = await (await request.get(`${SIM}/api/tags`)).json();
  const response = await request.get("/health");
  expect(response.status()).toBe(200);
  const health = await response.json();
  expect(health.status).toBe("ok");
  expect(health.database).toEqual({ kind: "pglite", reachable: true });
  expect(health.backends).toEqual([expect.objectContaining({ name: "ollama", kind: "ollama", reachable: true, models: fleet.models.length })]);
  expect(health.models_available).toBe(fleet.models.length);
  expect(health.version).toMatch(/^\d+\.\d+\.\d+/);
  expect(health.uptime_seconds).toBeGreaterThanOrEqual(0);
});

test("/metrics serves the Prometheus text format", async ({ request }) => {
  const response = await request.get("/metrics");
  expect(response.status()).toBe(200);
  expect(response.headers()["content-type"]).toContain("text/plain");
  expect(await response.text()).toMatch(/^# HELP process_cpu_user_seconds_total/m);
});
