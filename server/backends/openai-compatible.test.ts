import type { ServerResponse } from "node:http";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Simulator } from "../simulator/server";
import { adapterFor, chatRequest, control, doneOf, runChat, startFleet, startScripted, textOf, WEATHER_TOOL } from "./test-support";
import type { ChatMessage, ChatRequest } from "./types";

let sim: Simulator;
let fleet: ReturnType<typeof control>;

beforeAll(async () => {
  sim = await startFleet();
  fleet = control(sim);
});
afterAll(() => sim.close());
beforeEach(() => fleet.reset());

const signal = () => new AbortController().signal;

describe.each(["openai", "llamacpp"] as const)("%s request mapping (as the simulator received it)", (kind) => {
  it("forwards every OpenAI field unchanged and asks for usage when streaming", async () => {
    const messages: ChatMessage[] = [
      { role: "system", content: "Be brief." },
      { role: "user", content: [{ type: "text", text: "Weather in" }, { type: "text", text: "Oslo?" }] },
      { role: "assistant", content: null, tool_calls: [{ id: "call_1", type: "function", function: { name: "get_weather", arguments: '{"city":"Oslo"}' } }] },
      { role: "tool", tool_call_id: "call_1", content: "4 degrees" },
    ];
    const fields: Partial<ChatRequest> = {
      tools: [WEATHER_TOOL],
      tool_choice: "auto",
      parallel_tool_calls: false,
      response_format: { type: "json_object" },
      temperature: 0.3,
      top_p: 0.9,
      max_tokens: 40,
      stop: ["END"],
      seed: 11,
      n: 1,
      presence_penalty: 0.1,
      frequency_penalty: 0.2,
      logit_bias: { "42": 1 },
      logprobs: true,
      top_logprobs: 2,
      user: "u-1",
    };
    const { failure } = await runChat(adapterFor(kind, sim.url), chatRequest("qwen2.5-coder:14b", "", { ...fields, messages, stream: true, keepAlive: "10m" }));
    expect(failure).toBeUndefined();
    expect(await fleet.lastBody("/v1/chat/completions")).toEqual({ model: "qwen2.5-coder:14b", messages, stream: true, stream_options: { include_usage: true }, ...fields });
  });

  it("passes image parts through unchanged", async () => {
    const messages: ChatMessage[] = [
      { role: "user", content: [{ type: "text", text: "What is in this picture?" }, { type: "image_url", image_url: { url: "https://example.invalid/cat.png", detail: "low" } }] },
    ];
    const { failure } = await runChat(adapterFor(kind, sim.url), chatRequest("qwen2.5vl:7b", "", { messages }));
    expect(failure).toBeUndefined();
    expect((await fleet.lastBody("/v1/chat/completions")).messages).toEqual(messages);
  });

  it("sends no stream_options without streaming", async () => {
    await runChat(adapterFor(kind, sim.url), chatRequest("llama3.1:8b", "hi"));
    expect(await fleet.lastBody("/v1/chat/completions")).toEqual({ model: "llama3.1:8b", messages: [{ role: "user", content: "hi" }], stream: false });
  });

  it("posts embeddings with encoding_format float and dimensions", async () => {
    await adapterFor(kind, sim.url).embed({ model: "nomic-embed-text:latest", input: ["x"], dimensions: 16, keepAlive: "5m" }, { signal: signal() });
    expect(await fleet.lastBody("/v1/embeddings")).toEqual({ model: "nomic-embed-text:latest", input: ["x"], dimensions: 16, encoding_format: "float" });
  });
});

describe("role mapping", () => {
  const developer = chatRequest("llama3.1:8b", "", { messages: [{ role: "developer", content: "Be brief." }, { role: "user", content: "hi" }] });

  it("keeps the developer role for OpenAI and turns it into system for llama.cpp templates", async () => {
    await runChat(adapterFor("openai", sim.url), developer);
    expect(((await fleet.lastBody("/v1/chat/completions")).messages as ChatMessage[])[0].role).toBe("developer");
    await runChat(adapterFor("llamacpp", sim.url), developer);
    expect(((await fleet.lastBody("/v1/chat/completions")).messages as ChatMessage[])[0].role).toBe("system");
  });
});

describe("non-streaming tool calls", () => {
  it("returns the whole call in one delta with finish reason tool_calls", async () => {
    const { events } = await runChat(adapterFor("openai", sim.url), chatRequest("mistral-nemo:12b", "What is the weather in Rome?", { tools: [WEATHER_TOOL] }));
    expect(events[0]).toEqual({ type: "delta", toolCalls: [{ index: 0, id: expect.stringMatching(/^call_/), type: "function", function: { name: "get_weather", arguments: expect.any(String) } }] });
    expect(doneOf(events)[0].finishReason).toBe("tool_calls");
  });
});

