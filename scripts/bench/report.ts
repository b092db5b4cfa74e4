// Renders the benchmark results as markdown (stdout + report.md) and JSON (report.json).
import { round, type Summary } from "./stats";

export interface WorkloadFigures {
  target: string;
  stream: boolean;
  concurrency: number;
  requests: number;
  errors: number;
  firstError?: string;
  requestsPerSecond: number;
  /** Non-streaming: full response. Streaming: last byte. */
  latencyMs: Summary;
  /** Streaming only: first SSE chunk. */
  firstByteMs?: Summary;
  overheadHeaderMs?: Summary;
  /** CPU time of the server process (and children) per successful request, ms. */
  serverCpuMsPerRequest?: number;
}

export interface BenchReport {
  generatedAt: string;
  machine: { node: string; cpus: number; cpuModel: string; platform: string; totalMemMiB: number };
  settings: Record<string, number | string>;
  coldStartMs: { simulator: number; router: number; routerNextStart?: number; portkey?: number };
  /** withConsole: after the first console request has loaded Next (npm start loads it lazily). */
  routerRssMiB: { start?: number; peak?: number; end?: number; withConsole?: number; nextStartEnd?: number };
  /** scripts/bench-routing.ts output: selectModels over 50 models. */
  routingMicroBenchmark?: string[];
  decision: { count: number; meanMs: number };
  workloads: WorkloadFigures[];
  comparisons: Comparison[];
  /** BENCH_AB_ROUNDS: this router against the baseline's in interleaved c=32 slices (ratios: this / baseline). */
  interleavedAb?: { rounds: number; sliceS: number; requestsPerSecondRatio: Spread; cpuPerRequestRatio?: Spread };
  portkey: { status: string };
}

export type Spread = { median: number; min: number; max: number };

export interface Comparison {
  label: string;
  stream: boolean;
  addedP50Ms: number;
  addedP99Ms: number;
  addedFirstByteP50Ms?: number;
  addedFirstByteP99Ms?: number;
  throughputRatio?: number;
}

const f = (value: number | undefined, digits = 2): string => (value === undefined || !Number.isFinite(value) ? "–" : String(round(value, digits)));

export function renderMarkdown(report: BenchReport): string {
  const lines: string[] = [];
  const m = report.machine;
  lines.push("# SmarterRouter benchmark", "");
  lines.push(`${report.generatedAt} · Node ${m.node} · ${m.cpus} CPUs (${m.cpuModel}) · ${m.platform} · ${m.totalMemMiB} MiB RAM`, "");
  lines.push(`Settings: ${Object.entries(report.settings).map(([k, v]) => `${k}=${v}`).join(", ")}`, "");
  lines.push("## Latency and throughput", "");
  lines.push("| target | stream | c | requests | errors | req/s | p50 ms | p99 ms | TTFB p50 | TTFB p99 | overhead hdr p50 | p99 | server CPU ms/req |");
  lines.push("|---|---|---|---|---|---|---|---|---|---|---|---|---|");
  for (const w of report.workloads) {
    lines.push(
      `| ${w.target} | ${w.stream ? "yes" : "no"} | ${w.concurrency} | ${w.requests} | ${w.errors}${w.firstError ? ` (${w.firstError})` : ""} | ${f(w.requestsPerSecond, 0)} | ${f(w.latencyMs.p50)} | ${f(w.latencyMs.p99)} | ${f(w.firstByteMs?.p50)} | ${f(w.firstByteMs?.p99)} | ${f(w.overheadHeaderMs?.p50)} | ${f(w.overheadHeaderMs?.p99)} | ${f(w.serverCpuMsPerRequest, 3)} |`,
    );
  }
  lines.push("", "## Router vs direct (same run)", "");
  lines.push("| comparison | stream | added p50 ms | added p99 ms | added TTFB p50 | added TTFB p99 | req/s ratio |");
  lines.push("|---|---|---|---|---|---|---|");
  for (const c of report.comparisons) {
    lines.push(`| ${c.label} | ${c.stream ? "yes" : "no"} | ${f(c.addedP50Ms)} | ${f(c.addedP99Ms)} | ${f(c.addedFirstByteP50Ms)} | ${f(c.addedFirstByteP99Ms)} | ${f(c.throughputRatio, 3)} |`);
  }
  const cpu = report.workloads.filter((w) => w.serverCpuMsPerRequest !== undefined && w.concurrency > 1);
  if (cpu.length) {
    lines.push("", "## CPU per request at c=" + cpu[0]!.concurrency + " (robust to a busy machine)", "");
    lines.push("Server process CPU time (user + system) per request; 1000 / that is the requests per second one core can serve.", "");
    lines.push("| target | stream | CPU ms/req | req/s per core |", "|---|---|---|---|");
    for (const w of cpu) lines.push(`| ${w.target} | ${w.stream ? "yes" : "no"} | ${f(w.serverCpuMsPerRequest, 3)} | ${f(1000 / w.serverCpuMsPerRequest!, 0)} |`);
  }
  const ab = report.interleavedAb;
  if (ab) {
    const spread = (value: Spread | undefined) => (value ? `${f(value.median, 3)} (${f(value.min, 3)}–${f(value.max, 3)})` : "–");
    lines.push("", `## This router against the baseline's, interleaved (${ab.rounds} pairs of ${ab.sliceS} s at c=32, non-streaming)`, "");
    lines.push("Ratios this / baseline: median of the pairs (lowest–highest). Above 1 is better for req/s, below 1 for CPU.", "");
    lines.push("| req/s ratio | CPU per request ratio |", "|---|---|", `| ${spread(ab.requestsPerSecondRatio)} | ${spread(ab.cpuPerRequestRatio)} |`);
  }
  lines.push("", "## Router process", "");
  const cold = report.coldStartMs;
  lines.push(
    `- Cold start (spawn → first 200 on /health): ${f(cold.router, 0)} ms (under next start ${f(cold.routerNextStart, 0)} ms, simulator ${f(cold.simulator, 0)} ms${cold.portkey === undefined ? "" : `, Portkey ${f(cold.portkey, 0)} ms`})`,
  );
  const rss = report.routerRssMiB;
  lines.push(
    `- RSS: start ${f(rss.start, 1)} MiB, peak ${f(rss.peak, 1)} MiB, end ${f(rss.end, 1)} MiB; after one console request has loaded Next ${f(rss.withConsole, 1)} MiB (under next start, end: ${f(rss.nextStartEnd, 1)} MiB)`,
  );
  lines.push(`- Routing decision (smarterrouter_routing_decision_duration_seconds): ${report.decision.count} decisions, mean ${f(report.decision.meanMs, 3)} ms`);
  lines.push(`- Portkey: ${report.portkey.status}`, "");
  if (report.routingMicroBenchmark) lines.push("Routing decision alone (`scripts/bench-routing.ts`, in-process):", "", "```", ...report.routingMicroBenchmark, "```", "");
  return lines.join("\n");
}
