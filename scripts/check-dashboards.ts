// Reads the bundled Grafana dashboards and Prometheus alert rules as data, for the checks that keep
// them honest: scripts/dashboards.test.ts (static) and e2e/api/prometheus.spec.ts (every query
// against a real Prometheus scraping the router).
import fs from "node:fs";
import path from "node:path";
import { parse } from "yaml";

export const GRAFANA_DIR = path.resolve(import.meta.dirname, "..", "grafana");
export const DASHBOARDS_DIR = path.join(GRAFANA_DIR, "dashboards");
export const ALERTS_FILE = path.join(GRAFANA_DIR, "alerts.yml");
export const DATASOURCE_UIDS = ["prometheus", "tempo"] as const;

/** Grafana's own variables that dashboards may use without defining them. */
export const BUILTIN_VARIABLES = ["__rate_interval", "__interval", "__range"];

/**
 * Values for evaluating dashboard queries outside Grafana: every model, backend and GPU, and
 * intervals that suit a Prometheus scraping every second.
 */
export const EVALUATION_VALUES: Record<string, string> = {
  model: ".*",
  backend: ".*",
  gpu: ".*",
  __rate_interval: "1m",
  __interval: "15s",
  __range: "5m",
};

type DatasourceRef = { type?: string; uid?: string };
export type Target = { refId: string; datasource?: DatasourceRef; expr?: string; query?: string; exemplar?: boolean; instant?: boolean };
export type Panel = {
  id: number;
  type: string;
  title: string;
  description?: string;
  datasource?: DatasourceRef;
  gridPos: { h: number; w: number; x: number; y: number };
  targets?: Target[];
  panels?: Panel[];
};
export type Variable = { name: string; type: string; query?: unknown; current?: { value?: unknown } };
export type Dashboard = {
  uid: string;
  title: string;
  panels: Panel[];
  templating: { list: Variable[] };
  links: { title: string; type: string; url?: string }[];
};

export type DashboardFile = { file: string; dashboard: Dashboard };

export function loadDashboards(): DashboardFile[] {
  return fs
    .readdirSync(DASHBOARDS_DIR)
    .filter((name) => name.endsWith(".json"))
    .sort()
    .map((name) => ({ file: name, dashboard: JSON.parse(fs.readFileSync(path.join(DASHBOARDS_DIR, name), "utf8")) as Dashboard }));
}

/** Every panel, including those inside collapsed rows. */
export function allPanels(dashboard: Dashboard): Panel[] {
  return dashboard.panels.flatMap((panel) => [panel, ...(panel.panels ?? [])]);
}

/**
 * A panel whose metrics have not landed yet says so in its description: "… pending: <what>".
 * Checks skip such panels explicitly instead of failing on their empty results.
 */
export function pendingReason(text: string | undefined): string | undefined {
  const match = /pending:\s*(.+)$/is.exec(text ?? "");
  return match ? match[1].trim() : undefined;
}

export type PanelQuery = {
  dashboard: string;
  panel: string;
  refId: string;
  datasourceUid: string;
  /** PromQL (Prometheus) or TraceQL (Tempo), with template variables as written. */
  query: string;
  exemplar: boolean;
  pending?: string;
};

export function panelQueries(files: DashboardFile[] = loadDashboards()): PanelQuery[] {
  return files.flatMap(({ dashboard }) =>
    allPanels(dashboard).flatMap((panel) =>
      (panel.targets ?? []).map((target) => ({
        dashboard: dashboard.uid,
        panel: panel.title,
        refId: target.refId,
        datasourceUid: target.datasource?.uid ?? panel.datasource?.uid ?? "",
        query: target.expr ?? target.query ?? "",
        exemplar: target.exemplar === true,
        pending: pendingReason(panel.description),
      })),
    ),
  );
}

const VARIABLE = /\$\{(\w+)(?::\w+)?\}|\$(\w+)|\[\[(\w+)\]\]/g;

/** The template variables a query uses ($name, ${name}, ${name:format}, [[name]]). */
export function variablesIn(query: string): string[] {
  return [...new Set([...query.matchAll(VARIABLE)].map((match) => match[1] ?? match[2] ?? match[3]))];
}

export function substituteVariables(query: string, values: Record<string, string> = EVALUATION_VALUES): string {
  return query.replace(VARIABLE, (whole, braced?: string, bare?: string, legacy?: string) => {
    const name = braced ?? bare ?? legacy ?? "";
    const value = values[name];
    if (value === undefined) throw new Error(`no value for template variable ${whole} in: ${query}`);
    return value;
  });
}

/** Metric names a PromQL query reads (histogram series reduced to their family). */
export function metricFamilies(query: string): string[] {
  // Label matchers, grouping clauses and strings hold label names, not metric names.
  const bare = query
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, "")
    .replace(/\b(?:by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, "");
  const names = bare.match(/\b(?:smarterrouter|gen_ai|process|nodejs)_[a-z0-9_]+\b/g) ?? [];
  return [...new Set(names.map((name) => name.replace(/_(bucket|sum|count)$/, "")))];
}

export type AlertRule = { alert: string; expr: string; for?: string; labels?: Record<string, string>; annotations?: Record<string, string> };

export function loadAlertRules(file = ALERTS_FILE): AlertRule[] {
  const document = parse(fs.readFileSync(file, "utf8")) as { groups: { name: string; rules: AlertRule[] }[] };
  return document.groups.flatMap((group) => group.rules);
}

/** `<query> <op> <threshold>`: the form every alert expression is written in. */
export function splitAlertExpr(expr: string): { query: string; op: string; threshold: number } | undefined {
  const match = /^(.+?)\s*(==|!=|>=|<=|>|<)\s*(-?\d+(?:\.\d+)?(?:e-?\d+)?)\s*$/s.exec(expr.trim());
  return match ? { query: match[1].trim(), op: match[2], threshold: Number(match[3]) } : undefined;
}