describe("SSE wire shapes the simulator does not produce", () => {
  const chunk = (delta: Record<string, unknown>, finish: string | null = null) => ({ id: "c", object: "chat.completion.chunk", choices: [{ index: 0, delta, finish_reason: finish }] });
  const sse = (res: ServerResponse, events: string[], end = true) => {
    res.writeHead(200, { "content-type": "text/event-stream" });
    const text = events.join("");
    // awkward framing: split mid-line, CRLF endings, comments and event names
    res.write(text.slice(0, 25));
    if (end) res.end(text.slice(25));
    else res.write(text.slice(25), () => res.destroy());
  };
  const data = (value: unknown) => `data: ${typeof value === "string" ? value : JSON.stringify(value)}\r\n\r\n`;

  async function withServer(handler: (res: ServerResponse) => void, run: (url: string) => Promise<void>): Promise<void> {
    const server = await startScripted((_req, res) => handler(res));
    try {
      await run(server.url);
    } finally {
      await server.close();
    }
  }

  it("parses reasoning, content and usage, and emits done once after finish_reason, usage and [DONE]", () =>
    withServer(
      (res) =>
        sse(res, [
          ": keep-alive comment\n\n",
          "event: message\n",
          data(chunk({ role: "assistant", reasoning_content: "Hmm." })),
          data(chunk({ content: "Hel" })),
          // one event in two data lines (joined with "\n", which JSON allows between tokens)
          `data: ${JSON.stringify(chunk({ content: "lo" })).slice(0, 10)}\ndata:${JSON.stringify(chunk({ content: "lo" })).slice(10)}\n\n`,
          data(chunk({}, "stop")),
          data({ id: "c", choices: [], usage: { prompt_tokens: 9, completion_tokens: 3, total_tokens: 12 } }),
          data("[DONE]"),
        ]),
      async (url) => {
        const { events, failure } = await runChat(adapterFor("openai", url), chatRequest("m", "hi", { stream: true }));
        expect(failure).toBeUndefined();
        expect(events).toEqual([
          { type: "delta", reasoning: "Hmm." },
          { type: "delta", content: "Hel" },
          { type: "delta", content: "lo" },
          { type: "done", finishReason: "stop", usage: { prompt_tokens: 9, completion_tokens: 3, total_tokens: 12 } },
        ]);
      },
    ));

  it("finishes on finish_reason when [DONE] never comes, estimating missing usage", () =>
    withServer(
      (res) => sse(res, [data(chunk({ content: "abcdefgh" })), data(chunk({}, "length"))]),
      async (url) => {
        const { events } = await runChat(adapterFor("llamacpp", url), chatRequest("m", "abcd", { stream: true }));
        expect(doneOf(events)).toEqual([{ type: "done", finishReason: "length", usage: { prompt_tokens: 5, completion_tokens: 2, total_tokens: 7, estimated: true } }]);
      },
    ));

  it("passes tool-call fragments through with their index, id and type", () =>
    withServer(
      (res) =>
        sse(res, [
          data(chunk({ tool_calls: [{ index: 0, id: "call_a", type: "function", function: { name: "f", arguments: "" } }] })),
          data(chunk({ tool_calls: [{ index: 0, function: { arguments: '{"x":' } }] })),
          data(chunk({ tool_calls: [{ index: 0, function: { arguments: "1}" } }] })),
          data(chunk({}, "tool_calls")),
          data("[DONE]"),
        ]),
      async (url) => {
        const { events } = await runChat(adapterFor("openai", url), chatRequest("m", "hi", { stream: true }));
        expect(events.slice(0, 3)).toEqual([
          { type: "delta", toolCalls: [{ index: 0, id: "call_a", type: "function", function: { name: "f", arguments: "" } }] },
          { type: "delta", toolCalls: [{ index: 0, function: { arguments: '{"x":' } }] },
          { type: "delta", toolCalls: [{ index: 0, function: { arguments: "1}" } }] },
        ]);
        expect(doneOf(events)).toHaveLength(1);
        expect(doneOf(events)[0].finishReason).toBe("tool_calls");
      },
    ));

  it("throws an http failure for an error event inside the stream", () =>
    withServer(
      (res) => sse(res, [data(chunk({ content: "Hi" })), "event: error\n", data({ error: { message: "upstream overloaded", code: 503 } })]),
      async (url) => {
        const { events, failure } = await runChat(adapterFor("openai", url), chatRequest("m", "hi", { stream: true }));
        expect(events).toEqual([{ type: "delta", content: "Hi" }]);
        expect(failure).toEqual({ kind: "http", status: 503, message: "upstream overloaded" });
      },
    ));

  it("throws a protocol failure when the stream ends with neither finish_reason nor [DONE]", () =>
    withServer(
      (res) => sse(res, [data(chunk({ content: "Hi" }))]),
      async (url) => {
        const { failure } = await runChat(adapterFor("openai", url), chatRequest("m", "hi", { stream: true }));
        expect(failure).toEqual({ kind: "protocol", message: "stream ended early" });
      },
    ));

  it("relays a JSON answer from a server that ignores stream:true", () =>
    withServer(
      (res) => {
        res.writeHead(200, { "content-type": "application/json" });
        res.end(JSON.stringify({ choices: [{ index: 0, message: { role: "assistant", content: "Hi there" }, finish_reason: "stop" }], usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 } }));
      },
      async (url) => {
        const { events } = await runChat(adapterFor("llamacpp", url), chatRequest("m", "hi", { stream: true }));
        expect(events).toEqual([
          { type: "delta", content: "Hi there" },
          { type: "done", finishReason: "stop", usage: { prompt_tokens: 3, completion_tokens: 2, total_tokens: 5 } },
        ]);
      },
    ));

  it("returns a protocol error when a non-streaming body is cut after the headers", () =>
    withServer(
      (res) => {
        res.writeHead(200, { "content-type": "application/json", "content-length": "400" });
        res.write('{"choices":[{"message":', () => res.destroy());
      },
      async (url) => {
        const result = await adapterFor("openai", url).chat(chatRequest("m", "hi"), { signal: signal() });
        expect(result).toEqual({ ok: false, error: { kind: "protocol", message: "the backend closed the connection mid-response" } });
      },
    ));

  it("returns a protocol error when Ollama's non-streaming body is cut after the headers", () =>
    withServer(
      (res) => {
        res.writeHead(200, { "content-type": "application/json", "content-length": "400" });
        res.write('{"message":{"role":"assistant","content":', () => res.destroy());
      },
      async (url) => {
        const result = await adapterFor("ollama", url).chat(chatRequest("m", "hi"), { signal: signal() });
        expect(result).toEqual({ ok: false, error: { kind: "protocol", message: "the backend closed the connection mid-response" } });
      },
    ));

  it("reports a client that leaves while a whole answer is being read as aborted", () =>
    withServer(
      (res) => {
        res.writeHead(200, { "content-type": "application/json" });
        res.write('{"choices":[{"message":'); // and never finishes
      },
      async (url) => {
        const controller = new AbortController();
        const pending = adapterFor("openai", url).chat(chatRequest("m", "hi"), { signal: controller.signal });
        setImmediate(() => controller.abort(new DOMException("client disconnected", "AbortError")));
        expect(await pending).toEqual({ ok: false, error: { kind: "aborted", message: "the request was cancelled" } });
      },
    ));

  it("decodes a whole answer sent in pieces that split UTF-8 characters, dropping a byte-order mark", () =>
    withServer(
      (res) => {
        const body = Buffer.from(`\uFEFF${JSON.stringify({ choices: [{ index: 0, message: { role: "assistant", content: "Grüße 世界 🌍" }, finish_reason: "stop" }] })}`);
        res.writeHead(200, { "content-type": "application/json" });
        const cut = body.indexOf(Buffer.from("🌍")) + 2; // inside the emoji's four bytes
        res.write(body.subarray(0, cut), () => res.end(body.subarray(cut)));
      },
      async (url) => {
        const { events, failure } = await runChat(adapterFor("openai", url), chatRequest("m", "hi"));
        expect(failure).toBeUndefined();
        expect(textOf(events)).toBe("Grüße 世界 🌍");
      },
    ));

  it("keeps the backend URL and key out of error messages", () =>
    withServer(
      (res) => {
        res.writeHead(401, { "content-type": "application/json" });
        res.end(JSON.stringify({ error: { message: "Incorrect API key provided: sk-secret-123 for https://internal.example/v1" } }));
      },
      async (url) => {
        const result = await adapterFor("openai", url, { apiKey: "sk-secret-123" }).chat(chatRequest("m", "hi"), { signal: signal() });
        expect(result).toEqual({ ok: false, error: { kind: "http", status: 401, message: "Incorrect API key provided: *** for <url>" } });
      },
    ));
});

describe("non-streaming answers", () => {
  it("give one delta whose text equals the server's message, and its usage", async () => {
    const request = chatRequest("llama3.2:3b", "Write a haiku about rain");
    const { events } = await runChat(adapterFor("openai", sim.url), request);
    const reference = await fleet.raw("/v1/chat/completions", await fleet.lastBody("/v1/chat/completions"));
    expect(textOf(events)).toBe((reference.choices as Array<{ message: { content: string } }>)[0].message.content);
    expect(doneOf(events)[0].usage).toEqual(reference.usage);
  });
});
