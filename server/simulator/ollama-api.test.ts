import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Simulator } from "./server";
import { chatBody, getJson, ndjsonLines, post, postJson, startTestSimulator } from "./test-support";

type Json = Record<string, unknown>;
type PsModel = { name: string; size_vram: number; expires_at: string; context_length: number };

let sim: Simulator;
let clock = Date.parse("2025-06-01T00:00:00Z");

beforeAll(async () => {
  sim = await startTestSimulator({}, { now: () => clock });
});
afterAll(() => sim.close());
beforeEach(async () => {
  await post(sim.url, "/__sim/reset", {});
});

const WEATHER_TOOL = {
  type: "function",
  function: {
    name: "get_weather",
    description: "Get the current weather for a city",
    parameters: { type: "object", properties: { city: { type: "string" }, unit: { type: "string", enum: ["celsius", "fahrenheit"] } }, required: ["city"] },
  },
};

describe("model listing", () => {
  it("/api/tags lists every model with Ollama's details", async () => {
    const { models } = await getJson<{ models: Json[] }>(sim.url, "/api/tags");
    expect(models.map((m) => m.name)).toEqual(["small:1b", "big:14b", "vision:7b", "thinker:14b", "embed:latest", "sim-judge"]);
    expect(models[1]).toMatchObject({
      name: "big:14b",
      model: "big:14b",
      modified_at: expect.any(String),
      size: expect.any(Number),
      digest: expect.stringMatching(/^[0-9a-f]{64}$/),
      details: { parent_model: "", format: "gguf", family: "qwen2", families: ["qwen2"], parameter_size: "14B", quantization_level: "Q4_K_M" },
    });
  });

  it("/api/show reports architecture, context length and capabilities", async () => {
    const big = await postJson(sim.url, "/api/show", { model: "big:14b" });
    expect(big.status).toBe(200);
    expect(big.body.capabilities).toEqual(["completion", "tools"]);
    expect(big.body.model_info).toMatchObject({ "general.architecture": "qwen2", "qwen2.context_length": 8192, "general.parameter_count": 14e9 });
    expect(typeof big.body.modelfile).toBe("string");

    const embed = await postJson(sim.url, "/api/show", { name: "embed" }); // bare name resolves to :latest
    expect(embed.body.capabilities).toEqual(["embedding"]);
    expect(embed.body.model_info).toMatchObject({ "nomicbert.embedding_length": 64, "nomicbert.context_length": 2048 });

    const missing = await postJson(sim.url, "/api/show", { model: "ghost" });
    expect(missing).toEqual({ status: 404, body: { error: 'model "ghost" not found, try pulling it first' } });
  });

  it("answers the root and version probes like Ollama", async () => {
    expect(await (await fetch(`${sim.url}/`)).text()).toBe("Ollama is running");
    expect(await getJson(sim.url, "/api/version")).toEqual({ version: expect.any(String) });
    expect(await getJson(sim.url, "/health")).toEqual({ status: "ok" });
  });
});

