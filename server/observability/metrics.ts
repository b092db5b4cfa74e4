import { collectDefaultMetrics, Registry } from "prom-client";

// Every metric lives in this file, on one registry kept on globalThis: Next loads the
// instrumentation bundle and route bundles as separate module copies.

function createMetrics() {
  const registry = new Registry();
  // Process metrics keep their conventional names (process_*, nodejs_*) so stock dashboards work.
  collectDefaultMetrics({ register: registry });
  return { registry };
}

type Metrics = ReturnType<typeof createMetrics>;
const holder = globalThis as unknown as { __smarterrouterMetrics?: Metrics };

export const metrics: Metrics = (holder.__smarterrouterMetrics ??= createMetrics());
