import { beforeEach, describe, expect, it } from "vitest";
import { EventStreamResponse } from "../gateway/responses";
import { createLogger } from "./logger";
import { withObservability } from "./http";
import { metrics, renderMetrics } from "./metrics";
import { serveMetrics } from "./metrics-endpoint";
import { parseSamples, routerSeries, sampleValue } from "./test-metrics";

// The real catch-all route logs through the process logger: keep the test output quiet.
process.env.ROUTER_LOG_LEVEL = "ERROR";
const { GET: unknownPath } = await import("@/app/[...path]/route");

const scrape = async () => (await renderMetrics("prometheus")).body;

function captureLogger() {
  const lines: string[] = [];
  return { lines, logger: createLogger({ level: "INFO", format: "json", write: (line) => lines.push(line) }) };
}

beforeEach(() => metrics.registry.resetMetrics());

describe("request metrics are labelled by route template", () => {
  it("answers 1,000 distinct unknown paths with an OpenAI 404 and creates no series for them", async () => {
    const first = await unknownPath(new Request("http://router/v2/chat/completions"));
    expect(first.status).toBe(404);
    expect(await first.json()).toMatchObject({ error: { type: "not_found_error", code: "unknown_path", message: expect.stringContaining("Unknown path /v2/chat/completions") } });
    const seriesAfterOne = routerSeries(await scrape()).length;

    for (let i = 0; i < 1000; i++) {
      const response = await unknownPath(new Request(`http://router/scan/${i}/${crypto.randomUUID()}?token=${i}`));
      expect(response.status).toBe(404);
    }
    const text = await scrape();
    expect(routerSeries(text).length).toBe(seriesAfterOne);
    expect(text).not.toContain("/scan/");
    expect(sampleValue(text, "smarterrouter_requests_total", { endpoint: "unmatched", method: "GET", status: "404" })).toBe(1001);
    expect(sampleValue(text, "smarterrouter_errors_total", { endpoint: "unmatched", error_type: "404" })).toBe(1001);
  });

  it("uses the route template, not the path, and folds unknown methods into OTHER", async () => {
    const route = withObservability("/v1/models", async () => Response.json({ object: "list", data: [] }), { quiet: true });
    await route(new Request("http://router/v1/models?unique=1"));
    await route(new Request("http://router/v1/models", { method: "PROPFIND" }));
    const samples = parseSamples(await scrape()).filter((sample) => sample.name === "smarterrouter_requests_total");
    expect(samples.map((sample) => sample.labels)).toEqual([
      { endpoint: "/v1/models", method: "GET", status: "200" },
      { endpoint: "/v1/models", method: "OTHER", status: "200" },
    ]);
  });

  it("counts a handler that throws as a 500", async () => {
    const route = withObservability("/v1/embeddings", async () => Promise.reject(new Error("bug")), { quiet: true });
    await expect(route(new Request("http://router/v1/embeddings", { method: "POST" }))).rejects.toThrow("bug");
    expect(sampleValue(await scrape(), "smarterrouter_errors_total", { endpoint: "/v1/embeddings", error_type: "500" })).toBe(1);
  });
});

describe("streamed responses", () => {
  // The handlers' streams are EventStreamResponses; `push(null)` ends this one.
  function sseRoute(logger = captureLogger().logger) {
    const queue: (string | null)[] = [];
    let wake: () => void = () => undefined;
    async function* chunks(): AsyncGenerator<string> {
      for (;;) {
        if (!queue.length) await new Promise<void>((resolve) => (wake = resolve));
        const chunk = queue.shift()!;
        if (chunk === null) return;
        yield chunk;
      }
    }
    const route = withObservability("/v1/chat/completions", async () => new EventStreamResponse(chunks(), { headers: { "content-type": "text/event-stream", "x-request-id": "req-1" } }), { logger });
    const push = (chunk: string | null) => {
      queue.push(chunk);
      wake();
    };
    return { route, push };
  }

  it("records duration and status when the stream ends, not at the first byte", async () => {
    const { lines, logger } = captureLogger();
    const { route, push } = sseRoute(logger);
    const started = performance.now();
    const response = await route(new Request("http://router/v1/chat/completions", { method: "POST" }));
    const reader = response.body!.getReader();
    push("data: first\n\n");
    expect((await reader.read()).done).toBe(false);
    expect(sampleValue(await scrape(), "smarterrouter_requests_total")).toBe(0);
    expect(lines).toHaveLength(0);

    await new Promise((resolve) => setTimeout(resolve, 60)); // the stream is still open: this time must count
    push("data: [DONE]\n\n");
    push(null);
    while (!(await reader.read()).done);
    const elapsed = (performance.now() - started) / 1000;
    const text = await scrape();
    expect(sampleValue(text, "smarterrouter_requests_total", { endpoint: "/v1/chat/completions", method: "POST", status: "200" })).toBe(1);
    const duration = sampleValue(text, "smarterrouter_request_duration_seconds_sum", { endpoint: "/v1/chat/completions" });
    expect(duration).toBeGreaterThanOrEqual(0.05);
    expect(duration).toBeLessThanOrEqual(elapsed);
    expect(JSON.parse(lines[0])).toMatchObject({ msg: "request", request_id: "req-1", endpoint: "/v1/chat/completions", status: 200, latency_ms: expect.any(Number) });
  });

  it("records a client that leaves mid-stream as 499", async () => {
    const { route, push } = sseRoute();
    const response = await route(new Request("http://router/v1/chat/completions", { method: "POST" }));
    const reader = response.body!.getReader();
    push("data: first\n\n");
    await reader.read();
    await reader.cancel();
    const text = await scrape();
    expect(sampleValue(text, "smarterrouter_requests_total", { status: "499" })).toBe(1);
    expect(sampleValue(text, "smarterrouter_errors_total", { error_type: "499" })).toBe(1);
  });
});

