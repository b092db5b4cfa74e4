import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { FaultInput } from "./config";
import { parseFaultList } from "./faults";
import type { Simulator } from "./server";
import { chatBody, eventually, getJson, ndjsonLines, post, postJson, sseData, startTestSimulator } from "./test-support";

type Json = Record<string, unknown>;
type SimState = { activeRequests: number; abortedRequests: number; stalledRequests: number; faults: Json[] };

let sim: Simulator;

beforeAll(async () => {
  sim = await startTestSimulator();
});
afterAll(() => sim.close());
beforeEach(async () => {
  await post(sim.url, "/__sim/reset", {});
});

async function setFaults(faults: FaultInput[]): Promise<void> {
  const res = await post(sim.url, "/__sim/faults", { faults });
  expect(res.status).toBe(200);
}

const state = (): Promise<SimState> => getJson<SimState>(sim.url, "/__sim/state");
const chat = (model = "small:1b", extra: Json = {}): Promise<Response> => post(sim.url, "/api/chat", chatBody(model, "Tell me about rivers", { stream: false, ...extra }));

describe("status faults", () => {
  it("returns the configured status in each API's error shape", async () => {
    await setFaults([{ status: 500 }]);
    const ollama = await chat();
    expect(ollama.status).toBe(500);
    expect(await ollama.json()).toEqual({ error: "internal server error (simulated fault)" });
    const openai = await postJson(sim.url, "/v1/chat/completions", chatBody("small:1b", "hi"));
    expect(openai).toEqual({ status: 500, body: { error: { message: "internal server error (simulated fault)", type: "server_error", param: null, code: null } } });
  });

  it("sends Retry-After with a 429", async () => {
    await setFaults([{ status: 429, retryAfterS: 7, message: "slow down" }]);
    const res = await post(sim.url, "/v1/chat/completions", chatBody("small:1b", "hi"));
    expect(res.status).toBe(429);
    expect(res.headers.get("retry-after")).toBe("7");
    expect(await res.json()).toEqual({ error: { message: "slow down", type: "requests", param: null, code: "rate_limit_exceeded" } });
  });

  it("applies a fault at its rate, reproducibly", async () => {
    const pattern = async (): Promise<number[]> => {
      await setFaults([{ status: 503, rate: 0.5 }]);
      const statuses: number[] = [];
      for (let i = 0; i < 40; i++) statuses.push((await chat()).status);
      return statuses;
    };
    const first = await pattern();
    const failures = first.filter((s) => s === 503).length;
    expect(failures).toBeGreaterThan(8);
    expect(failures).toBeLessThan(32);
    expect(first.filter((s) => s === 200).length).toBe(40 - failures);
    expect(await pattern()).toEqual(first); // replacing the faults restarts the seeded sequence
  });

  it("applies only `count` times, and only within its model and API scope", async () => {
    await setFaults([{ status: 500, count: 2, model: "small:1b", api: "ollama" }]);
    expect((await chat("big:14b")).status).toBe(200);
    expect((await post(sim.url, "/v1/chat/completions", chatBody("small:1b", "hi"))).status).toBe(200);
    expect([(await chat()).status, (await chat()).status, (await chat()).status]).toEqual([500, 500, 200]);
  });

  it("targets a model-less endpoint by path", async () => {
    await setFaults([{ path: "/api/tags", status: 503 }]);
    expect((await fetch(`${sim.url}/api/tags`)).status).toBe(503);
    expect((await fetch(`${sim.url}/api/ps`)).status).toBe(200);
    expect((await chat()).status).toBe(200);
  });

  it("validates runtime fault updates and can list and clear them", async () => {
    const bad = await postJson(sim.url, "/__sim/faults", [{ status: 200 }]);
    expect(bad.status).toBe(400);
    expect(bad.body.error).toMatch(/status/);
    await setFaults([{ status: 500, count: 3 }]);
    expect((await getJson<{ faults: Json[] }>(sim.url, "/__sim/faults")).faults).toEqual([expect.objectContaining({ status: 500, remaining: 3 })]);
    await fetch(`${sim.url}/__sim/faults`, { method: "DELETE" });
    expect((await state()).faults).toEqual([]);
    expect((await chat()).status).toBe(200);
  });

  it("starts with the faults from the config file", async () => {
    const faulty = await startTestSimulator({ faults: [{ model: "big:14b", status: 502 }] });
    try {
      expect((await post(faulty.url, "/api/generate", { model: "big:14b", prompt: "hi", stream: false })).status).toBe(502);
      expect((await post(faulty.url, "/api/generate", { model: "small:1b", prompt: "hi", stream: false })).status).toBe(200);
    } finally {
      await faulty.close();
    }
  });
});

