import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { context, propagation, trace } from "@opentelemetry/api";
import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTracing, type TracingHandle } from "../../instrumentation.node";
import { migrateDatabase, openDatabase, type DatabaseHandle } from "../db";
import { routingDecisions } from "../db/schema";
import { startHarness, type Harness } from "../gateway/test-harness";
import { parseConfig } from "../config/env";
import { createJob, ProfilingWorker } from "../profiling/jobs";
import { createLogger } from "./logger";
import { recordEvaluation } from "./tracing";

// The real SDK set-up (instrumentation.node.ts) exporting OTLP/HTTP JSON to a local receiver,
// with requests through the gateway against the simulated fleet.

type AttributeValue = { stringValue?: string; intValue?: number | string; doubleValue?: number; boolValue?: boolean; arrayValue?: { values: AttributeValue[] } };
type OtlpAttribute = { key: string; value: AttributeValue };
type OtlpSpan = {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes?: OtlpAttribute[];
  events?: { name: string; attributes?: OtlpAttribute[] }[];
  status?: { code?: number; message?: string };
};
type Span = Omit<OtlpSpan, "attributes"> & { attributes: Record<string, unknown>; resource: Record<string, unknown> };

const SPAN_KIND = { INTERNAL: 1, SERVER: 2, CLIENT: 3 };
const STATUS_ERROR = 2;

function decode(value: AttributeValue): unknown {
  if (value.arrayValue) return (value.arrayValue.values ?? []).map(decode);
  if (value.intValue !== undefined) return Number(value.intValue);
  return value.stringValue ?? value.doubleValue ?? value.boolValue;
}
const attributesOf = (attributes: OtlpAttribute[] = []) => Object.fromEntries(attributes.map(({ key, value }) => [key, decode(value)]));

let receiver: Server;
const received: Span[] = [];
let tracing: TracingHandle;
let database: DatabaseHandle;
let harness: Harness;

