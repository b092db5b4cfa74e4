import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Simulator } from "../simulator/server";
import { adapterFor, chatRequest, closedPortUrl, control, doneOf, drain, eventually, KINDS, runChat, startFleet, startSlowFleet, textOf, WEATHER_TOOL } from "./test-support";
import { BackendFailure } from "./types";

// Behaviour every adapter kind shares, over real HTTP against the simulated fleet.

let sim: Simulator;
let slow: Simulator;
let fleet: ReturnType<typeof control>;
let slowFleet: ReturnType<typeof control>;

beforeAll(async () => {
  [sim, slow] = await Promise.all([startFleet(), startSlowFleet()]);
  fleet = control(sim);
  slowFleet = control(slow);
});
afterAll(() => Promise.all([sim.close(), slow.close()]));
beforeEach(() => Promise.all([fleet.reset(), slowFleet.reset()]));

const MODEL = "llama3.1:8b";
const signal = () => new AbortController().signal;

describe.each(KINDS)("%s adapter", (kind) => {
  const chatPath = kind === "ollama" ? "/api/chat" : "/v1/chat/completions";

  it("answers a non-streaming chat with one delta and one done", async () => {
    const { events, failure } = await runChat(adapterFor(kind, sim.url), chatRequest(MODEL, "Tell me about rivers"));
    expect(failure).toBeUndefined();
    expect(events.map((e) => e.type)).toEqual(["delta", "done"]);
    expect(textOf(events).length).toBeGreaterThan(10);
    expect(events[1]).toMatchObject({ type: "done", finishReason: "stop", usage: { prompt_tokens: expect.any(Number), completion_tokens: expect.any(Number) } });
    expect(doneOf(events)[0]).not.toHaveProperty("usage.estimated");
  });

  it("streams deltas, then exactly one done carrying the server's token counts", async () => {
    const adapter = adapterFor(kind, sim.url);
    const { events, failure } = await runChat(adapter, chatRequest(MODEL, "Tell me about rivers", { stream: true }));
    expect(failure).toBeUndefined();
    expect(doneOf(events)).toHaveLength(1);
    expect(events.at(-1)?.type).toBe("done");
    const deltas = events.filter((e) => e.type === "delta");
    expect(deltas.length).toBeGreaterThan(3);

    // the same request without streaming is answered identically (the fleet is deterministic)
    const sent = await fleet.lastBody(chatPath);
    const reference = await fleet.raw(chatPath, { ...sent, stream: false, stream_options: undefined });
    const usage = doneOf(events)[0].usage;
    if (kind === "ollama") {
      expect(usage).toEqual({ prompt_tokens: reference.prompt_eval_count, completion_tokens: reference.eval_count, total_tokens: Number(reference.prompt_eval_count) + Number(reference.eval_count) });
      expect(textOf(events)).toBe((reference.message as { content: string }).content);
    } else {
      expect(usage).toEqual(reference.usage);
      expect(textOf(events)).toBe((reference.choices as Array<{ message: { content: string } }>)[0].message.content);
    }
  });

  it("applies the model prefix once", async () => {
    const adapter = adapterFor(kind, slow.url, { modelPrefix: "lab/" });
    for (const model of ["tiny:1b", "lab/tiny:1b"]) {
      const { failure } = await runChat(adapter, chatRequest(model, "hi"));
      expect(failure).toBeUndefined();
      expect((await slowFleet.lastBody(chatPath)).model).toBe("lab/tiny:1b");
    }
    const embed = await adapterFor(kind, sim.url, { modelPrefix: "nomic-" }).embed({ model: "embed-text:latest", input: ["x"] }, { signal: signal() });
    expect(embed.ok).toBe(true);
  });

  it("returns tool calls with an id, a name and JSON-text arguments, and accepts the follow-up", async () => {
    const adapter = adapterFor(kind, sim.url);
    const ask = chatRequest("qwen2.5-coder:14b", "What is the weather in Paris today?", { stream: true, tools: [WEATHER_TOOL] });
    const first = await runChat(adapter, ask);
    expect(doneOf(first.events)[0].finishReason).toBe("tool_calls");
    // streamed fragments joined by index, as a client would
    const calls = new Map<number, { id?: string; name: string; args: string }>();
    for (const event of first.events) {
      for (const part of event.type === "delta" ? (event.toolCalls ?? []) : []) {
        const call = calls.get(part.index) ?? { name: "", args: "" };
        calls.set(part.index, { id: call.id ?? part.id, name: call.name + (part.function?.name ?? ""), args: call.args + (part.function?.arguments ?? "") });
      }
    }
    const [call] = [...calls.values()];
    expect(calls.size).toBe(1);
    expect(call.id).toMatch(/^call_\w+/);
    expect(call.name).toBe("get_weather");
    expect(JSON.parse(call.args)).toMatchObject({ city: "Paris" });

    const followUp = await runChat(adapter, {
      ...ask,
      stream: false,
      messages: [
        ...ask.messages,
        { role: "assistant", content: null, tool_calls: [{ id: call.id ?? "", type: "function", function: { name: call.name, arguments: call.args } }] },
        { role: "tool", tool_call_id: call.id ?? "", content: "18 degrees and sunny" },
      ],
    });
    expect(followUp.failure).toBeUndefined();
    expect(textOf(followUp.events)).toContain("18 degrees and sunny");
    expect(doneOf(followUp.events)[0].finishReason).toBe("stop");
  });

  it("returns parseable JSON in JSON mode", async () => {
    const { events } = await runChat(adapterFor(kind, sim.url), chatRequest(MODEL, "What is 6 * 7?", { response_format: { type: "json_object" } }));
    expect(JSON.parse(textOf(events))).toEqual({ answer: expect.any(Number) });
  });

  it("embeds in input order, with the prompt token count", async () => {
    const adapter = adapterFor(kind, sim.url);
    const result = await adapter.embed({ model: "nomic-embed-text:latest", input: ["hello world", "a cat", "zebra"] }, { signal: signal() });
    expect(result.ok && result.value.embeddings.map((e) => e.length)).toEqual([768, 768, 768]);
    expect(result.ok && result.value.promptTokens).toBe(3 + 2 + 2);
    const single = await adapter.embed({ model: "nomic-embed-text:latest", input: ["a cat"], dimensions: 64 }, { signal: signal() });
    expect(single.ok && single.value.embeddings[0].length).toBe(64);
    expect(result.ok && single.ok && result.value.embeddings[1].slice(0, 3)).not.toEqual(single.ok && single.value.embeddings[0].slice(0, 3));
  });

  describe("errors", () => {
    it("reports a 500 with the server's message", async () => {
      await fleet.faults([{ model: MODEL, status: 500, message: "CUDA out of memory" }]);
      const result = await adapterFor(kind, sim.url).chat(chatRequest(MODEL, "hi", { stream: true }), { signal: signal() });
      expect(result).toEqual({ ok: false, error: { kind: "http", status: 500, message: "CUDA out of memory" } });
    });

    it("reports a 429 with Retry-After", async () => {
      await fleet.faults([{ model: MODEL, status: 429, retryAfterS: 7 }]);
      const result = await adapterFor(kind, sim.url).chat(chatRequest(MODEL, "hi"), { signal: signal() });
      expect(result).toMatchObject({ ok: false, error: { kind: "http", status: 429, retryAfterSeconds: 7 } });
    });

    it("reports the server's 400 for a request the model cannot serve", async () => {
      const result = await adapterFor(kind, sim.url).chat(chatRequest("deepseek-r1:14b", "hi", { tools: [WEATHER_TOOL] }), { signal: signal() });
      expect(result).toMatchObject({ ok: false, error: { kind: "http", status: 400, message: expect.stringContaining("does not support tools") } });
    });

    it("reports a refused connection as connect, without the URL", async () => {
      const url = await closedPortUrl();
      const result = await adapterFor(kind, url).chat(chatRequest(MODEL, "hi"), { signal: signal() });
      expect(result).toEqual({ ok: false, error: { kind: "connect", message: "connection refused" } });
      const embed = await adapterFor(kind, url).embed({ model: "e", input: ["x"] }, { signal: signal() });
      expect(embed).toMatchObject({ ok: false, error: { kind: "connect" } });
    });

    it("reports a stalled backend as timeout when the gateway's timeout fires", async () => {
      await fleet.faults([{ model: MODEL, stallMs: "forever" }]);
      const result = await adapterFor(kind, sim.url).chat(chatRequest(MODEL, "hi", { stream: true }), { signal: AbortSignal.timeout(100) });
      expect(result).toMatchObject({ ok: false, error: { kind: "timeout" } });
    });

    it("stops reading and cancels the upstream request when the client aborts mid-stream", async () => {
      const before = (await slowFleet.state()).abortedRequests;
      const controller = new AbortController();
      const result = await adapterFor(kind, slow.url).chat(chatRequest("slow:1b", "Tell me a long story", { stream: true }), { signal: controller.signal });
      if (!result.ok) throw new Error(result.error.message);
      const iterator = result.value[Symbol.asyncIterator]();
      expect((await iterator.next()).value).toMatchObject({ type: "delta" });
      controller.abort();
      const next = iterator.next();
      await expect(next).rejects.toBeInstanceOf(BackendFailure);
      await expect(next).rejects.toMatchObject({ error: { kind: "aborted" } });
      await eventually(async () => {
        const state = await slowFleet.state();
        return state.abortedRequests === before + 1 && state.activeRequests === 0;
      });
    });

    it("cancels the upstream request when the consumer stops iterating", async () => {
      const before = (await slowFleet.state()).abortedRequests;
      const result = await adapterFor(kind, slow.url).chat(chatRequest("slow:1b", "Tell me a long story", { stream: true }), { signal: signal() });
      if (!result.ok) throw new Error(result.error.message);
      for await (const event of result.value) if (event.type === "delta") break;
      await eventually(async () => (await slowFleet.state()).abortedRequests === before + 1);
    });

    it("reports a timeout during the stream as a timeout failure", async () => {
      const result = await adapterFor(kind, slow.url).chat(chatRequest("slow:1b", "Tell me a long story", { stream: true }), { signal: AbortSignal.timeout(150) });
      if (!result.ok) throw new Error(result.error.message);
      const { events, failure } = await drain(result.value);
      expect(events.length).toBeGreaterThan(0);
      expect(failure).toMatchObject({ kind: "timeout" });
    });

    it("throws a protocol failure when the stream is cut", async () => {
      await fleet.faults([{ model: MODEL, cutAfterChunks: 3 }]);
      const { events, failure } = await runChat(adapterFor(kind, sim.url), chatRequest(MODEL, "Tell me about rivers", { stream: true }));
      expect(failure).toMatchObject({ kind: "protocol", message: expect.stringContaining("stream ended early") });
      expect(doneOf(events)).toHaveLength(0);
    });

    it("reports a connection dropped before the answer as connect", async () => {
      await fleet.faults([{ model: MODEL, cutAfterChunks: 0 }]);
      const result = await adapterFor(kind, sim.url).chat(chatRequest(MODEL, "hi"), { signal: signal() });
      expect(result).toEqual({ ok: false, error: { kind: "connect", message: "the backend closed the connection" } });
    });

    it("throws a protocol failure on a malformed chunk", async () => {
      await fleet.faults([{ model: MODEL, malformedChunk: 2 }]);
      const { events, failure } = await runChat(adapterFor(kind, sim.url), chatRequest(MODEL, "Tell me about rivers", { stream: true }));
      expect(failure).toMatchObject({ kind: "protocol", message: expect.stringContaining("malformed") });
      expect(doneOf(events)).toHaveLength(0);
    });

    it("returns a protocol error for a malformed non-streaming body", async () => {
      await fleet.faults([{ model: MODEL, malformedChunk: 1 }]);
      const result = await adapterFor(kind, sim.url).chat(chatRequest(MODEL, "hi"), { signal: signal() });
      expect(result).toEqual({ ok: false, error: { kind: "protocol", message: "invalid JSON from backend" } });
    });
  });
});
