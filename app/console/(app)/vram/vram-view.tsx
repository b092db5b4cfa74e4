"use client";

import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import type { VramReport } from "@/server/vram/report";
import { useTRPC } from "../../_components/trpc";
import { age, Empty, ErrorBox, Loading, Panel, Stat } from "../../_components/ui";
import { LineChart, SERIES_COLORS, UsageBar, type Series } from "./charts";

const WINDOWS = [5, 10, 30, 60, 360];
const WARNING_LEVELS = [75, 85, 95];

export function VramView() {
  const trpc = useTRPC();
  const [historyMinutes, setHistoryMinutes] = useState(10);
  const report = useQuery({ ...trpc.vram.report.queryOptions({ historyMinutes }), refetchInterval: 5_000 });
  const data = report.data;
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h1 className="text-2xl font-bold">VRAM</h1>
        <label className="text-sm text-slate-400">
          History{" "}
          <select className="input" value={historyMinutes} onChange={(event) => setHistoryMinutes(Number(event.target.value))}>
            {WINDOWS.map((minutes) => <option key={minutes} value={minutes}>{minutes < 60 ? `${minutes} min` : `${minutes / 60} h`}</option>)}
          </select>
        </label>
      </div>
      <ErrorBox error={report.error} />
      {!data ? (report.isLoading ? <Loading what="VRAM" /> : null) : <Report data={data} />}
    </div>
  );
}

function Report({ data }: { data: VramReport }) {
  const { budget } = data;
  return (
    <>
      <p className="text-xs text-slate-500">
        {data.timestamp ? `Last sample ${age(data.timestamp)}` : "No sample yet"} · refreshed every 5 s · strategy {budget.strategy}
        {budget.auto_unload ? "" : " · auto-unload off"}
      </p>
      <div className="grid grid-cols-2 gap-3 xl:grid-cols-4">
        <Stat label="GPU memory" testId="vram-gpu-used" value={data.used_gb === null ? "—" : `${data.used_gb} / ${data.total_gb} GB`} hint={data.utilization_pct === null ? "no GPU sampled" : `${data.utilization_pct}% used`} />
        <Stat label="Budget" testId="vram-budget" value={budget.max_gb === null ? "none" : `${budget.max_gb} GB`} hint={budgetHint(budget.source)} />
        <Stat label="Allocated to models" testId="vram-allocated" value={`${budget.allocated_gb} GB`} hint={budget.utilization_pct === null ? undefined : `${budget.utilization_pct}% of the budget`} />
        <Stat label="Loaded models" testId="vram-loaded-count" value={String(data.loaded_models.length)} hint={budget.pinned_model ? `pinned: ${budget.pinned_model}` : undefined} />
      </div>
      <SamplerState data={data} />
      <BudgetPanel data={data} />
      <div className="grid gap-4 xl:grid-cols-2">
        <GpuCharts data={data} />
        <ModelChart data={data} />
      </div>
      <LoadedModels data={data} />
      <Events data={data} />
    </>
  );
}

function budgetHint(source: VramReport["budget"]["source"]): string {
  if (source === "configured") return "configured";
  if (source === "detected") return "90% of detected GPU memory";
  return "none known: nothing is unloaded";
}

function SamplerState({ data }: { data: VramReport }) {
  if (!data.monitoring) return <Empty>VRAM monitoring is off (ROUTER_VRAM_MONITOR_ENABLED=false): GPUs are not sampled.</Empty>;
  if (data.gpus.length) {
    return data.notes.length ? <p className="text-xs text-slate-500" data-testid="vram-notes">{data.notes.join(" · ")}</p> : null;
  }
  return (
    <Empty>
      <span data-testid="vram-no-gpu">No GPU detected — sampler unavailable: {data.notes.length ? data.notes.join("; ") : "no GPU tool answered"}.</span>
    </Empty>
  );
}

