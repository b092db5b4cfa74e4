import { afterEach, describe, expect, it, vi } from "vitest";
import type { ChatRequest } from "../backends/types";
import type { RoutingDecision } from "../routing/types";
import { RouterCaches } from "./router-caches";
import { MemoryStore } from "./store";

// The live cache settings: the switch and the lifetime come from the settings last applied,
// the environment's values until then and whenever a setting is not stored.

const DECISION = { ranked: [], candidates: [] } as unknown as RoutingDecision;
const ANSWER = { content: "7", finishReason: "stop" as const, usage: { prompt_tokens: 3, completion_tokens: 1, total_tokens: 4 } };
const REQUEST: ChatRequest = { model: "m", messages: [{ role: "user", content: "Name a prime." }], temperature: 0, stream: false, includeUsage: false };

function caches(enabled = true, ttlSeconds = 3600) {
  return new RouterCaches(new MemoryStore(10), new MemoryStore(10), { enabled, ttlSeconds });
}

afterEach(() => vi.useRealTimers());

describe("live cache settings", () => {
  it("switched off, nothing is read or written; switched on again, earlier entries are found", async () => {
    const cache = caches();
    await cache.setRouting("k", DECISION);
    await cache.setResponse(cache.responseKey(REQUEST)!, ANSWER);
    cache.apply({ cacheEnabled: false });
    expect(cache.enabled).toBe(false);
    expect(await cache.getRouting("k")).toBeUndefined();
    expect(cache.responseKey(REQUEST)).toBeUndefined();
    await cache.setRouting("other", DECISION);
    expect(await cache.routing.size()).toBe(1);
    cache.apply({ cacheEnabled: true });
    expect(await cache.getRouting("k")).toEqual(DECISION);
    expect(await cache.getResponse(cache.responseKey(REQUEST)!)).toEqual(ANSWER);
    expect(await cache.getRouting("other")).toBeUndefined();
  });

  it("without stored values the environment's switch applies", () => {
    const cache = caches(false);
    expect(cache.enabled).toBe(false);
    cache.apply({ cacheEnabled: true });
    expect(cache.enabled).toBe(true);
    cache.apply({});
    expect(cache.enabled).toBe(false);
  });

  it("new entries live for the applied lifetime, not the environment's", async () => {
    vi.useFakeTimers({ toFake: ["Date"], now: 0 });
    const cache = caches(true, 3600);
    cache.apply({ cacheTtlSeconds: 60 });
    await cache.setRouting("short", DECISION);
    cache.apply({});
    await cache.setRouting("long", DECISION);
    vi.setSystemTime(59_000);
    expect(await cache.getRouting("short")).toEqual(DECISION);
    vi.setSystemTime(61_000);
    expect(await cache.getRouting("short")).toBeUndefined();
    expect(await cache.getRouting("long")).toEqual(DECISION);
    vi.setSystemTime(3_601_000);
    expect(await cache.getRouting("long")).toBeUndefined();
  });
});

describe("answers being stored", () => {
  it("settled() waits for every answer still being written, and for nothing once they are", async () => {
    const store = new MemoryStore(10);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const set = store.set.bind(store);
    store.set = async (...args: Parameters<MemoryStore["set"]>) => {
      await gate;
      return set(...args);
    };
    const cache = new RouterCaches(new MemoryStore(10), store, { enabled: true, ttlSeconds: 3600 });
    const key = cache.responseKey(REQUEST)!;
    void cache.setResponse(key, ANSWER); // as the gateway does: the response does not wait
    let settled = false;
    const waiting = cache.settled().then(() => (settled = true));
    await new Promise((resolve) => setImmediate(resolve));
    expect(settled).toBe(false);
    release();
    await waiting;
    expect(await cache.getResponse(key)).toEqual(ANSWER);
    await cache.settled();
  });
});
