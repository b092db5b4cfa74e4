import { describe, expect, it } from "vitest";
import { parseChatRequest } from "./chat-request";
import { WireError } from "./errors";

const LIMITS = { maxMessages: 10, maxContentChars: 1000 };
const USER = [{ role: "user", content: "hi" }];

function failure(body: unknown, limits = LIMITS): WireError {
  try {
    parseChatRequest(body, limits);
  } catch (error) {
    if (error instanceof WireError) return error;
    throw error;
  }
  throw new Error("expected a WireError");
}

const parse = (body: Record<string, unknown>) => parseChatRequest({ messages: USER, ...body }, LIMITS);

describe("parseChatRequest rejects", () => {
  // [case, body, param, message fragment, code]
  const cases: [string, unknown, string | undefined, string, string][] = [
    ["null body", null, undefined, "must be a JSON object", "invalid_type"],
    ["array body", [USER], undefined, "must be a JSON object", "invalid_type"],
    ["string body", "hi", undefined, "must be a JSON object", "invalid_type"],
    ["missing messages", {}, "messages", "Missing required parameter: 'messages'", "missing_required_parameter"],
    ["empty messages", { messages: [] }, "messages", "empty array", "empty_array"],
    ["messages not an array", { messages: "hi" }, "messages", "expected an array, but got a string", "invalid_type"],
    ["message not an object", { messages: ["hi"] }, "messages[0]", "expected an object, but got a string", "invalid_type"],
    ["missing role", { messages: [{ content: "x" }] }, "messages[0].role", "Missing required parameter: 'messages[0].role'", "missing_required_parameter"],
    ["unknown role", { messages: [USER[0], { role: "function", content: "x" }] }, "messages[1].role", "expected one of 'system', 'developer', 'user', 'assistant', 'tool', but got 'function'", "invalid_value"],
    ["content of wrong type", { messages: [{ role: "user", content: 3 }] }, "messages[0].content", "expected a string or an array, but got an integer", "invalid_type"],
    ["user content null", { messages: [{ role: "user", content: null }] }, "messages[0].content", "but got null", "invalid_type"],
    ["missing user content", { messages: [{ role: "user" }] }, "messages[0].content", "Missing required parameter", "missing_required_parameter"],
    ["unknown part type", { messages: [{ role: "user", content: [{ type: "input_audio", input_audio: {} }] }] }, "messages[0].content[0].type", "expected one of 'text', 'image_url', but got 'input_audio'", "invalid_value"],
    ["input_text is not OpenAI chat", { messages: [{ role: "user", content: [{ type: "input_text", text: "x" }] }] }, "messages[0].content[0].type", "'input_text'", "invalid_value"],
    ["text part without text", { messages: [{ role: "user", content: [{ type: "text" }] }] }, "messages[0].content[0].text", "Missing required parameter", "missing_required_parameter"],
    ["text part text not a string", { messages: [{ role: "user", content: [{ type: "text", text: 5 }] }] }, "messages[0].content[0].text", "expected a string", "invalid_type"],
    ["image url not data/http", { messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: "file:///etc/passwd" } }] }] }, "messages[0].content[0].image_url.url", "data: URL or an http(s) URL", "invalid_value"],
    ["image_url as a string", { messages: [{ role: "user", content: [{ type: "image_url", image_url: "https://x/y.png" }] }] }, "messages[0].content[0].image_url", "expected an object", "invalid_type"],
    ["image detail unknown", { messages: [{ role: "user", content: [{ type: "image_url", image_url: { url: "https://x", detail: "max" } }] }] }, "messages[0].content[0].image_url.detail", "'auto', 'low', 'high'", "invalid_value"],
    ["image in a system message", { messages: [{ role: "system", content: [{ type: "image_url", image_url: { url: "https://x" } }] }] }, "messages[0].content[0].type", "expected one of 'text', but got 'image_url'", "invalid_value"],
    ["tool message without tool_call_id", { messages: [{ role: "tool", content: "42" }] }, "messages[0].tool_call_id", "Missing required parameter: 'messages[0].tool_call_id'", "missing_required_parameter"],
    ["assistant without content or tool_calls", { messages: [{ role: "assistant" }] }, "messages[0].content", "needs content or tool_calls", "missing_required_parameter"],
    ["assistant tool call without id", { messages: [{ role: "assistant", tool_calls: [{ type: "function", function: { name: "f", arguments: "{}" } }] }] }, "messages[0].tool_calls[0].id", "Missing required parameter", "missing_required_parameter"],
    ["assistant tool call arguments not a string", { messages: [{ role: "assistant", tool_calls: [{ id: "c", type: "function", function: { name: "f", arguments: {} } }] }] }, "messages[0].tool_calls[0].function.arguments", "expected a string, but got an object", "invalid_type"],
    ["assistant tool call of another type", { messages: [{ role: "assistant", tool_calls: [{ id: "c", type: "code", function: { name: "f", arguments: "{}" } }] }] }, "messages[0].tool_calls[0].type", "'function'", "invalid_value"],
    ["tools not an array", { messages: USER, tools: {} }, "tools", "expected an array", "invalid_type"],
    ["tool of another type", { messages: USER, tools: [{ type: "retrieval", function: { name: "f" } }] }, "tools[0].type", "'function'", "invalid_value"],
    ["tool without function", { messages: USER, tools: [{ type: "function" }] }, "tools[0].function", "Missing required parameter", "missing_required_parameter"],
    ["tool without name", { messages: USER, tools: [{ type: "function", function: {} }] }, "tools[0].function.name", "Missing required parameter", "missing_required_parameter"],
    ["tool name with spaces", { messages: USER, tools: [{ type: "function", function: { name: "get weather" } }] }, "tools[0].function.name", "matching", "invalid_value"],
    ["tool name too long", { messages: USER, tools: [{ type: "function", function: { name: "a".repeat(65) } }] }, "tools[0].function.name", "matching", "invalid_value"],
    ["129 tools", { messages: USER, tools: Array.from({ length: 129 }, (_, i) => ({ type: "function", function: { name: `f${i}` } })) }, "tools", "<= 128 items, but got 129", "invalid_value"],
    ["tool parameters not an object", { messages: USER, tools: [{ type: "function", function: { name: "f", parameters: "x" } }] }, "tools[0].function.parameters", "expected an object", "invalid_type"],
    ["tool_choice unknown string", { messages: USER, tool_choice: "any" }, "tool_choice", "expected one of 'none', 'auto', 'required', but got 'any'", "invalid_value"],
    ["tool_choice object without function", { messages: USER, tool_choice: { type: "function" } }, "tool_choice.function", "Missing required parameter", "missing_required_parameter"],
    ["tool_choice required without tools", { messages: USER, tool_choice: "required" }, "tool_choice", "'tools' is empty or missing", "invalid_value"],
    ["tool_choice names an unknown tool", { messages: USER, tools: [{ type: "function", function: { name: "a" } }], tool_choice: { type: "function", function: { name: "b" } } }, "tool_choice.function.name", "no tool named 'b'", "invalid_value"],
    ["response_format unknown type", { messages: USER, response_format: { type: "xml" } }, "response_format.type", "'text', 'json_object', 'json_schema'", "invalid_value"],
    ["json_schema without json_schema", { messages: USER, response_format: { type: "json_schema" } }, "response_format.json_schema", "Missing required parameter", "missing_required_parameter"],
    ["json_schema without name", { messages: USER, response_format: { type: "json_schema", json_schema: { schema: {} } } }, "response_format.json_schema.name", "Missing required parameter", "missing_required_parameter"],
    ["temperature above 2", { messages: USER, temperature: 2.5 }, "temperature", "expected a value <= 2, but got 2.5", "invalid_value"],
    ["temperature below 0", { messages: USER, temperature: -0.1 }, "temperature", "expected a value >= 0", "invalid_value"],
    ["temperature as a string", { messages: USER, temperature: "0.5" }, "temperature", "expected a number, but got a string", "invalid_type"],
    ["top_p above 1", { messages: USER, top_p: 1.1 }, "top_p", "<= 1", "invalid_value"],
    ["n zero", { messages: USER, n: 0 }, "n", ">= 1", "invalid_value"],
    ["n above 128", { messages: USER, n: 129 }, "n", "<= 128", "invalid_value"],
    ["n decimal", { messages: USER, n: 1.5 }, "n", "expected an integer, but got a decimal", "invalid_type"],
    ["max_tokens zero", { messages: USER, max_tokens: 0 }, "max_tokens", ">= 1", "invalid_value"],
    ["max_tokens decimal", { messages: USER, max_tokens: 10.5 }, "max_tokens", "expected an integer", "invalid_type"],
    ["max_completion_tokens negative", { messages: USER, max_completion_tokens: -1 }, "max_completion_tokens", ">= 1", "invalid_value"],
    ["presence_penalty below -2", { messages: USER, presence_penalty: -2.1 }, "presence_penalty", ">= -2", "invalid_value"],
    ["frequency_penalty above 2", { messages: USER, frequency_penalty: 3 }, "frequency_penalty", "<= 2", "invalid_value"],
    ["five stop sequences", { messages: USER, stop: ["a", "b", "c", "d", "e"] }, "stop", "<= 4 items, but got 5", "invalid_value"],
    ["stop of wrong type", { messages: USER, stop: 5 }, "stop", "expected a string or an array", "invalid_type"],
    ["stop entry of wrong type", { messages: USER, stop: ["a", 1] }, "stop[1]", "expected a string", "invalid_type"],
    ["seed decimal", { messages: USER, seed: 1.5 }, "seed", "expected an integer", "invalid_type"],
    ["logit_bias out of range", { messages: USER, logit_bias: { "50256": -101 } }, "logit_bias.50256", ">= -100", "invalid_value"],
    ["logit_bias value not a number", { messages: USER, logit_bias: { "1": "x" } }, "logit_bias.1", "expected a number", "invalid_type"],
    ["logprobs not a boolean", { messages: USER, logprobs: "yes" }, "logprobs", "expected a boolean", "invalid_type"],
    ["top_logprobs above 20", { messages: USER, top_logprobs: 21 }, "top_logprobs", "<= 20", "invalid_value"],
    ["user too long", { messages: USER, user: "u".repeat(257) }, "user", "<= 256 characters, but got 257", "invalid_value"],
    ["stream not a boolean", { messages: USER, stream: "true" }, "stream", "expected a boolean", "invalid_type"],
    ["include_usage not a boolean", { messages: USER, stream: true, stream_options: { include_usage: 1 } }, "stream_options.include_usage", "expected a boolean", "invalid_type"],
    ["model not a string", { messages: USER, model: 42 }, "model", "expected a string, but got an integer", "invalid_type"],
    ["model too long", { messages: USER, model: "m".repeat(257) }, "model", "<= 256 characters", "invalid_value"],
  ];

  it.each(cases)("%s", (_name, body, param, message, code) => {
    const error = failure(body);
    expect(error.status).toBe(400);
    expect(error.param).toBe(param);
    expect(error.message).toContain(message);
    expect(error.code).toBe(code);
    expect(error.toResponse().body.error.type).toBe("invalid_request_error");
  });
});

