import { describe, expect, it } from "vitest";
import { CircuitBreaker } from "./circuit-breaker";

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
});
