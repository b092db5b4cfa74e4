import OpenAI from "openai";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, migrateDatabase, type DatabaseHandle } from "../db";
import { startSimulator } from "../simulator/server";
import { startHarness, type Harness } from "./test-harness";

// The gateway over real HTTP with the official openai SDK as the client and the simulated fleet
// as the backend — once through each backend kind (Ollama's native API, an OpenAI-compatible API).

let database: DatabaseHandle;
beforeAll(async () => {
  database = await openDatabase("memory://");
  await migrateDatabase(database);
});
afterAll(async () => database?.close());

const KINDS = [
  // Ollama reports capabilities, so a routed tools request finds a tool-capable model; an
  // OpenAI-compatible server cannot say, so there the client names one.
  { kind: "ollama", env: (url: string) => ({ ROUTER_OLLAMA_URL: url }), chatPath: "/api/chat", toolsModel: "smarterrouter/main" },
  {
    kind: "openai",
    env: (url: string) => ({ ROUTER_PROVIDER: "openai", ROUTER_OPENAI_BASE_URL: `${url}/v1`, ROUTER_OPENAI_API_KEY: "sk-backend" }),
    chatPath: "/v1/chat/completions",
    toolsModel: "qwen2.5-coder:14b",
  },
] as const;

describe.each(KINDS)("through the $kind backend", ({ env, chatPath, kind, toolsModel }) => {
  let harness: Harness;
  let client: OpenAI;
  beforeAll(async () => {
    harness = await startHarness({ env, database });
    client = new OpenAI({ apiKey: "sk-client", baseURL: `${harness.url}/v1`, maxRetries: 0 });
  });
  afterAll(async () => harness?.close());

  it("answers a routed request with the real model's name, usage and the router's headers", async () => {
    const { data, response } = await client.chat.completions.create({ model: "smarterrouter/main", messages: [{ role: "user", content: "Say hello to the team." }] }).withResponse();
    const model = response.headers.get("x-smarterrouter-model");
    expect(model).toBeTruthy();
    expect(data.model).toBe(model);
    expect(data.object).toBe("chat.completion");
    expect(data.choices[0].message.role).toBe("assistant");
    expect(data.choices[0].message.content).toMatch(new RegExp(`\\nModel: ${model!.replace(/[.:]/g, "\\$&")}$`));
    expect(data.usage!.total_tokens).toBe(data.usage!.prompt_tokens + data.usage!.completion_tokens);
    expect(data.usage!.completion_tokens).toBeGreaterThan(0);
    expect(response.headers.get("x-request-id")).toMatch(/^[\w-]{8,}$/);
    expect(response.headers.get("x-smarterrouter-category")).toMatch(/^(coding|math|reasoning|creative|extraction|factual|general)$/);
    expect(Number(response.headers.get("x-smarterrouter-overhead-ms"))).toBeGreaterThanOrEqual(0);
  });

  it("streams, and the SDK reassembles the text and sees usage when asked", async () => {
    const stream = await client.chat.completions.create({
      model: "auto",
      messages: [{ role: "user", content: "Write a haiku about routers." }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = "";
    let finish: string | null = null;
    let usage: OpenAI.CompletionUsage | undefined;
    let model = "";
    for await (const chunk of stream) {
      model = chunk.model;
      text += chunk.choices[0]?.delta.content ?? "";
      finish = chunk.choices[0]?.finish_reason ?? finish;
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text.length).toBeGreaterThan(10);
    expect(text.endsWith(`\nModel: ${model}`)).toBe(true);
    expect(text.match(/Model: /g)).toHaveLength(1);
    expect(finish).toBe("stop");
    expect(usage!.completion_tokens).toBeGreaterThan(0);
  });

  it("streams without a usage chunk when the client does not ask", async () => {
    const response = await fetch(`${harness.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ messages: [{ role: "user", content: "hi" }], stream: true }),
    });
    const frames = (await response.text()).split("\n\n").filter(Boolean);
    expect(frames.at(-1)).toBe("data: [DONE]");
    expect(frames.some((frame) => frame.includes('"usage"'))).toBe(false);
  });

  it("round-trips client tools: a tool call comes back, the result goes in, the answer comes out", async () => {
    const tools: OpenAI.ChatCompletionTool[] = [
      { type: "function", function: { name: "get_weather", description: "Current weather", parameters: { type: "object", properties: { city: { type: "string" } }, required: ["city"] } } },
    ];
    const messages: OpenAI.ChatCompletionMessageParam[] = [{ role: "user", content: "What is the weather in Paris?" }];
    const first = await client.chat.completions.create({ model: toolsModel, messages, tools });
    const call = first.choices[0].message.tool_calls?.[0];
    expect(first.choices[0].finish_reason).toBe("tool_calls");
    expect(call?.type).toBe("function");
    const fn = (call as OpenAI.ChatCompletionMessageFunctionToolCall).function;
    expect(fn.name).toBe("get_weather");
    expect(typeof JSON.parse(fn.arguments)).toBe("object");
    expect(first.choices[0].message.content ?? "").not.toContain("Model:");

    messages.push(first.choices[0].message, { role: "tool", tool_call_id: call!.id, content: '{"temp_c": 18}' });
    const second = await client.chat.completions.create({ model: first.model, messages, tools });
    expect(second.choices[0].finish_reason).toBe("stop");
    expect(second.choices[0].message.content).toBeTruthy();
    const [lastSent] = (await harness.received(chatPath)).slice(-1);
    expect(JSON.stringify(lastSent.body.messages)).toContain("temp_c");
    expect(JSON.stringify(lastSent.body.tools)).toContain("get_weather");
  });

  it("streams tool calls as deltas the SDK can assemble", async () => {
    const stream = client.chat.completions.stream({
      model: toolsModel,
      messages: [{ role: "user", content: "Weather in Oslo?" }],
      tools: [{ type: "function", function: { name: "get_weather", parameters: { type: "object", properties: { city: { type: "string" } } } } }],
    });
    const final = await stream.finalChatCompletion();
    expect(final.choices[0].message.tool_calls?.[0]).toMatchObject({ type: "function", function: { name: "get_weather" } });
    expect(final.choices[0].finish_reason).toBe("tool_calls");
  });

  it("returns valid JSON in JSON mode, unsigned", async () => {
    const result = await client.chat.completions.create({
      model: "auto",
      messages: [{ role: "user", content: "List three colours as JSON." }],
      response_format: { type: "json_object" },
    });
    expect(() => JSON.parse(result.choices[0].message.content!)).not.toThrow();
  });

  it("sends an explicit model to that model, by body or ?model=, and 404s an unknown one", async () => {
    const direct = await client.chat.completions.create({ model: "llama3.2:3b", messages: [{ role: "user", content: "hi" }] });
    expect(direct.model).toBe("llama3.2:3b");
    const viaQuery = await fetch(`${harness.url}/v1/chat/completions?model=llama3.1:8b`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "smarterrouter/main", messages: [{ role: "user", content: "hi" }] }),
    });
    expect((await viaQuery.json()).model).toBe("llama3.1:8b");
    const unknown = client.chat.completions.create({ model: "llama3", messages: [{ role: "user", content: "hi" }] });
    await expect(unknown).rejects.toMatchObject({ status: 404, code: "model_not_found", param: "model" });
  });

  it("lists the virtual model first, then every real model", async () => {
    const models = [];
    for await (const model of client.models.list()) models.push(model);
    expect(models[0]).toMatchObject({ id: "smarterrouter/main", object: "model" });
    expect(models.map((m) => m.id)).toEqual(expect.arrayContaining(["llama3.2:3b", "qwen2.5-coder:14b", "nomic-embed-text:latest"]));
    expect(models.slice(1).every((m) => m.owned_by === kind)).toBe(true);
  });

  it("returns embeddings as floats and as base64", async () => {
    const floats = await client.embeddings.create({ model: "nomic-embed-text:latest", input: ["one", "two"], encoding_format: "float" });
    expect(floats.data).toHaveLength(2);
    expect(floats.data[1].index).toBe(1);
    expect(floats.data[0].embedding).toHaveLength(768);
    const raw = await fetch(`${harness.url}/v1/embeddings`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ model: "nomic-embed-text:latest", input: "one", encoding_format: "base64" }),
    });
    const encoded: string = (await raw.json()).data[0].embedding;
    // Little-endian float32, as OpenAI sends it: the vector must equal the float one.
    const bytes = Buffer.from(encoded, "base64");
    const decoded = Array.from({ length: bytes.length / 4 }, (_, i) => bytes.readFloatLE(i * 4));
    expect(decoded).toHaveLength(768);
    decoded.forEach((value, i) => expect(value).toBeCloseTo(floats.data[0].embedding[i], 5));
  });
});

describe("parameter mapping on the Ollama backend", () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ database, env: (url) => ({ ROUTER_OLLAMA_URL: url, ROUTER_MODEL_KEEP_ALIVE: "10m" }) });
  });
  afterAll(async () => harness?.close());

  it("sends sampling parameters as Ollama options, streaming or not", async () => {
    for (const stream of [false, true]) {
      const response = await fetch(`${harness.url}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({
          model: "llama3.1:8b",
          stream,
          messages: [{ role: "user", content: `hi (stream ${stream})` }],
          temperature: 0.3,
          top_p: 0.9,
          max_tokens: 64,
          stop: ["END"],
          seed: 7,
          presence_penalty: 0.5,
          frequency_penalty: 0.25,
          response_format: { type: "json_object" },
        }),
      });
      expect(response.status).toBe(200);
      await response.text();
      const [sent] = (await harness.received("/api/chat")).slice(-1);
      expect(sent.body).toMatchObject({
        model: "llama3.1:8b",
        stream,
        keep_alive: "10m",
        format: "json",
        options: { temperature: 0.3, top_p: 0.9, num_predict: 64, stop: ["END"], seed: 7, presence_penalty: 0.5, frequency_penalty: 0.25 },
      });
    }
  });
});

describe("parameter mapping on an OpenAI-compatible backend", () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ database, env: KINDS[1].env });
  });
  afterAll(async () => harness?.close());

  it("forwards the OpenAI fields as sent, with the backend's key and usage requested when streaming", async () => {
    const fields = { temperature: 0.3, top_p: 0.9, max_tokens: 64, stop: ["END"], seed: 7, presence_penalty: 0.5, frequency_penalty: 0.25, logit_bias: { "42": -5 }, user: "u-1" };
    for (const stream of [false, true]) {
      const response = await fetch(`${harness.url}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ model: "llama3.1:8b", stream, messages: [{ role: "user", content: `hi (stream ${stream})` }], response_format: { type: "json_object" }, ...fields }),
      });
      expect(response.status).toBe(200);
      await response.text();
      const [sent] = (await harness.received("/v1/chat/completions")).slice(-1) as { body: Record<string, unknown>; hasAuthorization?: boolean }[];
      expect(sent.hasAuthorization).toBe(true);
      expect(sent.body).toMatchObject({ model: "llama3.1:8b", stream, response_format: { type: "json_object" }, ...fields });
      if (stream) expect(sent.body.stream_options).toEqual({ include_usage: true });
    }
  });
});

describe.each(KINDS)("failures through the $kind backend", ({ env, chatPath }) => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ database, sim: { timeScale: 0.02 }, env: (url) => ({ ...env(url), ROUTER_FIRST_TOKEN_TIMEOUT: "1" }) });
  });
  afterAll(async () => harness?.close());

  const ask = (body: Record<string, unknown>, init: RequestInit = {}) =>
    fetch(`${harness.url}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body), ...init });
  const prompt = { messages: [{ role: "user", content: "Summarise the plot of Hamlet." }] };

  async function routedModel(): Promise<string> {
    await harness.setFaults([]);
    const response = await ask(prompt);
    await response.text();
    return response.headers.get("x-smarterrouter-model")!;
  }

  it.each([
    ["a 500", { status: 500 }],
    ["a 429", { status: 429, retryAfterS: 3 }],
    ["a stall before the first byte", { stallMs: "forever" }],
  ])("falls back to the next model on %s", async (_name, fault) => {
    const first = await routedModel();
    await harness.setFaults([{ model: first, ...fault }]);
    const response = await ask({ ...prompt, stream: "stallMs" in fault });
    const body = await response.text();
    expect(response.status, body).toBe(200);
    const answeredBy = response.headers.get("x-smarterrouter-model");
    expect(answeredBy).not.toBe(first);
    await harness.runtime.decisions.flush();
  }, 20_000);

  it("falls back to another backend when one stops accepting connections", async () => {
    // A second fleet, listed first, serving the model routing picks for this prompt: its copy wins.
    const first = await routedModel();
    const doomed = await startSimulator({
      port: 0,
      timeScale: 0,
      config: { models: [{ name: first, parameterSize: "3.2B", quality: 0.7, capabilities: ["completion", "tools"] }] },
    });
    const pair = await startHarness({
      database,
      env: (url) => ({ ROUTER_BACKENDS: JSON.stringify([{ name: "doomed", kind: "ollama", url: doomed.url }, { name: "sim", kind: "ollama", url }]) }),
    });
    try {
      const before = await fetch(`${pair.url}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(prompt) });
      expect(before.headers.get("x-smarterrouter-model")).toBe(first);
      await before.text();
      expect((await (await fetch(`${doomed.url}/__sim/requests?path=/api/chat`)).json()).requests).toHaveLength(1);
      await doomed.close();
      const after = await fetch(`${pair.url}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(prompt) });
      expect(after.status).toBe(200);
      expect(after.headers.get("x-smarterrouter-model")).not.toBe(first);
      expect((await after.json()).choices[0].message.content).toBeTruthy();
    } finally {
      await pair.close();
    }
  });

  it("does not retry a 400 from the backend on other models", async () => {
    const first = await routedModel();
    await harness.setFaults([{ model: "*", status: 400, message: "bad parameter" }]);
    await fetch(`${harness.sim.url}/__sim/requests`, { method: "DELETE" });
    const response = await ask(prompt);
    expect(response.status).toBe(400);
    expect((await response.json()).error.message).toContain("bad parameter");
    const sent = await harness.received(chatPath);
    expect(sent.map((request) => request.body.model)).toEqual([first]);
  });

  it("ends a stream cut after the first byte with one error event and no [DONE]", async () => {
    const first = await routedModel();
    await harness.setFaults([{ model: first, cutAfterChunks: 3 }]);
    const response = await ask({ ...prompt, stream: true });
    expect(response.status).toBe(200);
    const frames = (await response.text()).split("\n\n").filter(Boolean);
    expect(frames.at(-1)).toMatch(/^data: \{"error":\{"message":".+"/);
    expect(frames).not.toContain("data: [DONE]");
    expect(frames.filter((frame) => frame.includes('"error"'))).toHaveLength(1);
  });

  it("gives 504 when every model stalls, naming the timeout", async () => {
    const slow = await startHarness({ database, env: (url) => ({ ...env(url), ROUTER_FIRST_TOKEN_TIMEOUT: "1", ROUTER_MAX_FALLBACKS: "1" }) });
    try {
      await slow.setFaults([{ model: "*", stallMs: "forever" }]);
      const response = await fetch(`${slow.url}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ ...prompt, stream: true }) });
      expect(response.status).toBe(504);
      expect((await response.json()).error.message).toMatch(/ROUTER_FIRST_TOKEN_TIMEOUT/);
      expect((await slow.received(chatPath)).length).toBe(2);
    } finally {
      await slow.close();
    }
  });

  it("cancels the upstream request when the client disconnects", async () => {
    // Real-time pacing, so the answer is still streaming when the client leaves.
    const live = await startHarness({ database, env, sim: { timeScale: 1 } });
    try {
      const controller = new AbortController();
      const response = await fetch(`${live.url}/v1/chat/completions`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ model: "deepseek-r1:14b", stream: true, ...prompt }),
        signal: controller.signal,
      });
      await response.body!.getReader().read();
      controller.abort();
      await expect.poll(async () => (await (await fetch(`${live.sim.url}/__sim/state`)).json()).abortedRequests, { timeout: 5000 }).toBe(1);
    } finally {
      await live.close();
    }
  });

});

describe("bad input", () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ database, env: (url) => ({ ROUTER_OLLAMA_URL: url, ROUTER_MAX_BODY_BYTES: "2048" }) });
  });
  afterAll(async () => harness?.close());

  const post = (body: string, contentType = "application/json") => fetch(`${harness.url}/v1/chat/completions`, { method: "POST", headers: { "content-type": contentType }, body });

  it.each([
    ["malformed JSON", "{oops", 400, /not valid JSON/],
    ["no messages", JSON.stringify({ model: "auto" }), 400, /messages/],
    ["empty messages", JSON.stringify({ messages: [] }), 400, /messages/],
    ["an unknown role", JSON.stringify({ messages: [{ role: "wizard", content: "hi" }] }), 400, /role/],
    ["a wrong type", JSON.stringify({ messages: [{ role: "user", content: "hi" }], temperature: "hot" }), 400, /temperature/],
    ["a body over the limit", JSON.stringify({ messages: [{ role: "user", content: "x".repeat(5000) }] }), 413, /too large/],
  ])("rejects %s with a clear OpenAI-shaped error", async (_name, body, status, message) => {
    const response = await post(body);
    expect(response.status).toBe(status);
    const { error } = await response.json();
    expect(error.message).toMatch(message);
    expect(error).toHaveProperty("type");
    expect(response.headers.get("x-request-id")).toBeTruthy();
    expect((await harness.received("/api/chat")).length).toBe(0);
  });

  it("rejects a non-JSON content type with 415", async () => {
    const response = await post("hello", "text/plain");
    expect(response.status).toBe(415);
  });

  it("echoes a well-formed X-Request-ID and replaces a malformed one", async () => {
    const body = JSON.stringify({ messages: [{ role: "user", content: "hi" }] });
    const echoed = await fetch(`${harness.url}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json", "x-request-id": "trace-123" }, body });
    expect(echoed.headers.get("x-request-id")).toBe("trace-123");
    const replaced = await fetch(`${harness.url}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json", "x-request-id": "bad id\twith spaces" }, body });
    expect(replaced.headers.get("x-request-id")).not.toContain(" ");
  });
});

describe("feedback", () => {
  let harness: Harness;
  beforeAll(async () => {
    harness = await startHarness({ database });
  });
  afterAll(async () => harness?.close());

  const feedback = (body: unknown) => fetch(`${harness.url}/v1/feedback`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });

  it("links a rating to the routing decision of that response", async () => {
    const chat = await (await fetch(`${harness.url}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ messages: [{ role: "user", content: "Write a poem" }] }) })).json();
    const response = await feedback({ response_id: chat.id, score: 1 });
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ status: "success", model: chat.model, linked: true });
  });

  it("accepts the documented 0..2 scale when asked and rejects out-of-range scores", async () => {
    expect((await feedback({ model: "llama3.1:8b", score: 2, scale: "positive" })).status).toBe(200);
    const bad = await feedback({ model: "llama3.1:8b", score: 2 });
    expect(bad.status).toBe(400);
    expect((await bad.json()).error.param).toBe("score");
  });

  it("404s an unknown response id without a model", async () => {
    expect((await feedback({ response_id: "chatcmpl-nope", score: 0 })).status).toBe(404);
  });
});
