import { describe, expect, it } from "vitest";
import type { ChatEvent, FinishReason } from "../../backends/types";
import {
  type ChunkDelta,
  type WireDelta,
  buildChunk,
  buildCompletion,
  buildUsageChunk,
  completionId,
  contentChunkWriter,
  createMessageAccumulator,
  SSE_DONE,
  sseData,
  sseError,
} from "./chat-response";

const USAGE = { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 };
const BASE = { id: "chatcmpl-abc", created: 1_700_000_000, model: "llama3.2:3b" };

describe("completionId", () => {
  it("is chatcmpl- followed by 24 alphanumerics, different each time", () => {
    const ids = new Set(Array.from({ length: 200 }, completionId));
    expect(ids.size).toBe(200);
    for (const id of ids) expect(id).toMatch(/^chatcmpl-[A-Za-z0-9]{24}$/);
  });
});

describe("buildCompletion", () => {
  it("has OpenAI's chat.completion shape", () => {
    const completion = buildCompletion({ ...BASE, message: { content: "Hello" }, finishReason: "stop", usage: USAGE });
    expect(completion).toEqual({
      id: "chatcmpl-abc",
      object: "chat.completion",
      created: 1_700_000_000,
      model: "llama3.2:3b",
      choices: [{ index: 0, message: { role: "assistant", content: "Hello", refusal: null }, logprobs: null, finish_reason: "stop" }],
      usage: { prompt_tokens: 10, completion_tokens: 5, total_tokens: 15 },
    });
    expect(completion).not.toHaveProperty("system_fingerprint");
  });

  it("uses integer seconds for created and drops internal usage fields", () => {
    const completion = buildCompletion({ ...BASE, created: 1_700_000_000.75, message: { content: "" }, finishReason: "length", usage: { ...USAGE, estimated: true } });
    expect(Number.isInteger(completion.created)).toBe(true);
    expect(completion.created).toBe(1_700_000_000);
    expect(completion.usage).toEqual(USAGE);
    expect(completion.choices[0].message.content).toBe("");
  });

  it("has null content and tool_calls when the model only called tools", () => {
    const toolCalls = [{ id: "call_1", type: "function" as const, function: { name: "get_weather", arguments: "{\"city\":\"Paris\"}" } }];
    const completion = buildCompletion({ ...BASE, message: { content: "", toolCalls }, finishReason: "tool_calls", usage: USAGE });
    expect(completion.choices[0]).toEqual({
      index: 0,
      message: { role: "assistant", content: null, refusal: null, tool_calls: toolCalls },
      logprobs: null,
      finish_reason: "tool_calls",
    });
  });

  it("keeps text that came with tool calls, and reasoning as reasoning_content", () => {
    const toolCalls = [{ id: "c", type: "function" as const, function: { name: "f", arguments: "{}" } }];
    const { message } = buildCompletion({ ...BASE, message: { content: "Let me check.", reasoning: "User wants f.", toolCalls }, finishReason: "tool_calls", usage: USAGE }).choices[0];
    expect(message).toEqual({ role: "assistant", content: "Let me check.", refusal: null, reasoning_content: "User wants f.", tool_calls: toolCalls });
  });

  it("omits empty tool_calls and reasoning", () => {
    const { message } = buildCompletion({ ...BASE, message: { content: "x", reasoning: "", toolCalls: [] }, finishReason: "stop", usage: USAGE }).choices[0];
    expect(message).toEqual({ role: "assistant", content: "x", refusal: null });
  });
});

describe("buildChunk", () => {
  it("has OpenAI's chat.completion.chunk shape", () => {
    expect(buildChunk({ ...BASE, delta: { role: "assistant", content: "" } })).toEqual({
      id: "chatcmpl-abc",
      object: "chat.completion.chunk",
      created: 1_700_000_000,
      model: "llama3.2:3b",
      choices: [{ index: 0, delta: { role: "assistant", content: "" }, logprobs: null, finish_reason: null }],
    });
  });

  it.each<[ChunkDelta, FinishReason | null, WireDelta]>([
    [{ content: "Hel" }, null, { content: "Hel" }],
    [{ reasoning: "hmm" }, null, { reasoning_content: "hmm" }],
    [{}, "stop", {}],
    [{ content: "\nModel: m" }, "stop", { content: "\nModel: m" }],
    [{ toolCalls: [{ index: 0, id: "c", type: "function", function: { name: "f", arguments: "" } }] }, null, { tool_calls: [{ index: 0, id: "c", type: "function", function: { name: "f", arguments: "" } }] }],
    [{ toolCalls: [{ index: 0, function: { arguments: "{\"a\"" } }] }, null, { tool_calls: [{ index: 0, function: { arguments: "{\"a\"" } }] }],
    [{ toolCalls: [] }, "tool_calls", {}],
  ])("delta %j, finish %s", (delta, finishReason, wire) => {
    const chunk = buildChunk({ ...BASE, delta, finishReason });
    expect(chunk.choices[0].delta).toEqual(wire);
    expect(chunk.choices[0].finish_reason).toBe(finishReason);
  });

  it("builds the usage chunk with no choices", () => {
    expect(buildUsageChunk({ ...BASE, usage: { ...USAGE, estimated: true } })).toEqual({
      id: "chatcmpl-abc",
      object: "chat.completion.chunk",
      created: 1_700_000_000,
      model: "llama3.2:3b",
      choices: [],
      usage: USAGE,
    });
  });
});

