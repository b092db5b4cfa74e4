import { recordCircuitKnown, recordCircuitState, type CircuitState } from "../observability/metrics";

export type CircuitSnapshot = { model: string; state: CircuitState; failures: number; openedAt?: string; retryAt?: string };

const MAX_KNOWN_MODELS = 10_000;

type Circuit = { failures: number; openedAt?: number; reported: CircuitState };

/**
 * Per-model circuit breaker. `failureThreshold` consecutive failed attempts open a model's circuit:
 * routing skips it for `cooldownMs`. After that it is half-open: requests reach it again and the
 * first outcome decides (a success closes it, a failure opens it for another cooldown). A failing
 * model then costs one fallback per cooldown instead of one per request. State is per instance:
 * each router judges the backends it talks to.
 */
export class CircuitBreaker {
  private readonly circuits = new Map<string, Circuit>();
  /** Models whose series exist (routing asks about discovered models only; bounded all the same). */
  private readonly known = new Set<string>();
  private readonly now: () => number;

  constructor(private readonly options: { enabled: boolean; failureThreshold: number; cooldownMs: number; now?: () => number }) {
    this.now = options.now ?? Date.now;
  }

  state(model: string): CircuitState {
    const circuit = this.circuits.get(model);
    if (!circuit) this.meet(model);
    if (!circuit || circuit.openedAt === undefined) return "closed";
    const state = this.now() - circuit.openedAt >= this.options.cooldownMs ? "half_open" : "open";
    this.report(model, circuit, state);
    return state;
  }

  /** False while the circuit is open: routing must not send this model anything. */
  allows(model: string): boolean {
    return !this.options.enabled || this.state(model) !== "open";
  }

  recordSuccess(model: string): void {
    const circuit = this.circuits.get(model);
    if (!circuit) return;
    // Closed again: forget the model, so the map only holds models that are failing.
    this.circuits.delete(model);
    this.report(model, circuit, "closed");
  }

  recordFailure(model: string): void {
    if (!this.options.enabled) return;
    const circuit = this.circuits.get(model) ?? { failures: 0, reported: "closed" as CircuitState };
    this.circuits.set(model, circuit);
    circuit.failures += 1;
    const probing = circuit.openedAt !== undefined && this.state(model) === "half_open";
    if (probing || (circuit.openedAt === undefined && circuit.failures >= this.options.failureThreshold)) {
      circuit.openedAt = this.now();
      this.report(model, circuit, "open", true);
    }
  }

  /** Every model whose circuit is not closed (explain, /health). */
  snapshot(): CircuitSnapshot[] {
    return [...this.circuits.entries()]
      .filter(([, circuit]) => circuit.openedAt !== undefined)
      .map(([model, circuit]) => ({
        model,
        state: this.state(model),
        failures: circuit.failures,
        openedAt: new Date(circuit.openedAt!).toISOString(),
        retryAt: new Date(circuit.openedAt! + this.options.cooldownMs).toISOString(),
      }));
  }

  /** The first time a model is asked about, its series appear (closed, no opens). */
  private meet(model: string): void {
    if (this.known.has(model) || this.known.size >= MAX_KNOWN_MODELS) return;
    this.known.add(model);
    recordCircuitKnown(model);
  }

  private report(model: string, circuit: Circuit, state: CircuitState, opened = false): void {
    if (circuit.reported === state && !opened) return;
    circuit.reported = state;
    recordCircuitState(model, state, opened);
  }
}