beforeAll(async () => {
  // Spans are exported only by flush() (the scheduled export never fires), so a test that flushes
  // has everything its request produced.
  receiver = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = JSON.parse(Buffer.concat(chunks).toString("utf8")) as {
        resourceSpans: { resource: { attributes: OtlpAttribute[] }; scopeSpans: { spans: OtlpSpan[] }[] }[];
      };
      for (const resourceSpans of body.resourceSpans) {
        const resource = attributesOf(resourceSpans.resource.attributes);
        for (const scope of resourceSpans.scopeSpans) for (const span of scope.spans) received.push({ ...span, attributes: attributesOf(span.attributes), resource });
      }
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
    });
  });
  await new Promise<void>((resolve) => receiver.listen(0, "127.0.0.1", resolve));
  tracing = startTracing({ endpoint: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/`, serviceName: "smarterrouter-test", serviceVersion: "9.9.9", exportDelayMs: 3_600_000 });
  database = await openDatabase("memory://");
  await migrateDatabase(database);
  harness = await startHarness({ database });
});

afterAll(async () => {
  await harness?.close();
  await tracing?.shutdown();
  trace.disable();
  context.disable();
  propagation.disable();
  await new Promise((resolve) => receiver?.close(resolve));
  await database?.close();
});

function chat(body: Record<string, unknown>, target = harness): Promise<Response> {
  return fetch(`${target.url}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
}

/** The trace of one request, found through the trace id its decision row carries. */
async function traceOf(response: Response, target = harness): Promise<{ traceId: string; spans: Span[] }> {
  await target.runtime.decisions.flush();
  const [row] = await database.db.select().from(routingDecisions).where(eq(routingDecisions.requestId, response.headers.get("x-request-id")!));
  expect(row.traceId).toMatch(/^[0-9a-f]{32}$/);
  await tracing.flush();
  return { traceId: row.traceId!, spans: received.filter((span) => span.traceId === row.traceId) };
}

const byStart = (a: Span, b: Span) => Number(BigInt(a.startTimeUnixNano) - BigInt(b.startTimeUnixNano));

describe("spans of a chat request", () => {
  it("has a route span and a chat {model} CLIENT span with the GenAI attributes, under the request span", async () => {
    const response = await chat({ messages: [{ role: "user", content: "Write a SQL query that counts orders per customer." }], temperature: 0.3, top_p: 0.9, max_tokens: 64 });
    const body = (await response.json()) as { model: string; usage: { prompt_tokens: number; completion_tokens: number } };
    const { spans } = await traceOf(response);

    const server = spans.find((span) => span.kind === SPAN_KIND.SERVER)!;
    expect(server).toMatchObject({ name: "POST /v1/chat/completions", attributes: { "http.route": "/v1/chat/completions", "http.response.status_code": 200 } });
    expect(server.resource).toMatchObject({ "service.name": "smarterrouter-test", "service.version": "9.9.9" });

    const route = spans.find((span) => span.name === "route")!;
    expect(route.parentSpanId).toBe(server.spanId);
    expect(route.attributes).toMatchObject({
      "smarterrouter.routing.category": response.headers.get("x-smarterrouter-category"),
      "smarterrouter.routing.complexity_tier": expect.stringMatching(/^(simple|medium|hard)$/),
      "smarterrouter.routing.selected_model": body.model,
      "smarterrouter.routing.reason": "routed",
      "smarterrouter.routing.cache_hit": false,
    });
    expect(route.attributes["smarterrouter.routing.complexity"]).toEqual(expect.any(Number));
    expect(route.attributes["smarterrouter.routing.candidates"]).toBeGreaterThan(1);

    const calls = spans.filter((span) => span.kind === SPAN_KIND.CLIENT);
    expect(calls).toHaveLength(1);
    expect(calls[0].name).toBe(`chat ${body.model}`);
    expect(calls[0].parentSpanId).toBe(server.spanId);
    expect(calls[0].attributes).toMatchObject({
      "gen_ai.operation.name": "chat",
      "gen_ai.provider.name": "ollama",
      "gen_ai.request.model": body.model,
      "gen_ai.response.model": body.model,
      "gen_ai.usage.input_tokens": body.usage.prompt_tokens,
      "gen_ai.usage.output_tokens": body.usage.completion_tokens,
      "gen_ai.response.finish_reasons": ["stop"],
      "gen_ai.request.temperature": 0.3,
      "gen_ai.request.top_p": 0.9,
      "gen_ai.request.max_tokens": 64,
      "gen_ai.request.stream": false,
      "server.address": "127.0.0.1",
    });
    // Content stays off the spans unless the operator opts in.
    expect(calls[0].attributes).not.toHaveProperty("gen_ai.input.messages");
    expect(calls[0].attributes).not.toHaveProperty("gen_ai.output.messages");
  });

  it("shows a fallback as two sibling chat spans, the failed one with error status and error.type", async () => {
    const prompt = { messages: [{ role: "user", content: "List the planets of the solar system." }] };
    const first = (await (await chat(prompt)).json()) as { model: string };
    await harness.setFaults([{ model: first.model, status: 500 }]);
    try {
      const response = await chat(prompt);
      const body = (await response.json()) as { model: string };
      const { spans } = await traceOf(response);
      const server = spans.find((span) => span.kind === SPAN_KIND.SERVER)!;
      const calls = spans.filter((span) => span.kind === SPAN_KIND.CLIENT).sort(byStart);
      expect(calls.map((span) => span.name)).toEqual([`chat ${first.model}`, `chat ${body.model}`]);
      expect(calls.every((span) => span.parentSpanId === server.spanId)).toBe(true);
      expect(calls[0].status?.code).toBe(STATUS_ERROR);
      expect(calls[0].attributes["error.type"]).toBe("http_5xx");
      expect(calls[1].status?.code ?? 0).not.toBe(STATUS_ERROR);
      expect(calls[1].attributes).not.toHaveProperty("error.type");
      expect(spans.find((span) => span.name === "route")?.attributes["smarterrouter.routing.cache_hit"]).toBe(true);
    } finally {
      await harness.setFaults([]);
    }
  });

  it("ends a stream's chat span when the stream ends, with its usage", async () => {
    // A fleet that streams in real time (tens of ms), so "ended with the stream" and "ended when the
    // headers went out" are far apart (hundreds of ms); the two ends may differ by a few ms, as the
    // request span ends when the HTTP writer has read the last byte.
    const slow = await startHarness({ database, sim: { timeScale: 1 } });
    try {
      const response = await chat({ messages: [{ role: "user", content: "Write a limerick about tea." }], stream: true, stream_options: { include_usage: true } }, slow);
      const frames = (await response.text()).split("\n\n").filter((frame) => frame.startsWith("data: {"));
      const usage = frames.map((frame) => JSON.parse(frame.slice(6)) as { usage?: { completion_tokens: number } }).find((chunk) => chunk.usage)!.usage!;
      const { spans } = await traceOf(response, slow);
      const call = spans.find((span) => span.kind === SPAN_KIND.CLIENT)!;
      expect(call.attributes).toMatchObject({ "gen_ai.request.stream": true, "gen_ai.usage.output_tokens": usage.completion_tokens, "gen_ai.response.finish_reasons": ["stop"] });
      const server = spans.find((span) => span.kind === SPAN_KIND.SERVER)!;
      const ms = (span: Span, field: "startTimeUnixNano" | "endTimeUnixNano") => Number(BigInt(span[field]) / 1000n) / 1000;
      expect(ms(server, "endTimeUnixNano") - ms(server, "startTimeUnixNano")).toBeGreaterThan(100); // it really streamed for a while
      expect(Math.abs(ms(server, "endTimeUnixNano") - ms(call, "endTimeUnixNano"))).toBeLessThan(10);
    } finally {
      await slow.close();
    }
  });

  it("traces embeddings as an embeddings {model} CLIENT span", async () => {
    const response = await fetch(`${harness.url}/v1/embeddings`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ model: "nomic-embed-text:latest", input: "hello" }) });
    expect(response.status).toBe(200);
    await tracing.flush();
    const span = received.find((candidate) => candidate.name === "embeddings nomic-embed-text:latest");
    expect(span).toMatchObject({ kind: SPAN_KIND.CLIENT, attributes: { "gen_ai.operation.name": "embeddings", "gen_ai.request.model": "nomic-embed-text:latest" } });
  });

  it("links latency histograms to traces with exemplars in OpenMetrics", async () => {
    const response = await chat({ messages: [{ role: "user", content: "What is the capital of Portugal?" }] });
    await response.text();
    const { traceId } = await traceOf(response);
    const metrics = await (await fetch(`${harness.url}/metrics`, { headers: { accept: "application/openmetrics-text" } })).text();
    expect(metrics.endsWith("# EOF\n")).toBe(true);
    expect(metrics).toMatch(new RegExp(`^smarterrouter_request_duration_seconds_bucket\\{[^}]*\\} \\d+ # \\{trace_id="${traceId}"\\}`, "m"));
  });
});