describe("parseChatRequest limits", () => {
  it("rejects more than maxMessages messages with 400 naming messages", () => {
    const error = failure({ messages: Array.from({ length: 11 }, () => USER[0]) });
    expect([error.status, error.param, error.code]).toEqual([400, "messages", "array_above_max_length"]);
    expect(error.message).toContain("11 messages, above the limit of 10");
  });

  it("accepts exactly maxMessages messages", () => {
    expect(parseChatRequest({ messages: Array.from({ length: 10 }, () => USER[0]) }, LIMITS).request.messages).toHaveLength(10);
  });

  it.each([
    ["string content", { role: "user", content: "x".repeat(1001) }, "messages[0].content"],
    ["text part", { role: "user", content: [{ type: "text", text: "ok" }, { type: "text", text: "x".repeat(1001) }] }, "messages[0].content[1].text"],
    ["system text", { role: "system", content: "x".repeat(1001) }, "messages[0].content"],
    ["tool result", { role: "tool", tool_call_id: "c", content: "x".repeat(1001) }, "messages[0].content"],
    ["tool-call arguments", { role: "assistant", content: null, tool_calls: [{ id: "c", type: "function", function: { name: "f", arguments: "x".repeat(1001) } }] }, "messages[0].tool_calls[0].function.arguments"],
  ])("rejects %s longer than maxContentChars with 400 (not 413)", (_name, message, param) => {
    const error = failure({ messages: [message] });
    expect([error.status, error.param, error.code]).toEqual([400, param, "string_above_max_length"]);
    expect(error.message).toContain("1001 characters, above the limit of 1000");
  });

  it("accepts text of exactly maxContentChars", () => {
    expect(() => parseChatRequest({ messages: [{ role: "user", content: "x".repeat(1000) }] }, LIMITS)).not.toThrow();
  });
});

