import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { parse, stringify } from "yaml";
import {
  allPanels,
  BUILTIN_VARIABLES,
  DATASOURCE_UIDS,
  EVALUATION_VALUES,
  GRAFANA_DIR,
  loadAlertRules,
  loadDashboards,
  metricFamilies,
  panelQueries,
  splitAlertExpr,
  substituteVariables,
  variablesIn,
} from "./check-dashboards";

// Static checks of the bundled Grafana dashboards and alert rules; e2e/api/prometheus.spec.ts runs
// every query against a real Prometheus.

const root = path.resolve(import.meta.dirname, "..");
const dashboards = loadDashboards();
const queries = panelQueries(dashboards);
const promQueries = queries.filter((query) => query.datasourceUid === "prometheus");
const rules = loadAlertRules();

/** Every `datasource` reference anywhere in a JSON document. */
function datasourceRefs(node: unknown, where = ""): { where: string; ref: unknown }[] {
  if (!node || typeof node !== "object") return [];
  return Object.entries(node).flatMap(([key, value]) => [
    ...(key === "datasource" ? [{ where: `${where}/${key}`, ref: value }] : []),
    ...datasourceRefs(value, `${where}/${key}`),
  ]);
}

/** Metric families named in METRICS.md; `smarterrouter_vram_*` style entries are prefixes. */
function contractFamilies(): { names: Set<string>; prefixes: string[] } {
  const text = fs.readFileSync(path.join(root, "server/observability/METRICS.md"), "utf8");
  const tokens = [...text.matchAll(/`((?:smarterrouter|gen_ai)_[a-z0-9_*]+)`/g)].map((match) => match[1]);
  return { names: new Set(tokens.filter((token) => !token.includes("*"))), prefixes: tokens.filter((token) => token.endsWith("*")).map((token) => token.slice(0, -1)) };
}

