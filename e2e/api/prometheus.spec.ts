import { expect, test } from "@playwright/test";
import { ALERTS_FILE, loadAlertRules, panelQueries, splitAlertExpr, substituteVariables } from "../../scripts/check-dashboards";
import { startPrometheus, type PrometheusProcess } from "./prometheus-process";

// The bundled dashboards and alert rules against a real Prometheus scraping the production build:
// after a spread of traffic, every panel query and every alert's query must return data. Panels
// and rules whose metrics have not landed yet are marked `pending:` and skipped, by name.

import { E2E_ADMIN_KEY, E2E_ADMIN_RATE_LIMIT, SIM } from "../ports";

type Outcome = { name: string; query: string; result: "data" | "empty" | "error" | "skipped"; note?: string };

async function chat(baseURL: string, body: Record<string, unknown>) {
  const response = await fetch(`${baseURL}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(body) });
  const text = await response.text(); // a stream is read to its end: its metrics are recorded then
  return { status: response.status, model: response.headers.get("x-smarterrouter-model"), text };
}

async function setFaults(faults: Record<string, unknown>[]) {
  const response = await fetch(`${SIM}/__sim/faults`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ faults }) });
  expect(response.status, await response.text()).toBe(200);
}

const clearFaults = () => fetch(`${SIM}/__sim/faults`, { method: "DELETE" });
const ask = (content: string, extra: Record<string, unknown> = {}) => ({ model: "smarterrouter/main", messages: [{ role: "user", content }], ...extra });

/** Traffic that touches every family the dashboards read: routed, explicit, streamed, cached, failed. */
async function sendTraffic(baseURL: string) {
  const fallbackPrompt = "Explain the difference between TCP and UDP in two sentences.";
  const [coding, math, poem, first, explicit] = await Promise.all([
    chat(baseURL, ask("Write a Python function that reverses a linked list.")),
    chat(baseURL, ask("Prove that the square root of 2 is irrational.", { stream: true, stream_options: { include_usage: true } })),
    chat(baseURL, ask("Write a short poem about autumn leaves.", { stream: true })),
    chat(baseURL, ask(fallbackPrompt)),
    chat(baseURL, { model: "llama3.2:3b", temperature: 0, messages: [{ role: "user", content: "Name three rivers." }] }),
  ]);
  for (const response of [coding, math, poem, first, explicit]) expect(response.status, response.text).toBe(200);

  const others = await Promise.all([
    chat(baseURL, { model: "llama3.2:3b", temperature: 0, messages: [{ role: "user", content: "Name three rivers." }] }), // response cache hit
    chat(baseURL, { model: "no-such-model:1b", messages: [{ role: "user", content: "hi" }] }),
    chat(baseURL, ask("x".repeat(11 * 1024 * 1024))), // over ROUTER_MAX_BODY_BYTES
    fetch(`${baseURL}/v1/embeddings`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ model: "nomic-embed-text:latest", input: "hello" }) }),
    fetch(`${baseURL}/v1/feedback`, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ model: explicit.model, score: 0.5 }) }),
    fetch(`${baseURL}/admin/explain?prompt=hi`), // no bearer token: 401
    fetch(`${baseURL}/v1/models`),
  ]);
  expect(others.map((response) => response.status)).toEqual([200, 404, 413, 200, 200, 401, 200]);

  // The same prompt routes to the same model (routing cache); that model fails once, so the
  // router falls back to the next one.
  await setFaults([{ model: first.model, path: "/api/chat", status: 500, count: 1 }]);
  const fallback = await chat(baseURL, ask(fallbackPrompt));
  expect(fallback.status, fallback.text).toBe(200);
  expect(fallback.model, "the request should have fallen back to another model").not.toBe(first.model);

  // An explicit model has no fallback: the client sees the backend's failure (5xx, and a 429).
  await setFaults([
    { model: "llama3.1:8b", path: "/api/chat", status: 500, count: 1 },
    { model: "mistral-nemo:12b", path: "/api/chat", status: 429, count: 1 },
  ]);
  const failed = await Promise.all([chat(baseURL, { model: "llama3.1:8b", messages: [{ role: "user", content: "hi" }] }), chat(baseURL, { model: "mistral-nemo:12b", messages: [{ role: "user", content: "hi" }] })]);
  expect(failed.map((response) => response.status)).toEqual([502, 429]);
  await clearFaults();

  // Two 9 GB models in turn under the e2e router's 12 GB VRAM budget (playwright.config.ts): the
  // manager unloads one to load the other (loads, unloads, load durations).
  for (const model of ["qwen2.5-coder:14b", "deepseek-r1:14b"]) {
    const response = await chat(baseURL, { model, messages: [{ role: "user", content: "Say hello." }] });
    expect(response.status, response.text).toBe(200);
  }
  const vram = await adminVram(baseURL, "198.51.100.7");
  expect(vram.status).toBe(200);
  const report = (await vram.json()) as { gpus: { gpu: string }[]; budget: { max_gb: number }; events: { kind: string; reason: string }[] };
  expect(report.gpus.map((gpu) => gpu.gpu)).toEqual(["nvidia0", "nvidia1"]); // the fake nvidia-smi on the router's PATH
  expect(report.budget.max_gb).toBe(12);
  expect(report.events).toContainEqual(expect.objectContaining({ kind: "unload", reason: "lru" }));

  // A burst from one client address (its own bucket) past the admin rate limit: the last is refused.
  const burst: number[] = [];
  for (let index = 0; index < E2E_ADMIN_RATE_LIMIT; index++) burst.push((await adminVram(baseURL, "198.51.100.8")).status);
  expect(burst).toEqual(Array<number>(E2E_ADMIN_RATE_LIMIT).fill(200));
  const refused = await adminVram(baseURL, "198.51.100.8");
  expect(refused.status).toBe(429);
  expect(refused.headers.get("retry-after")).toMatch(/^\d+$/);
}

/** GET /admin/vram as the client `address`: the e2e router trusts loopback as a proxy, so X-Forwarded-For names the client. */
const adminVram = (baseURL: string, address: string) => fetch(`${baseURL}/admin/vram`, { headers: { authorization: `Bearer ${E2E_ADMIN_KEY}`, "x-forwarded-for": address } });

/** One small profiling job through the admin API, graded by the fleet's judge, which fails once (a judge failure outcome). */
async function runProfilingJob(baseURL: string) {
  await setFaults([{ model: "sim-judge", status: 500, count: 1 }]);
  const headers = { authorization: `Bearer ${E2E_ADMIN_KEY}`, "content-type": "application/json" };
  const started = await fetch(`${baseURL}/admin/reprofile`, { method: "POST", headers, body: JSON.stringify({ models: ["llama3.2:3b"], force: true }) });
  const body = (await started.json()) as { job_id: string };
  expect(started.status, JSON.stringify(body)).toBe(202);
  await expect
    .poll(
      async () => {
        const status = await fetch(`${baseURL}/admin/profiling_status/${body.job_id}`, { headers });
        return ((await status.json()) as { status: string }).status;
      },
      { timeout: 45_000, intervals: [500] },
    )
    .toBe("completed");
  // the judge's failure was really served (and retried): the fault is used up
  const faults = (await (await fetch(`${SIM}/__sim/faults`)).json()) as { faults: { remaining: number | null }[] };
  expect(faults.faults.map((fault) => fault.remaining)).toEqual([0]);
  await clearFaults();
}

async function evaluate(prometheus: PrometheusProcess, name: string, query: string, pending: string | undefined): Promise<Outcome> {
  const response = await prometheus.query(query);
  if (response.status !== "success") return { name, query, result: "error", note: response.error };
  if (pending) return { name, query, result: "skipped", note: response.data.result.length ? `pending (${pending}) but now returns data: drop the marker` : `pending: ${pending}` };
  return { name, query, result: response.data.result.length ? "data" : "empty" };
}

function report(title: string, outcomes: Outcome[]): string {
  const lines = outcomes.map((outcome) => `  ${outcome.result.padEnd(7)} ${outcome.name}${outcome.note ? `  [${outcome.note}]` : ""}`);
  return `${title}\n${lines.join("\n")}`;
}

test("every dashboard panel and alert query returns data from Prometheus scraping the router", async ({ baseURL }) => {
  test.setTimeout(120_000);
  const prometheus = await startPrometheus({ target: new URL(baseURL!).host, ruleFiles: [ALERTS_FILE] });
  try {
    await clearFaults();
    await prometheus.waitForScrapes(1, new Date());
    await sendTraffic(baseURL!);
    await runProfilingJob(baseURL!); // after the traffic: both set the fleet's faults
    await prometheus.waitForScrapes(2, new Date());

    const panels: Outcome[] = [];
    for (const panel of panelQueries()) {
      const name = `${panel.dashboard} / ${panel.panel} (${panel.refId})`;
      if (panel.datasourceUid !== "prometheus") panels.push({ name, query: panel.query, result: "skipped", note: `${panel.datasourceUid} query, not PromQL` });
      else panels.push(await evaluate(prometheus, name, substituteVariables(panel.query), panel.pending));
    }
    const alerts: Outcome[] = [];
    for (const rule of loadAlertRules()) {
      const split = splitAlertExpr(rule.expr);
      if (!split) alerts.push({ name: rule.alert, query: rule.expr, result: "error", note: "not `<query> <op> <threshold>`" });
      else alerts.push(await evaluate(prometheus, rule.alert, split.query, rule.annotations?.pending));
    }
    const summary = `${report("Dashboard panels:", panels)}\n${report("Alert rules (query before the comparison):", alerts)}`;
    console.log(summary);
    await test.info().attach("prometheus-queries.txt", { body: summary, contentType: "text/plain" });

    const bad = [...panels, ...alerts].filter((outcome) => outcome.result === "empty" || outcome.result === "error");
    expect(bad.map((outcome) => `${outcome.result}: ${outcome.name}: ${outcome.query}${outcome.note ? ` (${outcome.note})` : ""}`)).toEqual([]);

    // Prometheus loaded the rule file and evaluates every rule without error.
    const rules = await prometheus.evaluatedRules();
    expect(rules.map((rule) => rule.name).sort()).toEqual(alerts.map((alert) => alert.name).sort());
    for (const rule of rules) expect(rule.health, `${rule.name}: ${rule.lastError ?? ""}`).toBe("ok");
  } finally {
    await clearFaults();
    await prometheus.stop();
  }
});
