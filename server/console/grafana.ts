// Links from the console into the bundled Grafana (dashboard uids are fixed in grafana/dashboards,
// the Tempo datasource uid in grafana/provisioning).

export const GRAFANA_DASHBOARDS = [
  { uid: "smarterrouter-overview", title: "Overview" },
  { uid: "smarterrouter-routing", title: "Routing" },
  { uid: "smarterrouter-models", title: "Models" },
  { uid: "smarterrouter-vram", title: "VRAM" },
  { uid: "smarterrouter-limits", title: "Limits & security" },
] as const;

export function dashboardLinks(grafanaUrl: string): { title: string; url: string }[] {
  const base = grafanaUrl.replace(/\/+$/, "");
  return GRAFANA_DASHBOARDS.map((dashboard) => ({ title: dashboard.title, url: `${base}/d/${dashboard.uid}` }));
}

export function traceLink(grafanaUrl: string, traceId: string): string {
  const left = JSON.stringify({ datasource: "tempo", queries: [{ refId: "A", queryType: "traceql", query: traceId }], range: { from: "now-7d", to: "now" } });
  return `${grafanaUrl.replace(/\/+$/, "")}/explore?left=${encodeURIComponent(left)}`;
}