describe("/api/chat", () => {
  it("streams NDJSON by default, ending with stats in nanoseconds", async () => {
    const res = await post(sim.url, "/api/chat", chatBody("small:1b", "Tell me about rivers"));
    expect(res.headers.get("content-type")).toBe("application/x-ndjson");
    const chunks = (await ndjsonLines(res)).map((line) => JSON.parse(line) as Json);
    expect(chunks.length).toBeGreaterThan(3);
    const last = chunks.at(-1) as Json;
    for (const chunk of chunks.slice(0, -1)) {
      expect(chunk).toMatchObject({ model: "small:1b", created_at: expect.any(String), message: { role: "assistant", content: expect.any(String) }, done: false });
    }
    expect(last).toMatchObject({ done: true, done_reason: "stop", message: { role: "assistant", content: "" } });
    const evalCount = last.eval_count as number;
    expect(evalCount).toBe(chunks.length - 1);
    expect(last.load_duration).toBe(500e6); // cold load of a 500 ms model
    expect(last.eval_duration).toBe(Math.round((evalCount / 100) * 1e9));
    expect(last.total_duration).toBe((last.load_duration as number) + (last.prompt_eval_duration as number) + (last.eval_duration as number));
    expect(last.prompt_eval_count).toBeGreaterThan(0);
  });

  it("answers in one object with stream false; a warm model has no load time", async () => {
    await postJson(sim.url, "/api/chat", chatBody("small:1b", "warm up", { stream: false }));
    const { status, body } = await postJson(sim.url, "/api/chat", chatBody("small:1b", "Tell me about rivers", { stream: false }));
    expect(status).toBe(200);
    expect(body).toMatchObject({ model: "small:1b", done: true, done_reason: "stop", load_duration: 0, message: { role: "assistant" } });
    expect((body.message as Json).content).toMatch(/\w+/);
    for (const field of ["total_duration", "prompt_eval_count", "prompt_eval_duration", "eval_count", "eval_duration"]) {
      expect(body[field]).toEqual(expect.any(Number));
    }
  });

  it("returns tool calls with object arguments for a tools model", async () => {
    const { body } = await postJson(sim.url, "/api/chat", chatBody("big:14b", "What is the weather in Paris today?", { stream: false, tools: [WEATHER_TOOL] }));
    const message = body.message as { content: string; tool_calls: Array<{ function: { name: string; arguments: Json } }> };
    expect(message.content).toBe("");
    expect(message.tool_calls).toEqual([{ function: { name: "get_weather", arguments: { city: "Paris", unit: expect.stringMatching(/celsius|fahrenheit/) } } }]);
  });

  it("streams tool calls in their own chunk", async () => {
    const res = await post(sim.url, "/api/chat", chatBody("big:14b", "Weather in Oslo?", { tools: [WEATHER_TOOL] }));
    const chunks = (await ndjsonLines(res)).map((line) => JSON.parse(line) as { message: Json; done: boolean });
    expect(chunks.find((c) => c.message.tool_calls)?.message.tool_calls).toHaveLength(1);
    expect(chunks.at(-1)?.done).toBe(true);
  });

  it("answers in text after a tool result", async () => {
    const messages = [
      { role: "user", content: "Weather in Oslo?" },
      { role: "assistant", content: "", tool_calls: [{ function: { name: "get_weather", arguments: { city: "Oslo" } } }] },
      { role: "tool", content: "4 degrees and raining" },
    ];
    const { body } = await postJson(sim.url, "/api/chat", { model: "big:14b", messages, tools: [WEATHER_TOOL], stream: false });
    expect((body.message as Json).content).toContain("4 degrees and raining");
  });

  it("rejects tools, images and thinking on models without the capability", async () => {
    const tools = await postJson(sim.url, "/api/chat", chatBody("small:1b", "hi", { tools: [WEATHER_TOOL] }));
    expect(tools).toEqual({ status: 400, body: { error: "registry.ollama.ai/library/small:1b does not support tools" } });
    const image = { model: "small:1b", messages: [{ role: "user", content: "what is this?", images: ["iVBORw0KGgo="] }] };
    expect(await postJson(sim.url, "/api/chat", image)).toEqual({ status: 400, body: { error: "this model is missing data required for image input" } });
    const vision = await postJson(sim.url, "/api/chat", { ...image, model: "vision:7b", stream: false });
    expect(vision.status).toBe(200);
    expect((await postJson(sim.url, "/api/chat", chatBody("small:1b", "hi", { think: true }))).status).toBe(400);
    const chatOnEmbed = await postJson(sim.url, "/api/chat", chatBody("embed:latest", "hi"));
    expect(chatOnEmbed).toEqual({ status: 400, body: { error: '"embed:latest" does not support chat' } });
  });

  it("returns thinking separately for a thinking model", async () => {
    const { body } = await postJson(sim.url, "/api/chat", chatBody("thinker:14b", "Why is the sky blue?", { think: true, stream: false }));
    const message = body.message as Json;
    expect(message.thinking).toMatch(/\w+/);
    expect(message.content).toMatch(/\w+/);
  });

  it("produces valid JSON for format json and for a JSON schema", async () => {
    const asJson = await postJson(sim.url, "/api/chat", chatBody("small:1b", "Describe a cat. Respond using JSON", { format: "json", stream: false }));
    expect(JSON.parse((asJson.body.message as Json).content as string)).toEqual(expect.any(Object));
    const schema = { type: "object", properties: { age: { type: "integer" }, available: { type: "boolean" }, tags: { type: "array", items: { type: "string" } } }, required: ["age", "available"] };
    const structured = await postJson(sim.url, "/api/chat", chatBody("big:14b", "Ollama is 22 years old", { format: schema, stream: false }));
    const value = JSON.parse((structured.body.message as Json).content as string) as Json;
    expect(value).toEqual({ age: expect.any(Number), available: expect.any(Boolean), tags: expect.any(Array) });
    expect(Number.isInteger(value.age)).toBe(true);
  });

  it("stops at num_predict with done_reason length", async () => {
    const { body } = await postJson(sim.url, "/api/chat", chatBody("small:1b", "Tell me a long story", { stream: false, options: { num_predict: 3 } }));
    expect(body).toMatchObject({ done_reason: "length", eval_count: 3 });
  });
});

