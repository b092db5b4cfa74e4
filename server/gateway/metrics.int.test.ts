import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrateDatabase, openDatabase, type DatabaseHandle } from "../db";
import { sampleValue } from "../observability/test-metrics";
import { startHarness, type Harness } from "./test-harness";

// The metric families of METRICS.md as a scraper sees them after real traffic through the
// gateway (the route wrapper included) against the simulated fleet. Values are compared as
// before/after differences, so the tests do not depend on each other's traffic.

let database: DatabaseHandle;
let harness: Harness;
beforeAll(async () => {
  database = await openDatabase("memory://");
  await migrateDatabase(database);
  harness = await startHarness({ database });
});
afterAll(async () => {
  await harness?.close();
  await database?.close();
});

const CHAT = "/v1/chat/completions";
const scrape = async (target = harness) => (await fetch(`${target.url}/metrics`)).text();

function chat(body: Record<string, unknown>, target = harness): Promise<Response> {
  return fetch(`${target.url}${CHAT}`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
}

/** How much a sample grew while `action` ran. */
async function growth<T>(action: () => Promise<T>, target = harness): Promise<{ result: T; delta: (name: string, labels?: Record<string, string>) => number; after: string }> {
  const before = await scrape(target);
  const result = await action();
  const after = await scrape(target);
  return { result, after, delta: (name, labels) => sampleValue(after, name, labels) - sampleValue(before, name, labels) };
}

type Usage = { prompt_tokens: number; completion_tokens: number };

describe("a routed chat request", () => {
  it("counts the request, the routing decision, the selection, the attempt and the backend's tokens", async () => {
    const { result, delta } = await growth(async () => {
      const response = await chat({ messages: [{ role: "user", content: "Write a Python function that reverses a linked list." }] });
      return { response, body: (await response.json()) as { model: string; usage: Usage } };
    });
    const { response, body } = result;
    expect(response.status).toBe(200);
    const model = response.headers.get("x-smarterrouter-model")!;
    const category = response.headers.get("x-smarterrouter-category")!;
    const gen = { gen_ai_operation_name: "chat", gen_ai_provider_name: "ollama", gen_ai_request_model: model };

    expect(delta("smarterrouter_requests_total", { endpoint: CHAT, method: "POST", status: "200" })).toBe(1);
    expect(delta("smarterrouter_request_duration_seconds_count", { endpoint: CHAT, method: "POST" })).toBe(1);
    expect(delta("smarterrouter_routing_decisions_total", { selected_model: model, category, reason: "routed" })).toBe(1);
    expect(delta("smarterrouter_routing_decision_duration_seconds_count")).toBe(1);
    expect(delta("smarterrouter_cache_misses_total", { cache_type: "routing" })).toBe(1);
    expect(delta("smarterrouter_model_selections_total", { selected_model: model, category })).toBe(1);
    expect(delta("gen_ai_client_operation_duration_seconds_count", { ...gen, gen_ai_response_model: model })).toBe(1);
    // Token counters carry exactly what the backend reported (prompt_eval_count / eval_count).
    expect(body.usage.completion_tokens).toBeGreaterThan(0);
    expect(delta("smarterrouter_tokens_total", { model, direction: "input" })).toBe(body.usage.prompt_tokens);
    expect(delta("smarterrouter_tokens_total", { model, direction: "output" })).toBe(body.usage.completion_tokens);
    expect(delta("gen_ai_client_token_usage_sum", { ...gen, gen_ai_token_type: "input" })).toBe(body.usage.prompt_tokens);
    expect(delta("gen_ai_client_token_usage_sum", { ...gen, gen_ai_token_type: "output" })).toBe(body.usage.completion_tokens);
    expect(delta("gen_ai_client_token_usage_count", { ...gen, gen_ai_token_type: "output" })).toBe(1);
    // Overhead is the number the header shows.
    expect(delta("smarterrouter_overhead_seconds_count", { endpoint: CHAT })).toBe(1);
    expect(delta("smarterrouter_overhead_seconds_sum", { endpoint: CHAT })).toBeCloseTo(Number(response.headers.get("x-smarterrouter-overhead-ms")) / 1000, 9);
    // Not streamed: no first-token metrics.
    expect(delta("smarterrouter_time_to_first_token_seconds_count")).toBe(0);
  });

  it("streams: first token, time per output token and the usage of the final chunk", async () => {
    const { result, delta } = await growth(async () => {
      const response = await chat({ messages: [{ role: "user", content: "Tell me a short story about a lighthouse." }], stream: true, stream_options: { include_usage: true } });
      const frames = (await response.text()).split("\n\n").filter((frame) => frame.startsWith("data: {"));
      const usage = frames.map((frame) => JSON.parse(frame.slice(6)) as { usage?: Usage }).find((chunk) => chunk.usage)?.usage;
      return { response, usage: usage! };
    });
    const model = result.response.headers.get("x-smarterrouter-model")!;
    expect(delta("smarterrouter_requests_total", { endpoint: CHAT, status: "200" })).toBe(1);
    expect(delta("smarterrouter_time_to_first_token_seconds_count", { model })).toBe(1);
    expect(delta("gen_ai_server_time_to_first_token_seconds_count", { gen_ai_request_model: model, gen_ai_provider_name: "ollama" })).toBe(1);
    expect(delta("smarterrouter_time_per_output_token_seconds_count", { model })).toBe(1);
    expect(delta("smarterrouter_tokens_total", { model, direction: "input" })).toBe(result.usage.prompt_tokens);
    expect(delta("smarterrouter_tokens_total", { model, direction: "output" })).toBe(result.usage.completion_tokens);
    expect(delta("gen_ai_client_operation_duration_seconds_count", { gen_ai_request_model: model, gen_ai_response_model: model })).toBe(1);
  });

  it("counts an explicit model as an explicit decision, and a client error under its status", async () => {
    const { delta } = await growth(async () => {
      expect((await chat({ model: "llama3.2:3b", messages: [{ role: "user", content: "hi" }] })).status).toBe(200);
      expect((await chat({ messages: [] })).status).toBe(400);
    });
    expect(delta("smarterrouter_routing_decisions_total", { selected_model: "llama3.2:3b", category: "none", complexity_tier: "none", reason: "explicit" })).toBe(1);
    expect(delta("smarterrouter_model_selections_total", { selected_model: "llama3.2:3b", category: "none" })).toBe(1);
    expect(delta("smarterrouter_errors_total", { endpoint: CHAT, error_type: "400" })).toBe(1);
    expect(delta("smarterrouter_requests_total", { endpoint: CHAT, method: "POST", status: "400" })).toBe(1);
  });
});

describe("fallbacks and caches", () => {
  const prompt = { messages: [{ role: "user", content: "Summarise the causes of the French Revolution." }] };

  it("counts a fallback (from, to, reason), the failed attempt and a routing-cache hit", async () => {
    const routed = await chat(prompt);
    await routed.text();
    const first = routed.headers.get("x-smarterrouter-model")!;
    await harness.setFaults([{ model: first, status: 500 }]);
    try {
      const { result, delta } = await growth(async () => chat(prompt));
      expect(result.status).toBe(200);
      const second = result.headers.get("x-smarterrouter-model")!;
      expect(second).not.toBe(first);
      expect(delta("smarterrouter_fallbacks_total", { from_model: first, to_model: second, reason: "http_5xx" })).toBe(1);
      expect(delta("smarterrouter_upstream_errors_total", { backend: "ollama", model: first, kind: "http_5xx" })).toBe(1);
      expect(delta("gen_ai_client_operation_duration_seconds_count", { gen_ai_request_model: first, error_type: "http_5xx" })).toBe(1);
      expect(delta("gen_ai_client_operation_duration_seconds_count", { gen_ai_request_model: second, gen_ai_response_model: second })).toBe(1);
      // Same prompt, same fleet: routing came from its cache; the served model is the fallback.
      expect(delta("smarterrouter_cache_hits_total", { cache_type: "routing" })).toBe(1);
      expect(delta("smarterrouter_routing_decisions_total", { selected_model: first, reason: "cache_hit" })).toBe(1);
      expect(delta("smarterrouter_model_selections_total", { selected_model: second })).toBe(1);
    } finally {
      await harness.setFaults([]);
    }
  });

  it("counts response-cache misses and hits; a cached answer adds no backend tokens", async () => {
    const deterministic = { messages: [{ role: "user", content: "Name three primary colours." }], temperature: 0 };
    const miss = await growth(async () => (await chat(deterministic)).json());
    expect(miss.delta("smarterrouter_cache_misses_total", { cache_type: "response" })).toBe(1);
    const hit = await growth(async () => {
      const response = await chat(deterministic);
      return { model: response.headers.get("x-smarterrouter-model")!, body: await response.json() };
    });
    expect(hit.delta("smarterrouter_cache_hits_total", { cache_type: "response" })).toBe(1);
    expect(hit.delta("smarterrouter_model_selections_total", { selected_model: hit.result.model })).toBe(1);
    expect(hit.delta("smarterrouter_tokens_total")).toBe(0);
    expect(hit.delta("gen_ai_client_operation_duration_seconds_count")).toBe(0);
  });
});

describe("other endpoints and the registry", () => {
  it("observes feedback scores per model", async () => {
    const { delta } = await growth(async () => {
      const response = await fetch(`${harness.url}/v1/feedback`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ model: "llama3.1:8b", score: 0.5 }) });
      expect(response.status).toBe(200);
      await fetch(`${harness.url}/v1/feedback`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ model: "made-up-model", score: -1 }) });
    });
    expect(delta("smarterrouter_feedback_score_count", { model: "llama3.1:8b" })).toBe(1);
    expect(delta("smarterrouter_feedback_score_sum", { model: "llama3.1:8b" })).toBe(0.5);
    expect(delta("smarterrouter_feedback_score_count", { model: "other" })).toBe(1);
    expect(delta("smarterrouter_requests_total", { endpoint: "/v1/feedback", status: "200" })).toBe(2);
  });

  it("times embeddings attempts as gen_ai embeddings operations", async () => {
    const { delta } = await growth(async () => {
      const response = await fetch(`${harness.url}/v1/embeddings`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ model: "nomic-embed-text:latest", input: "hello" }) });
      expect(response.status).toBe(200);
    });
    expect(delta("gen_ai_client_operation_duration_seconds_count", { gen_ai_operation_name: "embeddings", gen_ai_request_model: "nomic-embed-text:latest" })).toBe(1);
    expect(delta("smarterrouter_requests_total", { endpoint: "/v1/embeddings", status: "200" })).toBe(1);
  });

  it("reports each backend up with its model count after discovery", async () => {
    const models = ((await (await fetch(`${harness.url}/v1/models`)).json()) as { data: unknown[] }).data.length - 1;
    const text = await scrape();
    expect(sampleValue(text, "smarterrouter_backend_up", { backend: "ollama" })).toBe(1);
    expect(sampleValue(text, "smarterrouter_models_available", { backend: "ollama" })).toBe(models);
  });

  it("reports a backend that stops answering discovery as down with no models", async () => {
    const lonely = await startHarness({ database, env: (url) => ({ ROUTER_BACKENDS: JSON.stringify([{ name: "gone", kind: "ollama", url: `${url}/nowhere` }]) }) });
    try {
      const text = await scrape(lonely);
      expect(sampleValue(text, "smarterrouter_backend_up", { backend: "gone" })).toBe(0);
      expect(sampleValue(text, "smarterrouter_models_available", { backend: "gone" })).toBe(0);
    } finally {
      await lonely.close();
    }
  });

  it("answers an unknown path with an OpenAI 404 counted as unmatched", async () => {
    const { result, delta } = await growth(async () => fetch(`${harness.url}/v1/chat/complete`, { method: "POST" }));
    expect(result.status).toBe(404);
    expect(await result.json()).toMatchObject({ error: { type: "not_found_error", param: null, code: "unknown_path" } });
    expect(delta("smarterrouter_requests_total", { endpoint: "unmatched", method: "POST", status: "404" })).toBe(1);
  });
});

describe("stream duration", () => {
  it("is measured to the last byte of the stream", async () => {
    // Real-time pacing: the stream takes visibly longer than its first byte.
    const live = await startHarness({ database, sim: { timeScale: 1 } });
    try {
      const { result, delta } = await growth(async () => {
        const started = performance.now();
        const response = await chat({ model: "llama3.2:3b", messages: [{ role: "user", content: "Explain why the sky is blue." }], stream: true }, live);
        const headersAt = performance.now();
        await response.text();
        return { streaming: (performance.now() - headersAt) / 1000, total: (performance.now() - started) / 1000 };
      }, live);
      expect(result.streaming).toBeGreaterThan(0.1);
      const recorded = delta("smarterrouter_request_duration_seconds_sum", { endpoint: CHAT, method: "POST" });
      expect(delta("smarterrouter_request_duration_seconds_count", { endpoint: CHAT, method: "POST" })).toBe(1);
      // Recorded at the first byte it would be about total - streaming; at the end it is about total.
      expect(recorded).toBeGreaterThan(result.total - result.streaming / 2);
      expect(recorded).toBeLessThanOrEqual(result.total);
    } finally {
      await live.close();
    }
  }, 30_000);
});