describe("content on spans, when the operator opts in", () => {
  it("puts gen_ai.input.messages and gen_ai.output.messages on the chat span", async () => {
    const withContent = await startHarness({ database, env: (url) => ({ ROUTER_OLLAMA_URL: url, ROUTER_TRACE_CONTENT: "true" }) });
    try {
      const response = await chat({ messages: [{ role: "user", content: "Say the word marmalade." }] }, withContent);
      const body = (await response.json()) as { choices: { message: { content: string } }[] };
      const { spans } = await traceOf(response, withContent);
      const call = spans.find((span) => span.kind === SPAN_KIND.CLIENT)!;
      expect(JSON.parse(call.attributes["gen_ai.input.messages"] as string)).toEqual([{ role: "user", parts: [{ type: "text", content: "Say the word marmalade." }] }]);
      const output = JSON.parse(call.attributes["gen_ai.output.messages"] as string) as { role: string; parts: { content: string }[]; finish_reason: string }[];
      expect(output[0]).toMatchObject({ role: "assistant", finish_reason: "stop" });
      // The client's copy also carries the router's signature line; the model's answer is its start.
      expect(body.choices[0].message.content.startsWith(output[0].parts[0].content)).toBe(true);
    } finally {
      await withContent.close();
    }
  });
});

describe("a rate-limited request", () => {
  it("carries a rate_limit.rejected event on its request span", async () => {
    const limited = await startHarness({ database, env: (url) => ({ ROUTER_OLLAMA_URL: url, ROUTER_RATE_LIMIT_ENABLED: "true", ROUTER_RATE_LIMIT_REQUESTS_PER_MINUTE: "1" }) });
    try {
      expect((await chat({ messages: [{ role: "user", content: "one" }] }, limited)).status).toBe(200);
      expect((await chat({ messages: [{ role: "user", content: "two" }] }, limited)).status).toBe(429);
      await tracing.flush();
      const rejected = received.filter((span) => span.events?.some((event) => event.name === "rate_limit.rejected"));
      expect(rejected).toHaveLength(1);
      expect(rejected[0]).toMatchObject({ kind: SPAN_KIND.SERVER, attributes: { "http.response.status_code": 429 } });
      expect(attributesOf(rejected[0]!.events!.find((event) => event.name === "rate_limit.rejected")!.attributes)).toEqual({ "smarterrouter.rate_limit.scope": "client", "smarterrouter.rate_limit.limit": 1 });
    } finally {
      await limited.close();
    }
  });
});

