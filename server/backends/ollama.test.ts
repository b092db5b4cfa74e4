import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Simulator } from "../simulator/server";
import { adapterFor, chatRequest, control, doneOf, runChat, startFleet, startScripted, textOf, WEATHER_TOOL } from "./test-support";
import type { ChatRequest } from "./types";

let sim: Simulator;
let fleet: ReturnType<typeof control>;

beforeAll(async () => {
  sim = await startFleet();
  fleet = control(sim);
});
afterAll(() => sim.close());
beforeEach(() => fleet.reset());

const signal = () => new AbortController().signal;
const PIXEL = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==";

describe("ollama request mapping (as the simulator received it)", () => {
  it("puts sampling settings under options, max_tokens as num_predict, keep_alive top-level, and drops what Ollama lacks", async () => {
    const request: ChatRequest = chatRequest("llama3.1:8b", "Tell me about rivers", {
      temperature: 0.3,
      top_p: 0.9,
      seed: 11,
      presence_penalty: 0.1,
      frequency_penalty: 0.2,
      max_tokens: 5,
      stop: ["\n\n", "END"],
      keepAlive: "10m",
      n: 2,
      logit_bias: { "42": 1 },
      logprobs: true,
      top_logprobs: 3,
      user: "u-1",
      parallel_tool_calls: false,
    });
    const { events } = await runChat(adapterFor("ollama", sim.url), request);
    expect(await fleet.lastBody("/api/chat")).toEqual({
      model: "llama3.1:8b",
      messages: [{ role: "user", content: "Tell me about rivers" }],
      stream: false,
      options: { temperature: 0.3, top_p: 0.9, seed: 11, presence_penalty: 0.1, frequency_penalty: 0.2, num_predict: 5, stop: ["\n\n", "END"] },
      keep_alive: "10m",
    });
    // num_predict took effect: the model stopped at 5 tokens
    expect(doneOf(events)[0]).toMatchObject({ finishReason: "length", usage: { completion_tokens: 5 } });
  });

  it("sends json_object as format \"json\" and a json_schema as the schema itself", async () => {
    const adapter = adapterFor("ollama", sim.url);
    const schema = { type: "object", properties: { city: { type: "string" }, population: { type: "integer" } }, required: ["city", "population"] };
    const { events } = await runChat(adapter, chatRequest("llama3.1:8b", "Largest city in Norway?", { response_format: { type: "json_schema", json_schema: { name: "city", schema } } }));
    expect((await fleet.lastBody("/api/chat")).format).toEqual(schema);
    expect(JSON.parse(textOf(events))).toEqual({ city: expect.any(String), population: expect.any(Number) });

    await runChat(adapter, chatRequest("llama3.1:8b", "hi", { response_format: { type: "json_object" } }));
    expect((await fleet.lastBody("/api/chat")).format).toBe("json");
    await runChat(adapter, chatRequest("llama3.1:8b", "hi", { response_format: { type: "text" } }));
    expect(await fleet.lastBody("/api/chat")).not.toHaveProperty("format");
  });

  it("maps roles, content parts, tool calls (object arguments) and tool results (with tool_name)", async () => {
    const request = chatRequest("qwen2.5-coder:14b", "", {
      tools: [WEATHER_TOOL],
      tool_choice: "auto",
      messages: [
        { role: "developer", content: "Be brief." },
        { role: "system", content: [{ type: "text", text: "Use tools." }] },
        { role: "user", content: [{ type: "text", text: "Weather in" }, { type: "text", text: "Oslo?" }] },
        { role: "assistant", content: null, tool_calls: [{ id: "call_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Oslo"}' } }] },
        { role: "tool", tool_call_id: "call_1", content: "4 degrees" },
        { role: "tool", tool_call_id: "call_unknown", content: [{ type: "text", text: "n/a" }] },
      ],
    });
    const { events, failure } = await runChat(adapterFor("ollama", sim.url), request);
    expect(failure).toBeUndefined();
    expect(textOf(events)).toContain("n/a");
    const body = await fleet.lastBody("/api/chat");
    expect(body.tools).toEqual([WEATHER_TOOL]);
    expect(body.messages).toEqual([
      { role: "system", content: "Be brief." },
      { role: "system", content: "Use tools." },
      { role: "user", content: "Weather in\nOslo?" },
      { role: "assistant", content: "", tool_calls: [{ function: { name: "get_weather", arguments: { city: "Oslo" } } }] },
      { role: "tool", content: "4 degrees", tool_name: "get_weather" },
      { role: "tool", content: "n/a" },
    ]);
  });

  it("honours tool_choice none by not offering the tools", async () => {
    const { events } = await runChat(adapterFor("ollama", sim.url), chatRequest("qwen2.5-coder:14b", "Weather in Paris?", { tools: [WEATHER_TOOL], tool_choice: "none" }));
    expect(await fleet.lastBody("/api/chat")).not.toHaveProperty("tools");
    expect(doneOf(events)[0].finishReason).toBe("stop");
  });

  it("rejects tool-call arguments that are not a JSON object, before calling the backend", async () => {
    const result = await adapterFor("ollama", sim.url).chat(
      chatRequest("qwen2.5-coder:14b", "", {
        messages: [
          { role: "user", content: "hi" },
          { role: "assistant", content: null, tool_calls: [{ id: "c", type: "function", function: { name: "f", arguments: "[1,2" } }] },
        ],
      }),
      { signal: signal() },
    );
    expect(result).toMatchObject({ ok: false, error: { kind: "http", status: 400, message: expect.stringContaining("not a JSON object") } });
    expect(await fleet.requests("/api/chat")).toHaveLength(0);
  });
});

describe("ollama images", () => {
  const ask = (url: string): ChatRequest =>
    chatRequest("qwen2.5vl:7b", "", { messages: [{ role: "user", content: [{ type: "text", text: "What is in this picture?" }, { type: "image_url", image_url: { url } }] }] });

  it("sends a data-URL image as bare base64 in images", async () => {
    const { failure } = await runChat(adapterFor("ollama", sim.url), ask(`data:image/png;base64,${PIXEL}`));
    expect(failure).toBeUndefined();
    expect((await fleet.lastBody("/api/chat")).messages).toEqual([{ role: "user", content: "What is in this picture?", images: [PIXEL] }]);
  });

  it("downloads an http image URL and sends its bytes as base64 when ROUTER_FETCH_IMAGE_URLS allows it", async () => {
    const { failure } = await runChat(adapterFor("ollama", sim.url, { fetchImageUrls: true }), ask(`${sim.url}/`)); // the root answers "Ollama is running"
    expect(failure).toBeUndefined();
    const [message] = (await fleet.lastBody("/api/chat")).messages as Array<{ images: string[] }>;
    expect(Buffer.from(message.images[0], "base64").toString()).toBe("Ollama is running");
  });

  it("refuses http image URLs by default, so clients cannot make the router fetch internal addresses", async () => {
    const result = await adapterFor("ollama", sim.url).chat(ask(`${sim.url}/`), { signal: signal() });
    expect(result).toMatchObject({ ok: false, error: { status: 400, message: expect.stringContaining("ROUTER_FETCH_IMAGE_URLS") } });
    expect(await fleet.requests("/")).toHaveLength(0);
  });

  it("fails with a 400 when an image URL cannot be fetched or used", async () => {
    const adapter = adapterFor("ollama", sim.url, { fetchImageUrls: true });
    for (const url of [`${sim.url}/no-such-image.png`, "ftp://example.invalid/cat.png", "data:image/svg+xml,%E0%A4%A"]) {
      const result = await adapter.chat(ask(url), { signal: signal() });
      expect(result).toMatchObject({ ok: false, error: { kind: "http", status: 400, message: expect.stringMatching(/^could not fetch image_url/) } });
      expect(!result.ok && result.error.message).not.toContain(sim.url);
    }
    expect(await fleet.requests("/api/chat")).toHaveLength(0);
  });
});

describe("ollama embeddings", () => {
  it("posts model, input, keep_alive and dimensions to /api/embed", async () => {
    const result = await adapterFor("ollama", sim.url).embed({ model: "nomic-embed-text:latest", input: ["one", "two"], dimensions: 32, keepAlive: -1 }, { signal: signal() });
    expect(result.ok && result.value.embeddings.map((e) => e.length)).toEqual([32, 32]);
    expect(await fleet.lastBody("/api/embed")).toEqual({ model: "nomic-embed-text:latest", input: ["one", "two"], keep_alive: -1, dimensions: 32 });
  });

  it("reports the server's error for a model that cannot embed", async () => {
    const result = await adapterFor("ollama", sim.url).embed({ model: "llama3.1:8b", input: ["x"] }, { signal: signal() });
    expect(result).toEqual({ ok: false, error: { kind: "http", status: 400, message: '"llama3.1:8b" does not support embeddings' } });
  });
});

describe("ollama wire shapes the simulator does not produce", () => {
  const lines = (...chunks: unknown[]): string => chunks.map((c) => `${JSON.stringify(c)}\n`).join("");

  it("maps thinking to reasoning, several tool-call chunks to distinct indexes, and estimates missing counts", async () => {
    const server = await startScripted((_req, res) => {
      res.writeHead(200, { "content-type": "application/x-ndjson" });
      const body = lines(
        { message: { role: "assistant", content: "", thinking: "Let me think." }, done: false },
        { message: { role: "assistant", content: "", tool_calls: [{ function: { name: "a", arguments: { x: 1 } } }] }, done: false },
        { message: { role: "assistant", content: "", tool_calls: [{ function: { name: "b", arguments: {} } }] }, done: false },
        { message: { role: "assistant", content: "" }, done: true, done_reason: "stop" },
      );
      res.write(body.slice(0, 37)); // a line split across writes
      res.end(body.slice(37));
    });
    try {
      const { events } = await runChat(adapterFor("ollama", server.url), chatRequest("m", "abcdefgh", { stream: true }));
      expect(events.slice(0, 3)).toEqual([
        { type: "delta", reasoning: "Let me think." },
        { type: "delta", toolCalls: [{ index: 0, id: expect.stringMatching(/^call_/), type: "function", function: { name: "a", arguments: '{"x":1}' } }] },
        { type: "delta", toolCalls: [{ index: 1, id: expect.stringMatching(/^call_/), type: "function", function: { name: "b", arguments: "{}" } }] },
      ]);
      expect(events[3]).toEqual({ type: "done", finishReason: "tool_calls", usage: { prompt_tokens: 6, completion_tokens: 6, total_tokens: 12, estimated: true } });
    } finally {
      await server.close();
    }
  });

  it("throws an http failure for an error line inside the stream", async () => {
    const server = await startScripted((_req, res) => {
      res.writeHead(200, { "content-type": "application/x-ndjson" });
      res.end(lines({ message: { role: "assistant", content: "Hi" }, done: false }, { error: "model runner has unexpectedly stopped" }));
    });
    try {
      const { events, failure } = await runChat(adapterFor("ollama", server.url), chatRequest("m", "hi", { stream: true }));
      expect(events).toEqual([{ type: "delta", content: "Hi" }]);
      expect(failure).toEqual({ kind: "http", status: 500, message: "model runner has unexpectedly stopped" });
    } finally {
      await server.close();
    }
  });

  it("throws a protocol failure when the stream ends without done", async () => {
    const server = await startScripted((_req, res) => {
      res.writeHead(200, { "content-type": "application/x-ndjson" });
      res.end(lines({ message: { role: "assistant", content: "Hi" }, done: false }));
    });
    try {
      const { failure } = await runChat(adapterFor("ollama", server.url), chatRequest("m", "hi", { stream: true }));
      expect(failure).toEqual({ kind: "protocol", message: "stream ended early" });
    } finally {
      await server.close();
    }
  });
});
