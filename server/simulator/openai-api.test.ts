import OpenAI from "openai";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Simulator } from "./server";
import { chatBody, getJson, post, postJson, sseData, startTestSimulator } from "./test-support";

type Json = Record<string, unknown>;
type Completion = {
  id: string;
  object: string;
  created: number;
  model: string;
  choices: Array<{ index: number; message: { role: string; content: string | null; tool_calls?: Array<{ id: string; type: string; function: { name: string; arguments: string } }> }; finish_reason: string; logprobs: null }>;
  usage: { prompt_tokens: number; completion_tokens: number; total_tokens: number };
};

let sim: Simulator;
let client: OpenAI;

beforeAll(async () => {
  sim = await startTestSimulator();
  client = new OpenAI({ baseURL: `${sim.url}/v1`, apiKey: "unused", maxRetries: 0 });
});
afterAll(() => sim.close());
beforeEach(async () => {
  await post(sim.url, "/__sim/reset", {});
});

const LOOKUP_TOOL = {
  type: "function" as const,
  function: {
    name: "search_docs",
    description: "Search the documentation",
    parameters: { type: "object", properties: { query: { type: "string" }, limit: { type: "integer", minimum: 1, maximum: 10 } }, required: ["query"] },
  },
};

describe("/v1/models", () => {
  it("lists models in OpenAI's shape", async () => {
    const body = await getJson<{ object: string; data: Json[] }>(sim.url, "/v1/models");
    expect(body.object).toBe("list");
    expect(body.data[0]).toEqual({ id: "small:1b", object: "model", created: expect.any(Number), owned_by: "library" });
    const one = await client.models.retrieve("big:14b");
    expect(one.id).toBe("big:14b");
  });
});