describe("recordEvaluation", () => {
  it("adds a gen_ai.evaluation.result event with name, score, label and explanation", async () => {
    const span = trace.getTracer("judge-test").startSpan("chat gpt-4o");
    recordEvaluation(span, { name: "profile.coding", score: 0.8, label: "pass", explanation: "correct and idiomatic" });
    recordEvaluation(span, { name: "profile.math", score: 0.25 });
    span.end();
    await tracing.flush();
    const exported = received.find((candidate) => candidate.spanId === span.spanContext().spanId)!;
    const events = exported.events!.map((event) => ({ name: event.name, attributes: attributesOf(event.attributes) }));
    expect(events).toEqual([
      {
        name: "gen_ai.evaluation.result",
        attributes: { "gen_ai.evaluation.name": "profile.coding", "gen_ai.evaluation.score.value": 0.8, "gen_ai.evaluation.score.label": "pass", "gen_ai.evaluation.explanation": "correct and idiomatic" },
      },
      { name: "gen_ai.evaluation.result", attributes: { "gen_ai.evaluation.name": "profile.math", "gen_ai.evaluation.score.value": 0.25 } },
    ]);
  });
});

describe("profiling spans", () => {
  it("puts each judge verdict on the profiled answer's chat span as a gen_ai.evaluation.result event", async () => {
    const config = parseConfig({
      ROUTER_OLLAMA_URL: harness.sim.url,
      ROUTER_JUDGE_ENABLED: "true",
      ROUTER_JUDGE_BASE_URL: `${harness.sim.url}/v1`,
      ROUTER_JUDGE_MODEL: "sim-judge",
      ROUTER_PROFILE_PROMPTS_PER_CATEGORY: "1",
      ROUTER_PROFILE_VRAM_SAMPLE_DELAY: "0",
    });
    const worker = new ProfilingWorker(database, harness.runtime.registry, config, createLogger({ level: "CRITICAL", format: "text", write: () => {} }));
    await createJob(database, { models: ["mistral-nemo:12b"] });
    await worker.work();
    await tracing.flush();
    const judged = received
      .filter((span) => span.name === "chat mistral-nemo:12b" && span.kind === SPAN_KIND.CLIENT)
      .flatMap((span) => (span.events ?? []).map((event) => ({ span: span.attributes, event: event.name, attributes: attributesOf(event.attributes) })));
    // six of the seven prompts go to the judge (math is checked deterministically)
    expect(judged).toHaveLength(6);
    const creative = judged.find((entry) => entry.attributes["gen_ai.evaluation.name"] === "smarterrouter.profile.creative")!;
    expect(creative).toMatchObject({ span: { "gen_ai.provider.name": "ollama", "gen_ai.request.model": "mistral-nemo:12b" }, event: "gen_ai.evaluation.result", attributes: { "gen_ai.evaluation.score.label": "creative-1" } });
    expect(creative.attributes["gen_ai.evaluation.score.value"]).toBeCloseTo(0.78, 1);
  });
});
