import { Counter, Histogram, Registry, type RegistryContentType } from "prom-client";
import { describe, expect, it } from "vitest";
import { fastCounter, fastHistogram } from "./series";

const BUCKETS = [0.005, 0.01, 0.025, 0.1, 1];

function pair(exemplars = false) {
  const make = () => {
    const registry = new Registry<RegistryContentType>();
    if (exemplars) registry.setContentType(Registry.OPENMETRICS_CONTENT_TYPE);
    const counter = new Counter({ name: "t_requests_total", help: "h", labelNames: ["endpoint", "status", "error_type"], registers: [registry] });
    const histogram = new Histogram({ name: "t_duration_seconds", help: "h", labelNames: ["endpoint", "model"], buckets: BUCKETS, registers: [registry], enableExemplars: exemplars });
    return { registry, counter, histogram };
  };
  return { plain: make(), fast: make() };
}

// Exemplar timestamps are the wall clock at the update: equal in substance, not in digits.
const render = async (registry: Registry<RegistryContentType>) => (await registry.metrics()).replace(/ \d+\.\d+$/gm, " <ts>");

describe("fast counter and histogram updates", () => {
  it("render exactly what prom-client's own inc and observe render", async () => {
    const { plain, fast } = pair();
    const inc = fastCounter(fast.counter);
    const observe = fastHistogram(fast.histogram);
    const values = [0.001, 0.005, 0.0051, 0.02, 0.5, 3, 0, 0.1];
    for (let round = 0; round < 3; round++) {
      for (const [index, value] of values.entries()) {
        const endpoint = index % 2 ? "/v1/chat/completions" : "/v1/embeddings";
        plain.counter.inc({ endpoint, status: 200 });
        inc({ endpoint, status: 200 });
        plain.counter.inc({ endpoint, status: "500", error_type: "500" }, 2);
        inc({ endpoint, status: "500", error_type: "500" }, 2);
        plain.histogram.observe({ endpoint, model: "llama3.2:3b" }, value);
        observe({ endpoint, model: "llama3.2:3b" }, value);
        plain.histogram.observe({ endpoint }, value * 2); // a label left out is its own series
        observe({ endpoint }, value * 2);
      }
    }
    const text = await render(fast.registry);
    expect(text).toContain('t_duration_seconds_bucket{le="0.005",endpoint="/v1/embeddings",model="llama3.2:3b"} 6');
    expect(text).toBe(await render(plain.registry));
  });

  it("start again after reset and remove, as prom-client does", async () => {
    const { plain, fast } = pair();
    const inc = fastCounter(fast.counter);
    const observe = fastHistogram(fast.histogram);
    for (const target of [plain, fast]) target.counter.inc({ endpoint: "/a" }, 0); // created outside the fast path
    inc({ endpoint: "/a" });
    plain.counter.inc({ endpoint: "/a" });
    observe({ endpoint: "/a" }, 0.2);
    plain.histogram.observe({ endpoint: "/a" }, 0.2);
    for (const target of [plain, fast]) {
      target.counter.reset();
      target.histogram.remove({ endpoint: "/a" });
    }
    inc({ endpoint: "/a" }, 3);
    plain.counter.inc({ endpoint: "/a" }, 3);
    observe({ endpoint: "/a" }, 0.003);
    plain.histogram.observe({ endpoint: "/a" }, 0.003);
    const text = await render(fast.registry);
    expect(text).toContain('t_requests_total{endpoint="/a"} 3');
    expect(text).toContain('t_duration_seconds_count{endpoint="/a"} 1');
    expect(text).toBe(await render(plain.registry));
  });

  it("refuse bad input as prom-client does, and count nothing for it", async () => {
    const { fast } = pair();
    const inc = fastCounter(fast.counter);
    const observe = fastHistogram(fast.histogram);
    inc({ endpoint: "/a" });
    observe({ endpoint: "/a" }, 0.01);
    expect(() => inc({ endpoint: "/a" }, -1)).toThrow(/decrease/);
    expect(() => observe({ endpoint: "/a" }, Number.NaN)).toThrow(/not a valid number/);
    expect(() => inc({ nope: "x" } as never)).toThrow(/label/i);
    const text = await fast.registry.metrics();
    expect(text).toContain('t_requests_total{endpoint="/a"} 1');
    expect(text).toContain('t_duration_seconds_count{endpoint="/a"} 1');
  });

  it("keep the latest exemplar of each bucket", async () => {
    const { plain, fast } = pair(true);
    const observe = fastHistogram(fast.histogram);
    for (const [value, trace] of [[0.002, "a"], [0.003, "b"], [0.5, undefined], [0.6, "c"]] as const) {
      const exemplar = trace ? { trace_id: trace } : undefined;
      observe({ endpoint: "/x" }, value, exemplar);
      plain.histogram.observe({ labels: { endpoint: "/x" }, value, exemplarLabels: exemplar as never });
    }
    const text = await render(fast.registry);
    expect(text).toMatch(/le="0.005",endpoint="\/x"} 2 # \{trace_id="b"\} 0.003/);
    expect(text).toBe(await render(plain.registry));
  });
});
