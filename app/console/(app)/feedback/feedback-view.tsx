"use client";

import { keepPreviousData, useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { useTRPC } from "../../_components/trpc";
import { age, Empty, ErrorBox, Loading, Pager, Panel, score } from "../../_components/ui";

export function FeedbackView() {
  const trpc = useTRPC();
  const [page, setPage] = useState(1);
  const feedback = useQuery({ ...trpc.feedback.list.queryOptions({ page, pageSize: 25 }), placeholderData: keepPreviousData });
  const data = feedback.data;
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-bold">Feedback</h1>
      <ErrorBox error={feedback.error} />
      {feedback.isLoading ? <Loading what="feedback" /> : null}
      {data && !data.total ? <Empty>No feedback yet. Clients send it with POST /v1/feedback.</Empty> : null}
      {data?.aggregates.length ? (
        <Panel title="Per model" testId="feedback-aggregates">
          <ul className="space-y-1 text-sm">
            {data.aggregates.map((row) => (
              <li key={row.model} className="grid grid-cols-[minmax(0,14rem)_1fr_auto] items-center gap-3">
                <span className="truncate">{row.model}</span>
                {/* mean in [-1, 1]: a bar from the middle, green right, red left */}
                <svg viewBox="-1 0 2 1" preserveAspectRatio="none" className="h-3 w-full" role="img" aria-label={`mean ${score(row.mean)}`}>
                  <rect x="-1" width="2" height="1" className="fill-slate-800" />
                  <rect x={Math.min(0, row.mean)} width={Math.abs(row.mean)} height="1" className={row.mean >= 0 ? "fill-emerald-500" : "fill-rose-500"} />
                </svg>
                <span className="tabular-nums text-slate-300">{score(row.mean)} · {row.count} ratings (+{row.positive}/−{row.negative}) · {age(row.latest)}</span>
              </li>
            ))}
          </ul>
        </Panel>
      ) : null}
      {data?.rows.length ? (
        <Panel title="Recent">
          <div className="overflow-x-auto">
            <table className="table-basic w-full text-sm" data-testid="feedback-table">
              <thead><tr><th>When</th><th>Model</th><th>Score</th><th>Category</th><th>Comment</th><th>Source</th></tr></thead>
              <tbody>
                {data.rows.map((row) => (
                  <tr key={row.id}><td title={row.createdAt}>{age(row.createdAt)}</td><td>{row.model}</td><td className="tabular-nums">{score(row.score)}</td><td>{row.category ?? "—"}</td><td>{row.comment ?? ""}</td><td>{row.source}</td></tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager page={data.page} pageSize={data.pageSize} total={data.total} onPage={setPage} />
        </Panel>
      ) : null}
    </div>
  );
}