describe("SSE framing", () => {
  it("frames one JSON event per data line, ended by a blank line", () => {
    const frame = sseData({ text: "a\nb\n\nc" });
    expect(frame).toBe('data: {"text":"a\\nb\\n\\nc"}\n\n');
    expect(frame.split("\n\n")).toHaveLength(2);
    expect(JSON.parse(frame.slice("data: ".length))).toEqual({ text: "a\nb\n\nc" });
  });

  it("ends a normal stream with [DONE]", () => {
    expect(SSE_DONE).toBe("data: [DONE]\n\n");
  });

  it("reports a failure as one OpenAI error event", () => {
    const frame = sseError(502, "All models failed.", { code: "upstream_error" });
    expect(frame.startsWith("data: ")).toBe(true);
    expect(frame.endsWith("\n\n")).toBe(true);
    expect(JSON.parse(frame.slice(6))).toEqual({
      error: { message: "All models failed.", type: "service_unavailable", param: null, code: "upstream_error" },
    });
  });
});

describe("createMessageAccumulator", () => {
  it("concatenates content and reasoning and records the end", () => {
    const accumulator = createMessageAccumulator();
    const events: ChatEvent[] = [
      { type: "delta", reasoning: "Think" },
      { type: "delta", reasoning: "ing." },
      { type: "delta", content: "Hel" },
      { type: "delta", content: "" },
      { type: "delta", content: "lo" },
      { type: "done", finishReason: "stop", usage: USAGE },
    ];
    events.forEach((event) => accumulator.push(event));
    expect(accumulator.result()).toEqual({ content: "Hello", reasoning: "Thinking.", toolCalls: [], finishReason: "stop", usage: USAGE });
  });

  it("merges tool-call deltas by index: id, type and name once, arguments concatenated", () => {
    const accumulator = createMessageAccumulator();
    const events: ChatEvent[] = [
      { type: "delta", toolCalls: [{ index: 1, id: "call_b", type: "function", function: { name: "second", arguments: "" } }] },
      { type: "delta", toolCalls: [{ index: 0, id: "call_a", type: "function", function: { name: "first", arguments: "{\"ci" } }] },
      { type: "delta", toolCalls: [{ index: 0, function: { arguments: "ty\":\"Paris\"}" } }, { index: 1, function: { arguments: "{}" } }] },
      { type: "delta", toolCalls: [{ index: 0, id: "call_other", function: { name: "renamed", arguments: "" } }] },
      { type: "done", finishReason: "tool_calls" },
    ];
    events.forEach((event) => accumulator.push(event));
    expect(accumulator.result()).toEqual({
      content: "",
      toolCalls: [
        { id: "call_a", type: "function", function: { name: "first", arguments: "{\"city\":\"Paris\"}" } },
        { id: "call_b", type: "function", function: { name: "second", arguments: "{}" } },
      ],
      finishReason: "tool_calls",
    });
  });

  it("gives id-less tool calls a stable generated id", () => {
    const accumulator = createMessageAccumulator();
    accumulator.push({ type: "delta", toolCalls: [{ index: 0, function: { name: "f", arguments: "{}" } }] });
    const first = accumulator.result().toolCalls[0].id;
    expect(first).toMatch(/^call_[A-Za-z0-9]{24}$/);
    expect(accumulator.result().toolCalls[0].id).toBe(first);
  });

  it("accepts a one-shot (non-streaming) message", () => {
    const accumulator = createMessageAccumulator();
    accumulator.push({ type: "delta", content: "Whole answer" });
    accumulator.push({ type: "done", finishReason: "length" });
    expect(accumulator.result()).toEqual({ content: "Whole answer", toolCalls: [], finishReason: "length" });
  });
});

describe("contentChunkWriter", () => {
  it("writes a content-only chunk byte for byte as sseData(buildChunk(...)) does", () => {
    for (const model of ["llama3.2:3b", 'we"ird\\model\u2028', "has\u0000content\u0000marker"]) {
      const input = { id: "chatcmpl-1", created: 1_700_000_000.7, model };
      const write = contentChunkWriter(input);
      for (const content of ["", "Hello", ' "quoted" \\ \n\t', "\u0000", "emoji 🚀 and \ud800 lone surrogate", "</script>"]) {
        expect(write(content)).toBe(sseData(buildChunk({ ...input, delta: { content }, finishReason: null })));
      }
    }
  });
});