function BudgetPanel({ data }: { data: VramReport }) {
  const { budget } = data;
  const levels = budget.auto_unload ? [...new Set([...WARNING_LEVELS, budget.unload_threshold_pct])].sort((a, b) => a - b) : WARNING_LEVELS;
  const ticks = levels.map((pct) => ({ pct, label: `${pct}%`, strong: budget.auto_unload && pct === budget.unload_threshold_pct }));
  const gpuUsed = data.used_gb ?? 0;
  const gpuTotal = data.total_gb ?? 0;
  return (
    <Panel title="Budget · warnings" testId="vram-budget-panel">
      <div className="grid gap-4 lg:grid-cols-2">
        <div>
          {budget.max_gb !== null ? (
            <>
              <p className="mb-2 text-sm">Models hold {budget.allocated_gb.toFixed(2)} GB of the {budget.max_gb} GB budget ({budget.source})</p>
              <UsageBar value={budget.allocated_gb} max={budget.max_gb} ticks={ticks} label={`${budget.allocated_gb.toFixed(2)} of the ${budget.max_gb} GB budget`} testId="vram-budget-bar" />
            </>
          ) : (
            <p className="text-sm text-slate-400">No budget: set ROUTER_VRAM_MAX_TOTAL_GB or run where a GPU is detected. Nothing is unloaded.</p>
          )}
        </div>
        {gpuTotal > 0 ? (
          <div>
            <p className="mb-2 text-sm">GPUs: {gpuUsed.toFixed(2)} GB of {gpuTotal.toFixed(2)} GB in use</p>
            <UsageBar value={gpuUsed} max={gpuTotal} ticks={ticks} label={`${gpuUsed.toFixed(2)} of ${gpuTotal.toFixed(2)} GB GPU memory`} testId="vram-gpu-bar" />
          </div>
        ) : null}
      </div>
      <p className="mt-2 text-xs text-slate-500">
        Warnings at 75 / 85 / 95 % of the GPUs&apos; memory (of the budget when no GPU is sampled);{" "}
        {budget.auto_unload ? `auto-unload at ${budget.unload_threshold_pct}% (the amber mark; strategy ${budget.strategy})` : "auto-unload is off"}.
      </p>
      {data.warnings.length ? (
        <ul data-testid="vram-warnings" className="mt-2 space-y-1 text-sm">
          {data.warnings.map((warning) => <li key={warning} className={warning.startsWith("CRITICAL") ? "text-rose-300" : "text-amber-300"}>{warning}</li>)}
        </ul>
      ) : (
        <p data-testid="vram-warnings" className="mt-2 text-sm text-emerald-300">No warnings.</p>
      )}
    </Panel>
  );
}

function GpuCharts({ data }: { data: VramReport }) {
  const samples = data.history.samples.filter((sample) => sample.gpus.length);
  const gpus = [...new Set(samples.flatMap((sample) => sample.gpus.map((gpu) => gpu.gpu)))];
  return (
    <Panel title={`Per GPU · used vs total · last ${data.history.window_minutes} min`} testId="vram-gpu-chart">
      {!gpus.length ? (
        <Empty>No GPU samples in this window.</Empty>
      ) : (
        <div className="space-y-4">
          {gpus.map((id) => {
            const name = data.gpus.find((gpu) => gpu.gpu === id)?.name ?? id;
            const reading = (field: "used_gb" | "total_gb") => samples.map((sample) => sample.gpus.find((gpu) => gpu.gpu === id)?.[field] ?? 0);
            const series: Series[] = [
              { name: "used", values: reading("used_gb"), color: SERIES_COLORS[0] },
              { name: "total", values: reading("total_gb"), color: SERIES_COLORS[2], dashed: true },
            ];
            return (
              <div key={id}>
                <h3 className="mb-1 text-sm text-slate-300">{id} · {name}</h3>
                <LineChart times={samples.map((sample) => sample.timestamp)} series={series} label={`${id} memory used and total`} />
              </div>
            );
          })}
        </div>
      )}
    </Panel>
  );
}

