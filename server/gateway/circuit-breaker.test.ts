import { describe, expect, it } from "vitest";
import { renderMetrics } from "../observability/metrics";
import { parseSamples } from "../observability/test-metrics";
import { CircuitBreaker } from "./circuit-breaker";

/** The model's circuit series as /metrics shows them (absent: undefined). */
async function series(model: string) {
  const samples = parseSamples((await renderMetrics("prometheus")).body).filter((sample) => sample.labels.model === model);
  const value = (name: string) => samples.find((sample) => sample.name === name)?.value;
  return { state: value("smarterrouter_circuit_state"), opens: value("smarterrouter_circuit_opens_total") };
}

function breaker(options: { enabled?: boolean } = {}) {
  let now = 1_000_000;
  const circuit = new CircuitBreaker({ enabled: options.enabled ?? true, failureThreshold: 3, cooldownMs: 30_000, now: () => now });
  return { circuit, advance: (ms: number) => (now += ms) };
}

describe("CircuitBreaker", () => {
  it("opens after the threshold of consecutive failures and blocks the model for the cooldown", () => {
    const { circuit, advance } = breaker();
    circuit.recordFailure("a");
    circuit.recordFailure("a");
    expect(circuit.allows("a")).toBe(true);
    circuit.recordFailure("a");
    expect(circuit.state("a")).toBe("open");
    expect(circuit.allows("a")).toBe(false);
    expect(circuit.allows("b")).toBe(true);
    advance(29_999);
    expect(circuit.allows("a")).toBe(false);
    expect(circuit.snapshot()).toEqual([expect.objectContaining({ model: "a", state: "open", failures: 3 })]);
  });

  it("a success in between resets the count", () => {
    const { circuit } = breaker();
    circuit.recordFailure("a");
    circuit.recordFailure("a");
    circuit.recordSuccess("a");
    circuit.recordFailure("a");
    circuit.recordFailure("a");
    expect(circuit.state("a")).toBe("closed");
  });

  it("after the cooldown lets a probe through: success closes, failure reopens for another cooldown", () => {
    const { circuit, advance } = breaker();
    for (let i = 0; i < 3; i++) circuit.recordFailure("a");
    advance(30_000);
    expect(circuit.state("a")).toBe("half_open");
    expect(circuit.allows("a")).toBe(true);
    circuit.recordFailure("a"); // the probe failed
    expect(circuit.state("a")).toBe("open");
    advance(29_000);
    expect(circuit.allows("a")).toBe(false);
    advance(1_000);
    expect(circuit.state("a")).toBe("half_open");
    circuit.recordSuccess("a");
    expect(circuit.state("a")).toBe("closed");
    expect(circuit.snapshot()).toEqual([]);
  });

  it("never opens when disabled", () => {
    const { circuit } = breaker({ enabled: false });
    for (let i = 0; i < 10; i++) circuit.recordFailure("a");
    expect(circuit.allows("a")).toBe(true);
  });

  it("shows a model's circuit on /metrics as closed with no opens from the first time routing asks about it, then follows it", async () => {
    const model = `metrics-${process.pid}:7b`;
    const { circuit, advance } = breaker();
    expect(await series(model)).toEqual({ state: undefined, opens: undefined });
    expect(circuit.allows(model)).toBe(true);
    expect(await series(model)).toEqual({ state: 0, opens: 0 });
    for (let i = 0; i < 3; i++) circuit.recordFailure(model);
    expect(await series(model)).toEqual({ state: 1, opens: 1 });
    advance(30_000);
    expect(circuit.allows(model)).toBe(true);
    expect(await series(model)).toEqual({ state: 2, opens: 1 });
    circuit.recordSuccess(model);
    expect(circuit.allows(model)).toBe(true);
    expect(await series(model)).toEqual({ state: 0, opens: 1 });
  });
});
