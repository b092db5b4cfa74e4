import { once } from "node:events";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createLogger } from "../observability/logger";
import { connectRedis, MemoryStore, RedisStore, type CacheStore } from "./store";

// Both cache stores remove by key prefix and clear only their own entries. Redis at REDIS_URL's
// usual place; each run uses its own namespace, so nothing another test or router wrote is touched.

const redis = connectRedis(process.env.TEST_REDIS_URL || "redis://127.0.0.1:6379");
const logger = createLogger({ level: "CRITICAL", format: "text", write: () => {} });
const namespace = `smarterrouter-test:${process.pid}:${Date.now()}:`;
let stores = 0;

beforeAll(async () => {
  if (redis.status !== "ready") await once(redis, "ready");
});
afterAll(async () => {
  // Whatever a failed test left behind, by SCAN on this run's namespace only.
  await new RedisStore(redis, namespace, logger).clear();
  redis.disconnect();
});

const STORES: [string, () => CacheStore][] = [
  ["memory", () => new MemoryStore(100)],
  ["redis", () => new RedisStore(redis, `${namespace}${(stores += 1)}:`, logger)],
];

describe.each(STORES)("%s store", (_kind, create) => {
  it("deletePrefix removes exactly the keys that start with the prefix, glob characters taken literally", async () => {
    const store = create();
    for (const key of ["a*.1", "a*.2", "ab.1", "a.1", "[a].1", "b.1"]) await store.set(key, key, 60_000);
    expect(await store.deletePrefix("a*.")).toBe(2);
    expect(await store.deletePrefix("[a].")).toBe(1);
    expect(await store.deletePrefix("zz")).toBe(0);
    expect(await store.get("ab.1")).toBe("ab.1");
    expect(await store.get("a.1")).toBe("a.1");
    expect(await store.get("a*.1")).toBeUndefined();
    expect(await store.size()).toBe(3);
  });

  it("clear empties this store and leaves another store's entries", async () => {
    const [mine, other] = [create(), create()];
    await mine.set("k1", "1", 60_000);
    await mine.set("k2", "2", 60_000);
    await other.set("k1", "kept", 60_000);
    expect(await mine.clear()).toBe(2);
    expect(await mine.size()).toBe(0);
    expect(await other.get("k1")).toBe("kept");
  });
});

it("a Redis store's clear leaves every key outside its namespace, even where its namespace holds glob characters", async () => {
  const foreign = [`${namespace}ox:1`, `${namespace}o:1`, `${namespace}other`];
  for (const key of foreign) await redis.set(key, "foreign", "PX", 60_000);
  const store = new RedisStore(redis, `${namespace}o*:`, logger);
  await store.set("1", "mine", 60_000);
  expect(await store.clear()).toBe(1);
  expect(await redis.mget(...foreign)).toEqual(["foreign", "foreign", "foreign"]);
  await redis.del(...foreign);
});