function ModelChart({ data }: { data: VramReport }) {
  const samples = data.history.samples;
  const models = [...new Set([...samples.flatMap((sample) => Object.keys(sample.models)), ...data.loaded_models.map((model) => model.model)])].sort();
  const series: Series[] = models.map((model, index) => ({ name: model, values: samples.map((sample) => sample.models[model] ?? 0), color: SERIES_COLORS[index % SERIES_COLORS.length] }));
  if (data.budget.max_gb !== null && samples.length) series.push({ name: "budget", values: samples.map(() => data.budget.max_gb ?? 0), color: SERIES_COLORS[4], dashed: true });
  return (
    <Panel title={`Per model · resident GB · last ${data.history.window_minutes} min`} testId="vram-model-chart">
      {!samples.length ? (
        <Empty>No samples in this window yet.</Empty>
      ) : !models.length ? (
        <Empty>No model was resident in this window.</Empty>
      ) : (
        <LineChart times={samples.map((sample) => sample.timestamp)} series={series} label="VRAM held by each loaded model" />
      )}
    </Panel>
  );
}

function LoadedModels({ data }: { data: VramReport }) {
  return (
    <Panel title="Loaded models" testId="vram-loaded">
      {!data.loaded_models.length ? (
        <Empty>No model is loaded. Models load on their first request (or at start, for ROUTER_PINNED_MODEL).</Empty>
      ) : (
        <div className="overflow-x-auto">
          <table className="table-basic w-full text-sm" data-testid="vram-loaded-table">
            <thead>
              <tr><th>Model</th><th>Backend</th><th>VRAM</th><th>Size</th><th>Loaded</th><th>Last use</th><th>Expires</th><th>Pinned</th><th>Source</th></tr>
            </thead>
            <tbody>
              {data.loaded_models.map((model) => (
                <tr key={`${model.backend}/${model.model}`} data-testid={`vram-model-${model.model}`}>
                  <td className="font-medium">{model.model}</td>
                  <td>{model.backend}</td>
                  <td className="tabular-nums">{model.vram_gb.toFixed(2)} GB</td>
                  <td className="tabular-nums">{model.size_bytes === null ? "—" : `${(model.size_bytes / 1024 ** 3).toFixed(2)} GB`}</td>
                  <td className="whitespace-nowrap" title={model.loaded_at}>{age(model.loaded_at)}</td>
                  <td className="whitespace-nowrap" title={model.last_used_at}>{age(model.last_used_at)}</td>
                  <td className="whitespace-nowrap">{expiry(model.expires_at)}</td>
                  <td>{model.pinned ? <span className="text-amber-300">pinned</span> : "—"}</td>
                  <td>{model.source}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Panel>
  );
}

function Events({ data }: { data: VramReport }) {
  return (
    <Panel title="Recent loads and unloads" testId="vram-events">
      {!data.events.length ? (
        <Empty>No model was loaded or unloaded since the router started.</Empty>
      ) : (
        <div className="overflow-x-auto">
          <table className="table-basic w-full text-sm" data-testid="vram-events-table">
            <thead>
              <tr><th>When</th><th>Event</th><th>Model</th><th>Reason</th><th>Load time</th></tr>
            </thead>
            <tbody>
              {data.events.slice(0, 50).map((event, index) => (
                <tr key={`${event.at}-${event.model}-${event.kind}-${index}`}>
                  <td className="whitespace-nowrap" title={event.at}>{age(event.at)}</td>
                  <td className={event.kind === "load" ? "text-emerald-300" : "text-amber-300"}>{event.kind}</td>
                  <td>{event.model}</td>
                  <td>{event.reason}</td>
                  <td className="tabular-nums">{event.duration_ms === null ? "—" : `${event.duration_ms} ms`}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </Panel>
  );
}

function expiry(iso: string | null): string {
  if (!iso) return "—";
  const at = new Date(iso);
  if (at.getUTCFullYear() > 2200) return "never";
  const seconds = Math.round((at.getTime() - Date.now()) / 1000);
  if (seconds <= 0) return "now";
  return seconds < 90 ? `in ${seconds}s` : `in ${Math.round(seconds / 60)}m`;
}