describe("keep_alive and /api/ps", () => {
  it("loads on an empty request and unloads with keep_alive 0", async () => {
    expect(await getJson(sim.url, "/api/ps")).toEqual({ models: [] });
    const load = await postJson(sim.url, "/api/chat", { model: "big:14b", messages: [] });
    expect(load.body).toMatchObject({ model: "big:14b", done: true, done_reason: "load", message: { role: "assistant", content: "" } });
    const { models } = await getJson<{ models: PsModel[] }>(sim.url, "/api/ps");
    expect(models).toEqual([expect.objectContaining({ name: "big:14b", model: "big:14b", size_vram: 9e9, digest: expect.any(String), details: expect.any(Object), context_length: expect.any(Number) })]);
    expect(Date.parse(models[0].expires_at)).toBe(clock + 5 * 60_000);

    const unload = await postJson(sim.url, "/api/generate", { model: "big:14b", keep_alive: 0 });
    expect(unload.body).toMatchObject({ response: "", done: true, done_reason: "unload" });
    expect(await getJson(sim.url, "/api/ps")).toEqual({ models: [] });
  });

  it("expires a model when its keep_alive runs out", async () => {
    await postJson(sim.url, "/api/generate", { model: "small:1b", prompt: "hi", stream: false, keep_alive: "90s" });
    await postJson(sim.url, "/api/generate", { model: "thinker:14b", prompt: "hi", stream: false, keep_alive: 3600 });
    await postJson(sim.url, "/api/embed", { model: "embed", input: "hi", keep_alive: -1 });
    const names = async (): Promise<string[]> => (await getJson<{ models: PsModel[] }>(sim.url, "/api/ps")).models.map((m) => m.name).sort();
    expect(await names()).toEqual(["embed:latest", "small:1b", "thinker:14b"]);
    clock += 2 * 60_000;
    expect(await names()).toEqual(["embed:latest", "thinker:14b"]);
    clock += 2 * 3600_000;
    expect(await names()).toEqual(["embed:latest"]);
    const forever = (await getJson<{ models: PsModel[] }>(sim.url, "/api/ps")).models[0];
    expect(forever.expires_at.startsWith("2318")).toBe(true);
  });

  it("rejects an unparseable keep_alive", async () => {
    const res = await postJson(sim.url, "/api/generate", { model: "small:1b", prompt: "hi", keep_alive: "soon" });
    expect(res.status).toBe(400);
  });

  it("evicts the least recently used model when VRAM is full", async () => {
    const tight = await startTestSimulator({ gpuVramGb: 12 });
    try {
      await postJson(tight.url, "/api/generate", { model: "vision:7b", prompt: "hi", stream: false });
      await postJson(tight.url, "/api/generate", { model: "small:1b", prompt: "hi", stream: false });
      await postJson(tight.url, "/api/generate", { model: "big:14b", prompt: "hi", stream: false });
      const { models } = await getJson<{ models: PsModel[] }>(tight.url, "/api/ps");
      expect(models.map((m) => m.name).sort()).toEqual(["big:14b", "small:1b"]);
    } finally {
      await tight.close();
    }
  });
});