describe("parseChatRequest normalises", () => {
  it("a minimal request: stream false, no usage, no model, nothing invented", () => {
    expect(parseChatRequest({ messages: USER }, LIMITS)).toEqual({
      request: { messages: [{ role: "user", content: "hi" }], stream: false, includeUsage: false },
      ignoredFields: [],
    });
  });

  it("keeps content as sent except NUL characters", () => {
    const { request } = parseChatRequest(
      { messages: [{ role: "user", content: "  a\0b \n" }, { role: "assistant", content: [{ type: "text", text: "\0 x " }] }] },
      LIMITS,
    );
    expect(request.messages).toEqual([
      { role: "user", content: "  ab \n" },
      { role: "assistant", content: [{ type: "text", text: " x " }] },
    ]);
  });

  it("keeps every role, names, images, tool calls and tool results", () => {
    const messages = [
      { role: "developer", content: "be brief", name: "dev" },
      { role: "system", content: [{ type: "text", text: "sys" }] },
      { role: "user", content: [{ type: "text", text: "what is this?" }, { type: "image_url", image_url: { url: "data:image/png;base64,AAAA", detail: "low" } }] },
      { role: "assistant", content: null, tool_calls: [{ id: "call_1", type: "function", function: { name: "look", arguments: "{\"x\":1}" } }], refusal: null },
      { role: "tool", tool_call_id: "call_1", content: "a cat" },
      { role: "assistant", content: "A cat." },
    ];
    expect(parseChatRequest({ messages }, LIMITS).request.messages).toEqual([
      { role: "developer", content: "be brief", name: "dev" },
      { role: "system", content: [{ type: "text", text: "sys" }] },
      messages[2],
      { role: "assistant", content: null, tool_calls: [{ id: "call_1", type: "function", function: { name: "look", arguments: "{\"x\":1}" } }] },
      { role: "tool", tool_call_id: "call_1", content: "a cat" },
      { role: "assistant", content: "A cat." },
    ]);
  });

  it("fills a missing tool-call type with function", () => {
    const { request } = parseChatRequest(
      { messages: [{ role: "assistant", tool_calls: [{ id: "c", function: { name: "f", arguments: "{}" } }] }] },
      LIMITS,
    );
    expect(request.messages[0]).toEqual({ role: "assistant", content: null, tool_calls: [{ id: "c", type: "function", function: { name: "f", arguments: "{}" } }] });
  });

  it.each([
    [{ max_tokens: 100 }, 100],
    [{ max_completion_tokens: 50 }, 50],
    [{ max_tokens: 100, max_completion_tokens: 50 }, 50],
    [{ max_tokens: 100, max_completion_tokens: null }, 100],
  ])("max tokens %j → %i (max_completion_tokens wins)", (fields, expected) => {
    expect(parse(fields).request.max_tokens).toBe(expected);
  });

  it.each([
    [{ stop: "END" }, ["END"]],
    [{ stop: ["a", "b", "c", "d"] }, ["a", "b", "c", "d"]],
    [{ stop: [] }, undefined],
    [{ stop: null }, undefined],
  ])("stop %j → %j", (fields, expected) => {
    expect(parse(fields).request.stop).toEqual(expected);
  });

  it.each([
    [{ stream: true, stream_options: { include_usage: true } }, true, true],
    [{ stream: true }, true, false],
    [{ stream: true, stream_options: { include_usage: false } }, true, false],
    [{ stream: false, stream_options: { include_usage: true } }, false, false],
    [{ stream: null }, false, false],
  ])("stream %j → stream %s, includeUsage %s", (fields, stream, includeUsage) => {
    const { request } = parse(fields);
    expect([request.stream, request.includeUsage]).toEqual([stream, includeUsage]);
  });

  it("passes sampling parameters through and drops nulls", () => {
    const { request } = parse({
      temperature: 0,
      top_p: 1,
      n: 2,
      presence_penalty: -2,
      frequency_penalty: 2,
      seed: -7,
      logit_bias: { "50256": -100 },
      logprobs: true,
      top_logprobs: 0,
      user: "u-1",
      response_format: null,
      tools: null,
    });
    expect(request).toEqual({
      messages: USER,
      stream: false,
      includeUsage: false,
      temperature: 0,
      top_p: 1,
      n: 2,
      presence_penalty: -2,
      frequency_penalty: 2,
      seed: -7,
      logit_bias: { "50256": -100 },
      logprobs: true,
      top_logprobs: 0,
      user: "u-1",
    });
  });

  it("keeps tools, tool_choice and parallel_tool_calls (without nulls)", () => {
    const tools = [
      { type: "function", function: { name: "get_weather", description: "Weather", parameters: { type: "object" }, strict: true } },
      { type: "function", function: { name: "now", description: null, strict: null } },
    ];
    const { request } = parse({ tools, tool_choice: { type: "function", function: { name: "now" } }, parallel_tool_calls: false });
    expect(request.tools).toEqual([tools[0], { type: "function", function: { name: "now" } }]);
    expect(request.tool_choice).toEqual({ type: "function", function: { name: "now" } });
    expect(request.parallel_tool_calls).toBe(false);
  });

  it.each([
    [{ tool_choice: "auto" }],
    [{ tool_choice: "none", tools: [] }],
    [{ parallel_tool_calls: true }],
  ])("drops tool settings without tools: %j", (fields) => {
    const { request } = parse(fields);
    expect(request.tools).toBeUndefined();
    expect(request.tool_choice).toBeUndefined();
    expect(request.parallel_tool_calls).toBeUndefined();
  });

  it.each([
    [{ type: "text" }, { type: "text" }],
    [{ type: "json_object" }, { type: "json_object" }],
    [
      { type: "json_schema", json_schema: { name: "person", schema: { type: "object" }, strict: true, description: null } },
      { type: "json_schema", json_schema: { name: "person", schema: { type: "object" }, strict: true } },
    ],
  ])("response_format %j", (format, expected) => {
    expect(parse({ response_format: format }).request.response_format).toEqual(expected);
  });

  it.each([
    [{ model: "qwen2.5:7b" }, "qwen2.5:7b"],
    [{ model: "  auto " }, "auto"],
    [{ model: "" }, undefined],
    [{ model: null }, undefined],
    [{}, undefined],
  ])("model %j → %s", (fields, expected) => {
    const parsed = parse(fields);
    expect(parsed.model).toBe(expected);
    expect("model" in parsed.request).toBe(false);
  });

  it("ignores unknown top-level fields but lists them", () => {
    const parsed = parse({ metadata: { a: 1 }, store: true, reasoning_effort: "low", temperature: 1 });
    expect(parsed.ignoredFields).toEqual(["metadata", "store", "reasoning_effort"]);
    expect(parsed.request).not.toHaveProperty("metadata");
  });

  it("ignores unknown fields inside messages", () => {
    const { request } = parseChatRequest({ messages: [{ role: "user", content: "x", annotations: [], audio: null }] }, LIMITS);
    expect(request.messages[0]).toEqual({ role: "user", content: "x" });
  });
});