describe("/v1/chat/completions", () => {
  it("answers non-streaming requests field by field", async () => {
    const { status, body } = await postJson<Completion>(sim.url, "/v1/chat/completions", chatBody("small:1b", "Tell me about rivers"));
    expect(status).toBe(200);
    expect(body).toMatchObject({ id: expect.stringMatching(/^chatcmpl-/), object: "chat.completion", model: "small:1b" });
    expect(Number.isInteger(body.created)).toBe(true);
    expect(body.choices).toEqual([{ index: 0, message: { role: "assistant", content: expect.stringMatching(/\w/) }, finish_reason: "stop", logprobs: null }]);
    expect(body.usage.total_tokens).toBe(body.usage.prompt_tokens + body.usage.completion_tokens);
  });

  it("streams SSE chunks that the official SDK reads, with include_usage", async () => {
    const stream = await client.chat.completions.create({
      model: "small:1b",
      messages: [{ role: "user", content: "Tell me about rivers" }],
      stream: true,
      stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks[0].choices[0].delta).toEqual({ role: "assistant", content: "" });
    expect(chunks[0].object).toBe("chat.completion.chunk");
    const text = chunks.map((c) => c.choices[0]?.delta.content ?? "").join("");
    const finish = chunks.find((c) => c.choices[0]?.finish_reason);
    expect(finish?.choices[0].finish_reason).toBe("stop");
    const usageChunk = chunks.at(-1);
    expect(usageChunk?.choices).toEqual([]);
    expect(usageChunk?.usage?.completion_tokens).toBe(chunks.filter((c) => c.choices[0]?.delta.content).length);

    const plain = await postJson<Completion>(sim.url, "/v1/chat/completions", chatBody("small:1b", "Tell me about rivers"));
    expect(text).toBe(plain.body.choices[0].message.content); // same text in both modes
  });

  it("ends the raw SSE stream with [DONE] and omits usage unless asked", async () => {
    const res = await post(sim.url, "/v1/chat/completions", chatBody("small:1b", "hi", { stream: true }));
    expect(res.headers.get("content-type")).toMatch(/^text\/event-stream/);
    const events = await sseData(res);
    expect(events.at(-1)).toBe("[DONE]");
    const parsed = events.slice(0, -1).map((e) => JSON.parse(e) as Json);
    expect(parsed.every((e) => !("usage" in e))).toBe(true);
  });

  it("returns tool calls with JSON-string arguments, streamed and not", async () => {
    const body = chatBody("big:14b", "Search the docs for streaming", { tools: [LOOKUP_TOOL] });
    const { body: completion } = await postJson<Completion>(sim.url, "/v1/chat/completions", body);
    const choice = completion.choices[0];
    expect(choice.finish_reason).toBe("tool_calls");
    expect(choice.message.content).toBeNull();
    const call = choice.message.tool_calls?.[0];
    expect(call).toMatchObject({ id: expect.stringMatching(/^call_/), type: "function", function: { name: "search_docs" } });
    const args = JSON.parse(call?.function.arguments ?? "") as Json;
    expect(args).toEqual({ query: expect.stringContaining("Search the docs"), limit: expect.any(Number) });

    const stream = await client.chat.completions.create({ ...(body as { model: string; messages: [] }), tools: [LOOKUP_TOOL], stream: true });
    let streamedArgs = "";
    let name = "";
    let finish = "";
    for await (const chunk of stream) {
      const delta = chunk.choices[0]?.delta;
      for (const toolCall of delta?.tool_calls ?? []) {
        expect(toolCall.index).toBe(0);
        name += toolCall.function?.name ?? "";
        streamedArgs += toolCall.function?.arguments ?? "";
      }
      finish = chunk.choices[0]?.finish_reason ?? finish;
    }
    expect(name).toBe("search_docs");
    expect(JSON.parse(streamedArgs)).toEqual(args);
    expect(finish).toBe("tool_calls");
  });

  it("honours tool_choice none and response_format", async () => {
    const none = await postJson<Completion>(sim.url, "/v1/chat/completions", chatBody("big:14b", "Search the docs", { tools: [LOOKUP_TOOL], tool_choice: "none" }));
    expect(none.body.choices[0].finish_reason).toBe("stop");
    const jsonObject = await client.chat.completions.create({ model: "small:1b", messages: [{ role: "user", content: "List a colour as JSON" }], response_format: { type: "json_object" } });
    expect(JSON.parse(jsonObject.choices[0].message.content ?? "")).toEqual(expect.any(Object));
    const schema = { type: "object", properties: { answer: { type: "number" }, unit: { type: "string" } }, required: ["answer", "unit"] };
    const structured = await client.chat.completions.create({
      model: "big:14b",
      messages: [{ role: "user", content: "What is 12 * 12?" }],
      response_format: { type: "json_schema", json_schema: { name: "result", schema, strict: true } },
    });
    expect(JSON.parse(structured.choices[0].message.content ?? "")).toEqual({ answer: expect.any(Number), unit: expect.any(String) });
  });

  it("truncates at max_tokens with finish_reason length", async () => {
    const { body } = await postJson<Completion>(sim.url, "/v1/chat/completions", chatBody("small:1b", "Tell me a long story", { max_tokens: 4 }));
    expect(body.choices[0].finish_reason).toBe("length");
    expect(body.usage.completion_tokens).toBe(4);
  });

  it("accepts image parts only for vision models", async () => {
    const content = [
      { type: "text", text: "What is in this picture?" },
      { type: "image_url", image_url: { url: "data:image/png;base64,iVBORw0KGgo=" } },
    ];
    const rejected = await postJson(sim.url, "/v1/chat/completions", { model: "small:1b", messages: [{ role: "user", content }] });
    expect(rejected.status).toBe(400);
    expect(rejected.body).toEqual({ error: { message: expect.stringContaining("image"), type: "invalid_request_error", param: null, code: null } });
    const accepted = await postJson(sim.url, "/v1/chat/completions", { model: "vision:7b", messages: [{ role: "user", content }] });
    expect(accepted.status).toBe(200);
  });
});

describe("/v1/embeddings", () => {
  it("returns float and little-endian float32 base64 encodings of the same vectors", async () => {
    const input = ["the quick brown fox", "a lazy dog"];
    const floats = await postJson<{ object: string; data: Array<{ object: string; index: number; embedding: number[] }>; model: string; usage: Json }>(sim.url, "/v1/embeddings", {
      model: "embed:latest",
      input,
    });
    expect(floats.body).toMatchObject({ object: "list", model: "embed:latest", usage: { prompt_tokens: expect.any(Number), total_tokens: expect.any(Number) } });
    expect(floats.body.data.map((d) => [d.object, d.index, d.embedding.length])).toEqual([
      ["embedding", 0, 64],
      ["embedding", 1, 64],
    ]);
    const b64 = await postJson<{ data: Array<{ embedding: string }> }>(sim.url, "/v1/embeddings", { model: "embed:latest", input, encoding_format: "base64" });
    const bytes = Buffer.from(b64.body.data[0].embedding, "base64");
    const decoded = Array.from({ length: bytes.length / 4 }, (_, i) => bytes.readFloatLE(i * 4));
    expect(decoded).toEqual(floats.body.data[0].embedding);

    const viaSdk = await client.embeddings.create({ model: "embed:latest", input: "the quick brown fox" }); // the SDK asks for base64
    expect(viaSdk.data[0].embedding).toEqual(floats.body.data[0].embedding);
    const shortened = await client.embeddings.create({ model: "embed:latest", input: "the quick brown fox", dimensions: 16, encoding_format: "float" });
    expect(shortened.data[0].embedding).toHaveLength(16);
  });

  it("rejects empty input and non-embedding models", async () => {
    expect((await postJson(sim.url, "/v1/embeddings", { model: "embed:latest", input: "" })).status).toBe(400);
    const wrong = await postJson(sim.url, "/v1/embeddings", { model: "small:1b", input: "x" });
    expect(wrong).toMatchObject({ status: 400, body: { error: { type: "invalid_request_error" } } });
  });
});

describe("errors and auth", () => {
  it("uses OpenAI's error shape and statuses", async () => {
    const missing = await postJson(sim.url, "/v1/chat/completions", chatBody("ghost", "hi"));
    expect(missing).toEqual({ status: 404, body: { error: { message: "The model `ghost` does not exist or you do not have access to it.", type: "invalid_request_error", param: null, code: "model_not_found" } } });
    const noMessages = await postJson(sim.url, "/v1/chat/completions", { model: "small:1b" });
    expect(noMessages).toEqual({ status: 400, body: { error: { message: "Missing required parameter: 'messages'.", type: "invalid_request_error", param: "messages", code: null } } });
    const badJson = await post(sim.url, "/v1/chat/completions", "{oops");
    expect(badJson.status).toBe(400);
    expect(((await badJson.json()) as { error: Json }).error.type).toBe("invalid_request_error");
    const unknown = await post(sim.url, "/v1/unknown", {});
    expect(unknown.status).toBe(404);
    await expect(client.chat.completions.create({ model: "ghost", messages: [{ role: "user", content: "hi" }] })).rejects.toMatchObject({ status: 404, code: "model_not_found" });
  });

  it("requires the configured API key on /v1 and logs requests without it", async () => {
    const locked = await startTestSimulator({ apiKey: "sk-sim-123" });
    try {
      const anonymous = await post(locked.url, "/v1/chat/completions", chatBody("small:1b", "hi"));
      expect(anonymous.status).toBe(401);
      expect(((await anonymous.json()) as { error: Json }).error).toMatchObject({ type: "invalid_request_error", code: "invalid_api_key" });
      const wrong = new OpenAI({ baseURL: `${locked.url}/v1`, apiKey: "sk-wrong", maxRetries: 0 });
      await expect(wrong.models.list()).rejects.toMatchObject({ status: 401 });
      const right = new OpenAI({ baseURL: `${locked.url}/v1`, apiKey: "sk-sim-123", maxRetries: 0 });
      const reply = await right.chat.completions.create({ model: "small:1b", messages: [{ role: "user", content: "hi" }] });
      expect(reply.choices[0].message.role).toBe("assistant");
      expect((await fetch(`${locked.url}/api/tags`)).status).toBe(200); // Ollama's API has no auth

      const { requests } = await getJson<{ requests: Array<{ path: string; method: string; body: Json; headers: Json; hasAuthorization: boolean }> }>(locked.url, "/__sim/requests?path=/v1/chat/completions");
      expect(requests).toHaveLength(2);
      expect(requests[1]).toMatchObject({ method: "POST", path: "/v1/chat/completions", hasAuthorization: true, body: { model: "small:1b" } });
      expect(requests[1].headers.authorization).toBeUndefined();
      expect(requests[0].hasAuthorization).toBe(false);
      await fetch(`${locked.url}/__sim/requests`, { method: "DELETE" });
      expect((await getJson<{ requests: unknown[] }>(locked.url, "/__sim/requests")).requests).toEqual([]);
    } finally {
      await locked.close();
    }
  });
});
