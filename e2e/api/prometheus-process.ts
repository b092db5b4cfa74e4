import { spawn, type ChildProcess } from "node:child_process";
import fs from "node:fs";
import net from "node:net";
import os from "node:os";
import path from "node:path";

// Runs Debian's Prometheus binary as a child process, scraping one target every second, with the
// repository's alert rules loaded and exemplar storage on (as docker-compose.yml runs it).

export const PROMETHEUS_BIN = process.env.PROMETHEUS_BIN ?? "/usr/bin/prometheus";

export type QueryResult = { status: "success"; data: { resultType: string; result: unknown[] } } | { status: "error"; errorType: string; error: string };
type Target = { health: string; lastScrape: string; lastError: string };
type RuleState = { name: string; health: string; lastError?: string };

export type PrometheusProcess = {
  url: string;
  query: (promql: string) => Promise<QueryResult>;
  /** Resolves once the target has been scraped successfully `count` times after `since`. */
  waitForScrapes: (count: number, since: Date) => Promise<void>;
  /** Every alerting rule, once each has been evaluated at least once. */
  evaluatedRules: () => Promise<RuleState[]>;
  stop: () => Promise<void>;
  output: () => string;
};

async function freePort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function poll<T>(what: string, timeoutMs: number, check: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Prometheus: timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

export async function startPrometheus(options: { target: string; ruleFiles: string[] }): Promise<PrometheusProcess> {
  if (!fs.existsSync(PROMETHEUS_BIN)) throw new Error(`${PROMETHEUS_BIN} not found: apt-get install prometheus (or set PROMETHEUS_BIN)`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sr-prometheus-"));
  const config = [
    "global:",
    "  scrape_interval: 1s",
    "  scrape_timeout: 1s",
    "  evaluation_interval: 1s",
    "rule_files:",
    ...options.ruleFiles.map((file) => `  - ${JSON.stringify(file)}`),
    "scrape_configs:",
    "  - job_name: smarterrouter",
    "    metrics_path: /metrics",
    "    static_configs:",
    `      - targets: [${JSON.stringify(options.target)}]`,
  ].join("\n");
  fs.writeFileSync(path.join(dir, "prometheus.yml"), config);
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child: ChildProcess = spawn(
    PROMETHEUS_BIN,
    [
      `--config.file=${path.join(dir, "prometheus.yml")}`,
      `--storage.tsdb.path=${path.join(dir, "data")}`,
      `--web.listen-address=127.0.0.1:${port}`,
      "--enable-feature=exemplar-storage",
      "--log.level=warn",
    ],
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  child.stdout?.on("data", (chunk) => (output += chunk));
  child.stderr?.on("data", (chunk) => (output += chunk));

  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      await exited;
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  const api = async <T>(pathAndQuery: string): Promise<T> => (await (await fetch(`${url}${pathAndQuery}`)).json()) as T;
  const target = async () => (await api<{ data: { activeTargets: Target[] } }>("/api/v1/targets")).data.activeTargets[0];

  try {
    await poll("readiness", 15_000, async () => {
      if (child.exitCode !== null) throw new Error(`prometheus exited with ${child.exitCode}: ${output}`);
      return (await fetch(`${url}/-/ready`)).ok || undefined;
    });
  } catch (error) {
    await stop();
    throw new Error(`${(error as Error).message}\n${output}`);
  }

  return {
    url,
    output: () => output,
    stop,
    query: (promql) => api<QueryResult>(`/api/v1/query?query=${encodeURIComponent(promql)}`),
    waitForScrapes: async (count, since) => {
      let after = since;
      for (let scrape = 0; scrape < count; scrape++) {
        const seen = after;
        after = await poll(`scrape ${scrape + 1} after ${seen.toISOString()}`, 15_000, async () => {
          const state = await target();
          const at = new Date(state.lastScrape);
          return state.health === "up" && at > seen ? at : undefined;
        });
      }
    },
    evaluatedRules: () =>
      poll("every alert rule to be evaluated", 15_000, async () => {
        const groups = (await api<{ data: { groups: { rules: RuleState[] }[] } }>("/api/v1/rules?type=alert")).data.groups;
        const rules = groups.flatMap((group) => group.rules);
        return rules.length > 0 && rules.every((rule) => rule.health !== "unknown") ? rules : undefined;
      }),
  };
}
