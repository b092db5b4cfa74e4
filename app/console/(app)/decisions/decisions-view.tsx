"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "../../_components/trpc";
import { age, Empty, ErrorBox, FieldError, Loading, Pager, Panel, score } from "../../_components/ui";

const CATEGORIES = ["coding", "math", "reasoning", "creative", "extraction", "factual", "general"] as const;
type Filters = { model: string; category: "" | (typeof CATEGORIES)[number]; outcome: "" | "ok" | "error"; fallback: "" | "yes" | "no"; from: string; to: string };
const EMPTY: Filters = { model: "", category: "", outcome: "", fallback: "", from: "", to: "" };

export function DecisionsView() {
  const trpc = useTRPC();
  const [draft, setDraft] = useState<Filters>(EMPTY);
  const [filters, setFilters] = useState<Filters>(EMPTY);
  const [page, setPage] = useState(1);
  const [open, setOpen] = useState<number | null>(null);
  const rangeError = draft.from && draft.to && new Date(draft.from) > new Date(draft.to) ? "'From' must be before 'to'" : undefined;
  const list = useQuery({
    ...trpc.decisions.list.queryOptions({
      page,
      pageSize: 25,
      model: filters.model || undefined,
      category: filters.category || undefined,
      outcome: filters.outcome || undefined,
      fallback: filters.fallback === "" ? undefined : filters.fallback === "yes",
      from: filters.from ? new Date(filters.from) : undefined,
      to: filters.to ? new Date(filters.to) : undefined,
    }),
    placeholderData: keepPreviousData,
  });
  const set = (patch: Partial<Filters>) => setDraft({ ...draft, ...patch });
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-bold">Decisions</h1>
      <form
        noValidate
        className="flex flex-wrap items-end gap-3 text-sm"
        onSubmit={(event) => {
          event.preventDefault();
          if (rangeError) return;
          setFilters(draft);
          setPage(1);
        }}
      >
        <label>Model<br /><input className="input" value={draft.model} onChange={(event) => set({ model: event.target.value })} /></label>
        <label>Category<br />
          <select className="input" value={draft.category} onChange={(event) => set({ category: event.target.value as Filters["category"] })}>
            <option value="">any</option>{CATEGORIES.map((category) => <option key={category}>{category}</option>)}
          </select>
        </label>
        <label>Outcome<br />
          <select className="input" value={draft.outcome} onChange={(event) => set({ outcome: event.target.value as Filters["outcome"] })}><option value="">any</option><option value="ok">ok</option><option value="error">error</option></select>
        </label>
        <label>Fallback<br />
          <select className="input" value={draft.fallback} onChange={(event) => set({ fallback: event.target.value as Filters["fallback"] })}><option value="">any</option><option value="yes">yes</option><option value="no">no</option></select>
        </label>
        <label>From<br /><input type="datetime-local" className="input" value={draft.from} onChange={(event) => set({ from: event.target.value })} aria-invalid={Boolean(rangeError)} /></label>
        <div>
          <label>To<br /><input type="datetime-local" className="input" value={draft.to} onChange={(event) => set({ to: event.target.value })} aria-invalid={Boolean(rangeError)} /></label>
          <FieldError message={rangeError} />
        </div>
        <button type="submit" className="btn-primary">Filter</button>
      </form>
      <ErrorBox error={list.error} />
      {list.isLoading ? <Loading what="decisions" /> : null}
      {list.data && !list.data.rows.length ? <Empty>No decisions match. Requests to /v1/chat/completions appear here.</Empty> : null}
      {list.data?.rows.length ? (
        <>
          <div className="overflow-x-auto rounded-lg border border-slate-800">
            <table className="table-basic w-full text-sm" data-testid="decisions-table">
              <thead><tr><th>When</th><th>Model</th><th>Category</th><th>Outcome</th><th>Fallbacks</th><th>Cache</th><th>Latency</th><th>Tokens</th></tr></thead>
              <tbody>
                {list.data.rows.map((row) => (
                  <tr key={row.id}>
                    <td><button type="button" className="text-sky-300 hover:underline" aria-expanded={open === row.id} onClick={() => setOpen(open === row.id ? null : row.id)} title={row.createdAt}>{age(row.createdAt)}</button></td>
                    <td>{row.selectedModel}</td>
                    <td>{row.category ?? "—"}{row.tier ? ` · ${row.tier}` : ""}</td>
                    <td className={row.status === "ok" ? "text-emerald-300" : "text-rose-300"}>{row.status}</td>
                    <td>{row.fallbackCount}</td>
                    <td>{row.cacheHit ? "hit" : ""}</td>
                    <td className="tabular-nums">{row.latencyMs === null ? "—" : `${Math.round(row.latencyMs)} ms`}</td>
                    <td className="tabular-nums">{row.promptTokens ?? "—"} / {row.completionTokens ?? "—"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager page={list.data.page} pageSize={list.data.pageSize} total={list.data.total} onPage={setPage} />
        </>
      ) : null}
      {open !== null ? <DecisionDetail id={open} /> : null}
    </div>
  );
}

function DecisionDetail({ id }: { id: number }) {
  const trpc = useTRPC();
  const detail = useQuery(trpc.decisions.detail.queryOptions({ id }));
  if (detail.isLoading) return <Loading what={`decision ${id}`} />;
  if (!detail.data) return <ErrorBox error={detail.error} />;
  const row = detail.data;
  return (
    <Panel title={`Decision ${id}`} testId="decision-detail">
      <dl className="grid grid-cols-[max-content_1fr] gap-x-4 gap-y-1 text-sm">
        <dt className="text-slate-500">Time</dt><dd>{row.createdAt}</dd>
        <dt className="text-slate-500">Request</dt><dd>{row.requestId ?? "—"}</dd>
        <dt className="text-slate-500">Model</dt><dd>{row.selectedModel} on {row.backend ?? "?"}</dd>
        <dt className="text-slate-500">Analysis</dt><dd>{row.category ?? "?"} (confidence {score(row.categoryConfidence)}) · complexity {score(row.complexity)} ({row.tier ?? "?"})</dd>
        <dt className="text-slate-500">Why</dt><dd>{row.reason ?? "—"}</dd>
        <dt className="text-slate-500">Tokens</dt><dd>{row.promptTokens ?? "—"} in · {row.completionTokens ?? "—"} out{row.tokensEstimated ? " (estimated)" : ""}</dd>
        <dt className="text-slate-500">Latency</dt><dd>{row.latencyMs === null ? "—" : `${Math.round(row.latencyMs)} ms`}{row.ttftMs ? ` · first token ${Math.round(row.ttftMs)} ms` : ""}</dd>
        <dt className="text-slate-500">Trace</dt><dd>{row.traceUrl ? <a className="text-sky-300 hover:underline" href={row.traceUrl} target="_blank" rel="noreferrer">Open in Grafana / Tempo</a> : "not traced (tracing off)"}</dd>
        {row.error ? <><dt className="text-slate-500">Error</dt><dd className="text-rose-300">{row.error}</dd></> : null}
      </dl>
      {row.attempts.length ? (
        <ol className="mt-3 list-decimal pl-5 text-sm">{row.attempts.map((attempt, index) => <li key={index}>{attempt.model} on {attempt.backend}: {attempt.ok ? "ok" : `failed (${attempt.error ?? "error"})`} · {Math.round(attempt.ms)} ms</li>)}</ol>
      ) : null}
      {row.candidates.length ? (
        <table className="table-basic mt-3 w-full text-sm">
          <thead><tr><th>Candidate</th><th>Score</th><th>Components</th><th>Excluded</th></tr></thead>
          <tbody>
            {row.candidates.map((candidate) => (
              <tr key={candidate.model}>
                <td>{candidate.model}</td><td>{score(candidate.score)}</td>
                <td className="text-xs text-slate-400">{Object.entries(candidate.parts ?? {}).filter(([, value]) => value !== 0).map(([name, value]) => `${name} ${value}`).join(" · ")}</td>
                <td className="text-xs text-rose-300">{candidate.excluded ?? ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
      ) : null}
    </Panel>
  );
}
