import { afterEach, expect, it } from "vitest";
import { configuredBackends } from "../config/backends";
import { parseConfig } from "../config/env";
import { createLogger } from "../observability/logger";
import { startSimulator, type Simulator } from "../simulator/server";
import { closedPort } from "../test-ports";
import { ModelRegistry } from "./registry";

// The registry over real fleets: two Ollama servers that share a model name.

const silent = createLogger({ level: "CRITICAL", format: "text", write: () => {} });
const fleets: Simulator[] = [];
afterEach(async () => {
  for (const fleet of fleets.splice(0)) await fleet.close();
});

async function fleet(models: string[], port = 0): Promise<Simulator> {
  const sim = await startSimulator({ port, timeScale: 0, config: { models: models.map((name) => ({ name })) } });
  fleets.push(sim);
  return sim;
}

function registryOver(...urls: string[]): ModelRegistry {
  const backends = urls.map((url, index) => ({ name: `b${index + 1}`, kind: "ollama", url }));
  return new ModelRegistry(configuredBackends(parseConfig({ ROUTER_BACKENDS: JSON.stringify(backends) })), silent);
}

it("lists a name two backends serve once, the first backend's while it is reachable, the other's while it is not", async () => {
  const first = await fleet(["shared:7b", "only-first:3b"]);
  const second = await fleet(["shared:7b", "only-second:1b"]);
  const registry = registryOver(first.url, second.url);
  await registry.refresh();
  expect(registry.models().map((model) => [model.name, model.backend])).toEqual([
    ["shared:7b", "b1"],
    ["only-first:3b", "b1"],
    ["only-second:1b", "b2"],
  ]);
  expect(registry.find("shared:7b")?.backend).toBe("b1");

  await first.close();
  fleets.splice(fleets.indexOf(first), 1);
  await registry.refresh();
  expect(registry.find("shared:7b")).toMatchObject({ backend: "b2", reachable: true });
  expect(registry.find("only-first:3b")).toMatchObject({ backend: "b1", reachable: false });
  expect(registry.models().map((model) => model.name)).toEqual(["shared:7b", "only-first:3b", "only-second:1b"]);
});

it("finds a model on a backend that missed its last poll without waiting for the next one", async () => {
  const port = await closedPort();
  const registry = registryOver(`http://127.0.0.1:${port}`);
  await registry.refresh();
  expect(registry.models()).toEqual([]);
  await fleet(["late:7b"], port);
  // The list was refreshed a moment ago, so a plain age check would not look again.
  await registry.ensureFresh(60_000);
  expect(registry.find("late:7b")).toBeUndefined();
  expect(await registry.findFresh("late:7b", 60_000)).toMatchObject({ name: "late:7b", backend: "b1", reachable: true });
  // A name no backend serves is still unknown, and asks again only while a backend is failing.
  expect(await registry.findFresh("nowhere:1b", 60_000)).toBeUndefined();
});
