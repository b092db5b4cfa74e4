"use client";

import { useQuery } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import { useTRPC } from "../_components/trpc";
import { BarList, ColumnChart, ErrorBox, Loading, Panel, percent, Stat } from "../_components/ui";

const WINDOWS = [5, 15, 60, 360];

export function OverviewView() {
  const trpc = useTRPC();
  const [windowMinutes, setWindowMinutes] = useState(15);
  const overview = useQuery({ ...trpc.overview.summary.queryOptions({ windowMinutes }), refetchInterval: 10_000 });
  const data = overview.data;
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h1 className="text-2xl font-bold">Overview</h1>
        <label className="text-sm text-slate-400">
          Window{" "}
          <select className="input" value={windowMinutes} onChange={(event) => setWindowMinutes(Number(event.target.value))}>
            {WINDOWS.map((minutes) => <option key={minutes} value={minutes}>{minutes < 60 ? `${minutes} min` : `${minutes / 60} h`}</option>)}
          </select>
        </label>
      </div>
      <ErrorBox error={overview.error} />
      {!data ? (
        overview.isLoading ? <Loading what="the overview" /> : null
      ) : (
        <>
          <p className="text-xs text-slate-500">From the decision log of every instance, over the last {data.windowMinutes} minutes; refreshed every 10 s.</p>
          <div className="grid grid-cols-2 gap-3 md:grid-cols-3 xl:grid-cols-6">
            <Stat label="Requests / min" value={String(data.requestsPerMinute)} testId="requests-per-minute" hint={`${data.requests} in window`} />
            <Stat label="Error ratio" value={percent(data.errorRatio)} testId="error-ratio" />
            <Stat label="p50 latency" value={data.latencyMs.p50 === null ? "—" : `${data.latencyMs.p50} ms`} />
            <Stat label="p95 latency" value={data.latencyMs.p95 === null ? "—" : `${data.latencyMs.p95} ms`} />
            <Stat label="Cache hits" value={percent(data.cacheHitRatio)} />
            <Stat label="Fallbacks" value={String(data.fallbacks)} />
          </div>
          <Panel title="Requests per minute (errors in red)">
            <ColumnChart points={data.perMinute} label="requests per minute" />
          </Panel>
          <div className="grid gap-4 lg:grid-cols-2">
            <Panel title="Decisions by category"><BarList items={data.byCategory} testId="by-category" /></Panel>
            <Panel title="Decisions by model"><BarList items={data.byModel} testId="by-model" /></Panel>
          </div>
          <div className="grid gap-4 lg:grid-cols-2">
            <Panel title={`Backends · ${data.health.status}`} testId="backend-health">
              <ul className="divide-y divide-slate-800 text-sm">
                {data.health.backends.map((backend) => (
                  <li key={backend.name} className="flex flex-wrap justify-between gap-2 py-2">
                    <span><span className="font-medium">{backend.name}</span> <span className="text-slate-500">{backend.kind} · {backend.url}</span></span>
                    <span className={backend.reachable ? "text-emerald-300" : "text-rose-300"}>{backend.reachable ? `${backend.models} models · ${backend.latency_ms} ms` : `unreachable: ${backend.error}`}</span>
                  </li>
                ))}
              </ul>
              <p className="mt-2 text-xs text-slate-500">Database: {data.health.database.kind} · {data.health.database.reachable ? "up" : "unreachable"}</p>
            </Panel>
            <Panel title="VRAM at a glance" testId="vram-glance" actions={<Link className="text-xs text-sky-300 hover:underline" href="/console/vram">VRAM page</Link>}>
              <p className="text-sm">
                {data.vram.loaded.length} model{data.vram.loaded.length === 1 ? "" : "s"} resident · {data.vram.allocatedGb.toFixed(2)} GB
                {data.vram.budgetGb !== null ? ` of a ${data.vram.budgetGb} GB budget (${data.vram.budgetSource})` : " · no budget"}
                {data.vram.gpuTotalGb !== null ? ` · GPUs ${data.vram.gpuUsedGb} / ${data.vram.gpuTotalGb} GB` : ""}
              </p>
              {data.vram.budgetGb ? (
                <svg viewBox="0 0 100 4" preserveAspectRatio="none" className="mt-2 h-3 w-full" aria-label={`VRAM allocated: ${data.vram.budgetUtilizationPct ?? 0}% of the budget`} role="img">
                  <rect width="100" height="4" className="fill-slate-800" />
                  <rect width={Math.min(100, (data.vram.allocatedGb / data.vram.budgetGb) * 100)} height="4" className={(data.vram.budgetUtilizationPct ?? 0) >= 85 ? "fill-amber-500" : "fill-emerald-500"} />
                </svg>
              ) : null}
              {data.vram.warnings.length ? <ul className="mt-2 text-sm text-amber-300">{data.vram.warnings.map((warning) => <li key={warning}>{warning}</li>)}</ul> : null}
              <ul className="mt-2 text-sm text-slate-300">{data.vram.loaded.map((model) => <li key={model.key}>{model.key} · {model.vramGb.toFixed(2)} GB{model.pinned ? " · pinned" : ""}</li>)}</ul>
            </Panel>
          </div>
          <Panel title="Grafana dashboards">
            <ul className="flex flex-wrap gap-3 text-sm">
              {data.dashboards.map((dashboard) => <li key={dashboard.url}><a className="text-sky-300 hover:underline" href={dashboard.url} target="_blank" rel="noreferrer">{dashboard.title}</a></li>)}
            </ul>
          </Panel>
        </>
      )}
    </div>
  );
}
