"use client";

import type { ReactNode } from "react";

// Small building blocks shared by the console pages: panels, states, inline SVG charts, a pager.

export function Panel({ title, children, actions, testId }: { title: string; children: ReactNode; actions?: ReactNode; testId?: string }) {
  return (
    <section data-testid={testId} className="rounded-lg border border-slate-800 bg-slate-900/60 p-4">
      <div className="mb-3 flex flex-wrap items-center justify-between gap-2">
        <h2 className="text-sm font-semibold uppercase tracking-wide text-slate-400">{title}</h2>
        {actions}
      </div>
      {children}
    </section>
  );
}

export function Stat({ label, value, testId, hint }: { label: string; value: string; testId?: string; hint?: string }) {
  return (
    <div className="rounded-lg border border-slate-800 bg-slate-900/60 p-4">
      <div className="text-xs uppercase tracking-wide text-slate-500">{label}</div>
      <div data-testid={testId} className="mt-1 text-2xl font-semibold">{value}</div>
      {hint ? <div className="mt-1 text-xs text-slate-500">{hint}</div> : null}
    </div>
  );
}

export function Loading({ what }: { what: string }) {
  return <p role="status" className="animate-pulse text-sm text-slate-400">Loading {what}…</p>;
}

export function Empty({ children }: { children: ReactNode }) {
  return <p className="rounded border border-dashed border-slate-700 p-4 text-sm text-slate-400">{children}</p>;
}

export function ErrorBox({ error }: { error: { message: string } | null }) {
  if (!error) return null;
  return <p role="alert" className="rounded border border-rose-700 bg-rose-950/40 p-3 text-sm text-rose-200">{error.message}</p>;
}

export function FieldError({ message, id }: { message?: string; id?: string }) {
  if (!message) return null;
  return <p id={id} role="alert" className="mt-1 text-xs text-rose-300">{message}</p>;
}

/** Horizontal bars with labels: counts by category or model. */
export function BarList({ items, testId }: { items: { name: string; count: number }[]; testId?: string }) {
  const max = Math.max(1, ...items.map((item) => item.count));
  if (!items.length) return <Empty>Nothing in this window yet.</Empty>;
  return (
    <ul data-testid={testId} className="space-y-1 text-sm">
      {items.map((item) => (
        <li key={item.name} className="grid grid-cols-[minmax(0,10rem)_1fr_3rem] items-center gap-2">
          <span className="truncate" title={item.name}>{item.name}</span>
          <svg viewBox="0 0 100 6" preserveAspectRatio="none" className="h-3 w-full" aria-hidden>
            <rect width={(item.count / max) * 100} height="6" rx="1" className="fill-sky-500" />
          </svg>
          <span className="text-right tabular-nums text-slate-300">{item.count}</span>
        </li>
      ))}
    </ul>
  );
}

/** Requests (and errors) per minute as columns. */
export function ColumnChart({ points, label }: { points: { minute: string; requests: number; errors: number }[]; label: string }) {
  const max = Math.max(1, ...points.map((point) => point.requests));
  const width = 100 / Math.max(1, points.length);
  return (
    <svg role="img" aria-label={label} viewBox="0 0 100 40" preserveAspectRatio="none" className="h-32 w-full">
      {points.map((point, index) => {
        const height = (point.requests / max) * 38;
        const errors = (point.errors / max) * 38;
        return (
          <g key={point.minute}>
            <title>{`${point.minute}Z: ${point.requests} requests, ${point.errors} errors`}</title>
            <rect x={index * width + width * 0.1} y={40 - height} width={width * 0.8} height={height} className="fill-sky-500/80" />
            <rect x={index * width + width * 0.1} y={40 - errors} width={width * 0.8} height={errors} className="fill-rose-500" />
          </g>
        );
      })}
    </svg>
  );
}

export function Pager({ page, pageSize, total, onPage }: { page: number; pageSize: number; total: number; onPage: (page: number) => void }) {
  const pages = Math.max(1, Math.ceil(total / pageSize));
  return (
    <nav aria-label="pagination" className="mt-3 flex items-center gap-3 text-sm">
      <button type="button" className="btn" disabled={page <= 1} onClick={() => onPage(page - 1)}>Previous</button>
      <span data-testid="pager-status">Page {page} of {pages} · {total} total</span>
      <button type="button" className="btn" disabled={page >= pages} onClick={() => onPage(page + 1)}>Next</button>
    </nav>
  );
}

export const percent = (ratio: number) => `${(ratio * 100).toFixed(1)}%`;
export const score = (value: number | null | undefined) => (value === null || value === undefined ? "—" : value.toFixed(2));
export function age(iso: string | null | undefined): string {
  if (!iso) return "";
  const seconds = Math.max(0, (Date.now() - new Date(iso).getTime()) / 1000);
  if (seconds < 90) return `${Math.round(seconds)}s ago`;
  if (seconds < 5400) return `${Math.round(seconds / 60)}m ago`;
  if (seconds < 129_600) return `${Math.round(seconds / 3600)}h ago`;
  return `${Math.round(seconds / 86_400)}d ago`;
}

/** A labelled progress bar (ratio 0…1) with the percentage and a short detail. */
export function ProgressBar({ label, value, detail, testId, tone = "normal", title }: { label: string; value: number; detail?: string; testId?: string; tone?: "normal" | "bad"; title?: string }) {
  const pct = Math.round(Math.min(1, Math.max(0, value)) * 100);
  return (
    <div data-testid={testId} title={title} className="grid grid-cols-[minmax(0,12rem)_1fr_auto] items-center gap-2 text-sm max-sm:grid-cols-[1fr_auto]">
      <span className="truncate max-sm:col-span-2" title={label}>{label}</span>
      <div role="progressbar" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct} className="h-2 w-full overflow-hidden rounded bg-slate-800">
        <div className={`h-full ${tone === "bad" ? "bg-rose-500" : "bg-sky-500"} transition-[width]`} style={{ width: `${pct}%` }} />
      </div>
      <span className="whitespace-nowrap text-right tabular-nums text-slate-300"><span data-testid={testId ? `${testId}-percent` : undefined}>{pct} %</span>{detail ? <span className="ml-2 text-slate-500">{detail}</span> : null}</span>
    </div>
  );
}