describe("Grafana dashboards", () => {
  it("are valid JSON with unique, fixed uids and titles", () => {
    expect(dashboards.length).toBeGreaterThanOrEqual(5);
    const uids = dashboards.map(({ dashboard }) => dashboard.uid);
    for (const uid of uids) expect(uid).toMatch(/^[a-z0-9-]{1,40}$/);
    expect(new Set(uids).size).toBe(uids.length);
    const titles = dashboards.map(({ dashboard }) => dashboard.title);
    expect(new Set(titles).size).toBe(titles.length);
    expect(uids).toEqual(expect.arrayContaining(["smarterrouter-overview", "smarterrouter-routing", "smarterrouter-models", "smarterrouter-vram", "smarterrouter-limits"]));
  });

  it("refer to datasources only by the uids the provisioning defines", () => {
    const provisioned = parse(fs.readFileSync(path.join(GRAFANA_DIR, "provisioning/datasources/datasources.yml"), "utf8")) as { datasources: { uid: string; type: string; jsonData?: Record<string, unknown> }[] };
    expect(provisioned.datasources.map((source) => source.uid).sort()).toEqual([...DATASOURCE_UIDS].sort());
    const prometheus = provisioned.datasources.find((source) => source.uid === "prometheus");
    expect(prometheus?.jsonData?.exemplarTraceIdDestinations).toEqual([expect.objectContaining({ name: "trace_id", datasourceUid: "tempo" })]);

    for (const { file, dashboard } of dashboards) {
      for (const { where, ref } of datasourceRefs(dashboard)) {
        expect(ref, `${file}${where}: a datasource is referenced by uid, not by name`).toBeTypeOf("object");
        expect(DATASOURCE_UIDS, `${file}${where}`).toContain((ref as { uid?: string }).uid);
      }
    }
  });

  it("have panels with unique ids, inside the 24-column grid, and a query on every target", () => {
    for (const { file, dashboard } of dashboards) {
      const panels = allPanels(dashboard);
      const ids = panels.map((panel) => panel.id);
      expect(new Set(ids).size, `${file}: duplicate panel ids`).toBe(ids.length);
      for (const panel of panels) {
        expect(panel.gridPos.x + panel.gridPos.w, `${file}: ${panel.title}`).toBeLessThanOrEqual(24);
        if (panel.type === "row") continue;
        expect(panel.description, `${file}: ${panel.title} has no description`).toBeTruthy();
        expect(panel.targets?.length, `${file}: ${panel.title} has no query`).toBeGreaterThan(0);
      }
    }
    for (const query of queries) expect(query.query.trim(), `${query.dashboard}: ${query.panel}`).not.toBe("");
  });

  it("use only template variables they define (or Grafana's own), with values for evaluation", () => {
    for (const { file, dashboard } of dashboards) {
      const defined = new Set([...dashboard.templating.list.map((variable) => variable.name), ...BUILTIN_VARIABLES]);
      const used = allPanels(dashboard).flatMap((panel) => (panel.targets ?? []).flatMap((target) => variablesIn(target.expr ?? target.query ?? "")));
      for (const name of used) {
        expect(defined, `${file} uses $${name}`).toContain(name);
        expect(EVALUATION_VALUES, `no evaluation value for $${name}`).toHaveProperty(name);
      }
    }
  });

  it("link to the console through the router_url constant", () => {
    for (const { file, dashboard } of dashboards) {
      const routerUrl = dashboard.templating.list.find((variable) => variable.name === "router_url");
      expect(routerUrl, file).toMatchObject({ type: "constant", query: "http://localhost:11436" });
      expect(dashboard.links, file).toContainEqual(expect.objectContaining({ type: "link", url: "${router_url}/console" }));
    }
  });

  it("show exemplars on every latency histogram, so points link to traces", () => {
    const latency = promQueries.filter((query) => /histogram_quantile\([^,]+,.*_seconds_bucket/s.test(query.query));
    expect(latency.length).toBeGreaterThan(5);
    for (const query of latency) expect(query.exemplar, `${query.dashboard}: ${query.panel} ${query.refId}`).toBe(true);
  });

  it("read only metric families that METRICS.md defines", () => {
    const { names, prefixes } = contractFamilies();
    const used = [...promQueries.map((query) => query.query), ...rules.map((rule) => rule.expr)].flatMap(metricFamilies);
    for (const family of used) {
      if (/^(process|nodejs)_/.test(family)) continue;
      const known = names.has(family) || prefixes.some((prefix) => family.startsWith(prefix));
      expect(known, `${family} is not in server/observability/METRICS.md`).toBe(true);
    }
  });

  it("have no panel left pending: every metric family they read has landed", () => {
    expect(queries.filter((query) => query.pending).map((query) => `${query.dashboard}: ${query.panel}`)).toEqual([]);
  });

  it("is the home dashboard that docker-compose.yml configures", () => {
    const compose = parse(fs.readFileSync(path.join(root, "docker-compose.yml"), "utf8")) as { services: Record<string, { environment?: Record<string, string> }> };
    const home = compose.services.grafana.environment?.GF_DASHBOARDS_DEFAULT_HOME_DASHBOARD_PATH ?? "";
    expect(dashboards.map(({ file }) => file)).toContain(path.basename(home));
  });
});

describe("alert rules", () => {
  it("include the documented alerts, each with a summary, a description and a duration", () => {
    expect(rules.map((rule) => rule.alert)).toEqual(expect.arrayContaining(["BackendDown", "HighErrorRatio", "FallbackStorm", "VramCritical", "JudgeFailing", "HighLatencyP95", "ModelCircuitOpen", "DatabaseRowsDropped"]));
    for (const rule of rules) {
      expect(rule.annotations?.summary, rule.alert).toBeTruthy();
      expect(rule.annotations?.description, rule.alert).toBeTruthy();
      expect(rule.for, rule.alert).toMatch(/^\d+[smh]$/);
    }
  });

  it("are written as `<query> <op> <threshold>`", () => {
    for (const rule of rules) expect(splitAlertExpr(rule.expr), rule.alert).toBeDefined();
    expect(splitAlertExpr("smarterrouter_backend_up == 0")).toEqual({ query: "smarterrouter_backend_up", op: "==", threshold: 0 });
    expect(splitAlertExpr('sum(rate(x{a!="b"}[5m])) / sum(rate(x[5m])) > 0.05')).toEqual({ query: 'sum(rate(x{a!="b"}[5m])) / sum(rate(x[5m]))', op: ">", threshold: 0.05 });
    expect(splitAlertExpr("up")).toBeUndefined();
  });
});

const promtool = ["/usr/bin/promtool", "promtool"].find((candidate) => spawnSync(candidate, ["--version"]).status === 0);

describe.skipIf(!promtool)("PromQL syntax (promtool)", () => {
  it("parses every dashboard query with its variables substituted", () => {
    // promtool has no expression checker, but it parses recording rules: one rule per query.
    const rulesFile = path.join(fs.mkdtempSync(path.join(os.tmpdir(), "dashboards-")), "queries.yml");
    const recording = promQueries.map((query, index) => ({ record: `dashboard:query_${index}`, expr: substituteVariables(query.query) }));
    fs.writeFileSync(rulesFile, stringify({ groups: [{ name: "dashboards", rules: recording }] }));
    const result = spawnSync(promtool!, ["check", "rules", rulesFile], { encoding: "utf8" });
    const failures = result.stdout + result.stderr;
    const explained = failures.replace(/query_(\d+)/g, (whole, index: string) => `${whole} (${promQueries[Number(index)].dashboard}: ${promQueries[Number(index)].panel})`);
    expect(result.status, explained).toBe(0);
  });
});

describe("substituteVariables", () => {
  it("replaces every variable form and refuses unknown ones", () => {
    expect(substituteVariables('rate(x{model=~"$model", b=~"${backend}", g=~"${gpu:regex}", m=~"[[model]]"}[$__rate_interval])')).toBe('rate(x{model=~".*", b=~".*", g=~".*", m=~".*"}[1m])');
    expect(() => substituteVariables("x{a=~\"$nope\"}")).toThrow(/\$nope/);
  });
});