describe("/api/generate and embeddings", () => {
  it("streams `response` chunks and ends with context", async () => {
    const res = await post(sim.url, "/api/generate", { model: "small:1b", prompt: "Why is the sky blue?", system: "Be brief." });
    const chunks = (await ndjsonLines(res)).map((line) => JSON.parse(line) as Json);
    expect(chunks[0]).toMatchObject({ model: "small:1b", response: expect.any(String), done: false });
    expect(chunks.at(-1)).toMatchObject({ done: true, done_reason: "stop", context: expect.any(Array), eval_count: chunks.length - 1 });
  });

  it("embeds a string or a list with /api/embed", async () => {
    const { status, body } = await postJson<{ embeddings: number[][]; prompt_eval_count: number; model: string }>(sim.url, "/api/embed", { model: "embed:latest", input: ["Why is the sky blue?", "Why is the grass green?"] });
    expect(status).toBe(200);
    expect(body.model).toBe("embed:latest");
    expect(body.embeddings).toHaveLength(2);
    expect(body.embeddings[0]).toHaveLength(64);
    expect(Math.hypot(...body.embeddings[0])).toBeCloseTo(1, 5);
    expect(body.prompt_eval_count).toBeGreaterThan(0);
    const single = await postJson<{ embeddings: number[][] }>(sim.url, "/api/embed", { model: "embed:latest", input: "Why is the sky blue?" });
    expect(single.body.embeddings).toEqual([body.embeddings[0]]);
    const legacy = await postJson<{ embedding: number[] }>(sim.url, "/api/embeddings", { model: "embed:latest", prompt: "Why is the sky blue?" });
    expect(legacy.body.embedding).toEqual(body.embeddings[0]);
    const notEmbedding = await postJson(sim.url, "/api/embed", { model: "small:1b", input: "x" });
    expect(notEmbedding.status).toBe(400);
  });
});

describe("errors and determinism", () => {
  it("404s an unknown model, 400s bad JSON and a missing model", async () => {
    expect(await postJson(sim.url, "/api/chat", chatBody("nope:7b", "hi"))).toEqual({ status: 404, body: { error: 'model "nope:7b" not found, try pulling it first' } });
    const bad = await post(sim.url, "/api/chat", "{not json");
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as Json).error).toMatch(/invalid JSON/);
    expect(await postJson(sim.url, "/api/chat", { messages: [] })).toEqual({ status: 400, body: { error: "model is required" } });
    expect((await post(sim.url, "/api/nothing", {})).status).toBe(404);
  });

  it("gives the same output for the same request and seed, and differs across seeds", async () => {
    const ask = async (url: string, extra: Json = {}): Promise<string> =>
      ((await postJson(url, "/api/chat", chatBody("small:1b", "Write a short note about trees", { stream: false, ...extra }))).body.message as Json).content as string;
    const first = await ask(sim.url);
    expect(await ask(sim.url)).toBe(first);
    expect(await ask(sim.url, { options: { seed: 99 } })).not.toBe(first);
    const other = await startTestSimulator({ seed: 8 });
    try {
      expect(await ask(other.url)).not.toBe(first);
    } finally {
      await other.close();
    }
  });
});