describe("stalls, slow loads and disconnects", () => {
  it("stalls for stallMs before answering", async () => {
    await setFaults([{ stallMs: 150 }]);
    const started = performance.now();
    expect((await chat()).status).toBe(200);
    expect(performance.now() - started).toBeGreaterThanOrEqual(140);
  });

  it("stalls forever until the client gives up, then lets go", async () => {
    await setFaults([{ stallMs: "forever" }]);
    const controller = new AbortController();
    const aborted = post(sim.url, "/api/chat", chatBody("small:1b", "hi"), { signal: controller.signal }).catch((error: Error) => error.name);
    await eventually(async () => (await state()).stalledRequests === 1);
    controller.abort();
    expect(await aborted).toBe("AbortError");
    await eventually(async () => (await state()).stalledRequests === 0);
    await fetch(`${sim.url}/__sim/faults`, { method: "DELETE" });
    expect((await chat()).status).toBe(200);
  });

  it("adds slowLoadMs to the load time", async () => {
    await setFaults([{ slowLoadMs: 120, model: "small:1b" }]);
    const started = performance.now();
    const body = (await (await chat()).json()) as Json;
    expect(performance.now() - started).toBeGreaterThanOrEqual(110);
    expect(body.load_duration).toBe((500 + 120) * 1e6);
  });

  it("stops generating when the client disconnects mid-stream", async () => {
    // 10 tokens/s: any reply takes well over a second, so finishing within 300 ms means it was stopped
    const slow = await startTestSimulator({ timeScale: 1, models: [{ name: "slow:1b", tokensPerSecond: 10, ttftMs: 0, loadMs: 0 }] });
    try {
      const controller = new AbortController();
      const res = await post(slow.url, "/api/chat", chatBody("slow:1b", "Tell me a long story about rivers"), { signal: controller.signal });
      await (res.body as ReadableStream<Uint8Array>).getReader().read();
      expect((await getJson<SimState>(slow.url, "/__sim/state")).activeRequests).toBe(1);
      controller.abort();
      await eventually(async () => {
        const now = await getJson<SimState>(slow.url, "/__sim/state");
        return now.activeRequests === 0 && now.abortedRequests === 1;
      }, 300);
    } finally {
      await slow.close();
    }
  });
});

describe("broken streams", () => {
  it("cuts an NDJSON stream after N chunks with no final object", async () => {
    await setFaults([{ cutAfterChunks: 3 }]);
    const res = await post(sim.url, "/api/chat", chatBody("small:1b", "Tell me about rivers"));
    expect(res.status).toBe(200);
    const reader = (res.body as ReadableStream<Uint8Array>).getReader();
    let text = "";
    const failure = await (async () => {
      for (;;) {
        const { done, value } = await reader.read();
        if (done) return undefined;
        text += new TextDecoder().decode(value);
      }
    })().catch((error: Error) => error);
    expect(failure).toBeInstanceOf(Error);
    const lines = text.split("\n").filter(Boolean);
    expect(lines).toHaveLength(3);
    expect(lines.every((line) => (JSON.parse(line) as Json).done === false)).toBe(true);
  });

  it("drops the connection for a non-streaming request under cutAfterChunks", async () => {
    await setFaults([{ cutAfterChunks: 0 }]);
    await expect(chat()).rejects.toThrow();
  });

  it("inserts a malformed NDJSON line at chunk N and carries on", async () => {
    await setFaults([{ malformedChunk: 2 }]);
    const lines = await ndjsonLines(await post(sim.url, "/api/chat", chatBody("small:1b", "Tell me about rivers")));
    const invalid = lines.map((line, index) => ({ index, ok: isJson(line) })).filter((l) => !l.ok);
    expect(invalid.map((l) => l.index)).toEqual([1]);
    expect((JSON.parse(lines.at(-1) as string) as Json).done).toBe(true);
  });

  it("inserts a malformed SSE event, and truncates a non-streaming body", async () => {
    await setFaults([{ malformedChunk: 3, api: "openai" }]);
    const events = await sseData(await post(sim.url, "/v1/chat/completions", chatBody("small:1b", "hi", { stream: true })));
    expect(events.filter((e) => e !== "[DONE]" && !isJson(e))).toHaveLength(1);
    expect(isJson(events[2])).toBe(false);
    expect(events.at(-1)).toBe("[DONE]");
    await setFaults([{ malformedChunk: 1 }]);
    expect(isJson(await (await chat()).text())).toBe(false);
  });
});

describe("parseFaultList", () => {
  it.each([
    [[{ status: 500 }], 1],
    [{ faults: [{ status: 500 }, { stallMs: "forever" }] }, 2],
    [{ cutAfterChunks: 2, model: "x" }, 1],
  ])("accepts %j", (input, count) => {
    expect(parseFaultList(input)).toHaveLength(count);
  });

  it.each([[[{ rate: 2, status: 500 }]], [[{ model: "x" }]], [[{ status: 500, bogus: true }]]])("rejects %j", (input) => {
    expect(() => parseFaultList(input)).toThrow(/invalid faults/);
  });
});

function isJson(text: string): boolean {
  try {
    JSON.parse(text);
    return true;
  } catch {
    return false;
  }
}
