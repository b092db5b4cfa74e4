import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BackendConfig } from "./config/backends";
import { parseConfig } from "./config/env";
import { migrateDatabase, openDatabase, type DatabaseHandle } from "./db";
import { modelProfiles, profilingJobs } from "./db/schema";
import { checkHealth, healthHttpStatus } from "./health";
import { createLogger } from "./observability/logger";
import { assembleRuntime, type Runtime } from "./runtime";
import { startSimulator, type Simulator } from "./simulator/server";
import { closedPort } from "./test-ports";

let database: DatabaseHandle;
let simulator: Simulator;
let fleetModels: string[];
let dead: BackendConfig;

beforeAll(async () => {
  [database, simulator] = await Promise.all([openDatabase("memory://"), startSimulator({ port: 0, timeScale: 0 })]);
  await migrateDatabase(database);
  const tags = (await (await fetch(`${simulator.url}/api/tags`)).json()) as { models: { name: string }[] };
  fleetModels = tags.models.map((model) => model.name);
  dead = { name: "gone", kind: "ollama", url: `http://127.0.0.1:${await closedPort()}`, modelPrefix: "" };
});

afterAll(async () => {
  await Promise.all([database?.close(), simulator?.close()]);
});

const silent = createLogger({ level: "CRITICAL", format: "text", write: () => {} });

function runtimeWith(backends: BackendConfig[], db: DatabaseHandle = database): Runtime {
  const runtime = assembleRuntime({ config: parseConfig({}), logger: silent, database: db, startedAt: new Date(Date.now() - 5000) });
  return { ...runtime, backends };
}

const fleet = (): BackendConfig => ({ name: "sim", kind: "ollama", url: simulator.url, modelPrefix: "" });
const fleetOpenAI = (apiKey?: string): BackendConfig => ({ name: "sim-openai", kind: "openai", url: `${simulator.url}/v1`, apiKey, modelPrefix: "" });

describe("checkHealth", () => {
  it("is ok with the fleet's model count when every backend answers", async () => {
    const report = await checkHealth(runtimeWith([fleet(), fleetOpenAI()]));
    expect(report.status).toBe("ok");
    expect(healthHttpStatus(report)).toBe(200);
    expect(report.models_available).toBe(fleetModels.length);
    expect(report.backends.map((backend) => [backend.name, backend.reachable, backend.models])).toEqual([
      ["sim", true, fleetModels.length],
      ["sim-openai", true, fleetModels.length],
    ]);
    expect(report.database).toEqual({ kind: "pglite", reachable: true });
    expect(report.backend_connected).toBe(true);
    expect(report.uptime_seconds).toBeGreaterThanOrEqual(5);
  });

  it("is degraded, still 200, when one of several backends is down", async () => {
    const report = await checkHealth(runtimeWith([fleet(), dead]));
    expect(report.status).toBe("degraded");
    expect(healthHttpStatus(report)).toBe(200);
    expect(report.backends[1]).toMatchObject({ name: "gone", reachable: false, error: "connection refused", models: 0 });
  });

  it("is down with 503 when nothing can be routed", async () => {
    const report = await checkHealth(runtimeWith([dead]));
    expect(report.status).toBe("down");
    expect(healthHttpStatus(report)).toBe(503);
    expect(report.models_available).toBe(0);
    expect(report.backend_connected).toBe(false);
  });

  it("names an authentication failure and never shows the key or URL credentials", async () => {
    const secured = await startSimulator({ port: 0, timeScale: 0, apiKey: "right-key" });
    try {
      const backend: BackendConfig = { name: "cloud", kind: "openai", url: `${secured.url.replace("://", "://user:pw@")}/v1`, apiKey: "wrong-key", modelPrefix: "" };
      const report = await checkHealth(runtimeWith([backend]));
      expect(report.backends[0]).toMatchObject({ reachable: false, error: "HTTP 401" });
      expect(JSON.stringify(report)).not.toMatch(/wrong-key|user:pw/);
    } finally {
      await secured.close();
    }
  });

  it("is degraded when the database is unreachable", async () => {
    const unreachable = await openDatabase("postgres://postgres@127.0.0.1:1/none", { connectTimeoutSeconds: 1 });
    try {
      const report = await checkHealth(runtimeWith([fleet()], unreachable));
      expect(report.status).toBe("degraded");
      expect(report.database).toEqual({ kind: "postgres", reachable: false });
      expect(report.profiling.state).toBe("unknown");
    } finally {
      await unreachable.close();
    }
  });

  it("reports profiling progress from the database", async () => {
    const runtime = runtimeWith([fleet()]);
    expect((await checkHealth(runtime)).profiling).toEqual({ state: "idle", profiled_models: 0, queued_or_running_jobs: 0 });
    await database.db.insert(modelProfiles).values([
      { name: fleetModels[0], backend: "sim", lastProfiled: new Date() },
      { name: "not-in-the-fleet:1b", backend: "sim", lastProfiled: new Date() },
    ]);
    await database.db.insert(profilingJobs).values({ status: "running", models: [fleetModels[1]] });
    const report = await checkHealth(runtimeWith([fleet()]));
    expect(report.profiling).toEqual({ state: "running", profiled_models: 1, queued_or_running_jobs: 1 });
    expect(report.profiling_complete).toBe(false);
  });
});
