import { readFileSync } from "node:fs";
import { join } from "node:path";
import { trace, type Attributes, type Span, type Tracer, type TracerProvider } from "@opentelemetry/api";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ModelRegistry } from "../backends/registry";
import { parseConfig } from "../config/env";
import { createLogger } from "../observability/logger";
import { HISTORY_LIMIT, VramMonitor } from "./monitor";
import type { ToolRunner } from "./run-tool";

// The monitor without backends: GPU samples from a recorded nvidia-smi output, the span each
// sample produces, and the bounded history.

type Recorded = { name: string; attributes: Attributes; events: { name: string; attributes?: Attributes }[]; ended: boolean };
const spans: Recorded[] = [];

function recordingProvider(): TracerProvider {
  const tracer = {
    startSpan(name: string) {
      const recorded: Recorded = { name, attributes: {}, events: [], ended: false };
      spans.push(recorded);
      const span = {
        setAttributes: (attributes: Attributes) => (Object.assign(recorded.attributes, attributes), span),
        addEvent: (event: string, attributes?: Attributes) => (recorded.events.push({ name: event, attributes }), span),
        end: () => void (recorded.ended = true),
      };
      return span as unknown as Span;
    },
  };
  return { getTracer: () => tracer as unknown as Tracer };
}

beforeAll(() => trace.setGlobalTracerProvider(recordingProvider()));
afterAll(() => trace.disable());

const twoGpus = readFileSync(join(__dirname, "fixtures", "nvidia-smi-two-rtx4090.txt"), "utf8");
const silent = createLogger({ level: "CRITICAL", format: "text", write: () => {} });

function monitor(run: ToolRunner, env: Record<string, string> = {}): VramMonitor {
  const config = parseConfig({ ROUTER_VRAM_SAMPLER: "nvidia", ...env });
  return new VramMonitor({ config, logger: silent, registry: new ModelRegistry([], silent), run, platform: "linux", arch: "x64" });
}

describe("VramMonitor", () => {
  it("exports each sample as a vram.sample span with one event per GPU", async () => {
    const vram = monitor(async () => ({ ok: true, stdout: twoGpus }));
    await vram.start();
    const span = spans.findLast((s) => s.name === "vram.sample");
    expect(span).toMatchObject({ ended: true, attributes: { "smarterrouter.vram.gpu_count": 2, "smarterrouter.vram.total_bytes": 2 * 24564 * 1024 * 1024 } });
    expect(span?.events.map((e) => [e.name, e.attributes?.["gpu.index"], e.attributes?.["gpu.vendor"]])).toEqual([
      ["gpu", 0, "nvidia"],
      ["gpu", 1, "nvidia"],
    ]);
    vram.stop();
  });

  it("keeps a bounded history", async () => {
    const vram = monitor(async () => ({ ok: true, stdout: twoGpus }));
    for (let i = 0; i < HISTORY_LIMIT + 5; i++) await vram.sampleNow();
    expect(vram.historySince(60)).toHaveLength(HISTORY_LIMIT);
  });

  it("turns a GPU that stops answering into an unavailable state, keeping the detected budget", async () => {
    let answer = true;
    const vram = monitor(async () => (answer ? { ok: true, stdout: twoGpus } : { ok: true, stdout: "Unable to determine the device handle for GPU0000:01:00.0: Unknown Error" }));
    await vram.start();
    answer = false;
    const sample = await vram.sampleNow();
    expect(sample.gpus).toEqual([]);
    expect(vram.samplerStatus().states).toEqual([{ vendor: "nvidia", ok: false, reason: expect.stringContaining("unexpected nvidia-smi output") }]);
    expect(vram.manager.budget()).toEqual({ bytes: 0.9 * 2 * 24564 * 1024 * 1024, source: "detected" });
    vram.stop();
  });

  it("never samples when monitoring is off, and the budget is only the configured one", async () => {
    let calls = 0;
    const vram = monitor(
      async () => {
        calls++;
        return { ok: true, stdout: twoGpus };
      },
      { ROUTER_VRAM_MONITOR_ENABLED: "false", ROUTER_VRAM_MAX_TOTAL_GB: "12" },
    );
    await vram.start();
    expect(calls).toBe(0);
    expect(vram.manager.budget()).toEqual({ bytes: 12 * 1024 ** 3, source: "configured" });
  });
});