describe("one log line per request", () => {
  it("carries request id, endpoint, model, category, status and latency", async () => {
    const { lines, logger } = captureLogger();
    const route = withObservability(
      "/v1/chat/completions",
      async () =>
        Response.json(
          { error: "upstream failed" },
          { status: 502, headers: { "x-request-id": "req-7", "x-smarterrouter-model": "llama3.1:8b", "x-smarterrouter-category": "coding", "x-smarterrouter-overhead-ms": "1.50" } },
        ),
      { logger },
    );
    await route(new Request("http://router/v1/chat/completions", { method: "POST" }));
    expect(lines).toHaveLength(1);
    expect(JSON.parse(lines[0])).toMatchObject({ level: "INFO", msg: "request", request_id: "req-7", endpoint: "/v1/chat/completions", method: "POST", model: "llama3.1:8b", category: "coding", status: 502 });
    const text = await scrape();
    expect(sampleValue(text, "smarterrouter_overhead_seconds_sum", { endpoint: "/v1/chat/completions" })).toBeCloseTo(0.0015, 9);
  });

  it("stays quiet for scrapes and health checks", async () => {
    const { lines, logger } = captureLogger();
    await withObservability("/metrics", async () => new Response("ok"), { logger, quiet: true })(new Request("http://router/metrics"));
    expect(lines).toHaveLength(0);
    expect(sampleValue(await scrape(), "smarterrouter_requests_total", { endpoint: "/metrics" })).toBe(1);
  });
});

describe("/metrics", () => {
  it("is open without ROUTER_METRICS_TOKEN and needs the bearer token when it is set", async () => {
    expect((await serveMetrics(new Request("http://router/metrics"), undefined)).status).toBe(200);
    const denied = await serveMetrics(new Request("http://router/metrics"), "s3cret");
    expect(denied.status).toBe(401);
    expect(denied.headers.get("www-authenticate")).toMatch(/^Bearer/);
    expect((await serveMetrics(new Request("http://router/metrics", { headers: { authorization: "Bearer wrong" } }), "s3cret")).status).toBe(401);
    const allowed = await serveMetrics(new Request("http://router/metrics", { headers: { authorization: "Bearer s3cret" } }), "s3cret");
    expect(allowed.status).toBe(200);
    expect(allowed.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
  });

  it("speaks OpenMetrics when asked, and the plain format keeps its counter names afterwards", async () => {
    await withObservability("/v1/models", async () => new Response("{}"), { quiet: true })(new Request("http://router/v1/models"));
    const open = await serveMetrics(new Request("http://router/metrics", { headers: { accept: "application/openmetrics-text; version=1.0.0,text/plain;q=0.5" } }), undefined);
    expect(open.headers.get("content-type")).toMatch(/^application\/openmetrics-text; version=1\.0\.0/);
    const body = await open.text();
    expect(body.endsWith("# EOF\n")).toBe(true);
    expect(body).toContain("# TYPE smarterrouter_requests counter");
    expect(body).toMatch(/^smarterrouter_requests_total\{endpoint="\/v1\/models"/m);

    const plain = await (await serveMetrics(new Request("http://router/metrics"), undefined)).text();
    expect(plain).toContain("# TYPE smarterrouter_requests_total counter");
    expect(plain).not.toContain("# EOF");
    expect(sampleValue(plain, "smarterrouter_requests_total", { endpoint: "/v1/models" })).toBe(1);
  });
});
