"use client";

import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";
import { useTRPC } from "../../_components/trpc";
import { age, Empty, ErrorBox, FieldError, Loading, Pager, Panel, score } from "../../_components/ui";
import { AliasEditor } from "./alias-editor";

const CATEGORIES = ["coding", "math", "reasoning", "creative", "extraction", "factual", "general"] as const;
const PAGE_SIZE = 25;
const IMPORT_MAX_BYTES = 1024 * 1024;

/** Every benchmark query, refreshed after a sync, an import or an alias change. */
function useRefreshBenchmarks() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  return () =>
    Promise.all([trpc.benchmarks.list, trpc.benchmarks.sources, trpc.benchmarks.review].map((procedure) => queryClient.invalidateQueries({ queryKey: procedure.queryKey() })));
}

export function BenchmarksView() {
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-bold">Benchmarks</h1>
      <SourcesPanel />
      <BenchmarkTable />
      <ImportPanel />
      <ReviewPanel />
    </div>
  );
}

function SourcesPanel() {
  const trpc = useTRPC();
  const refresh = useRefreshBenchmarks();
  const status = useQuery(trpc.benchmarks.sources.queryOptions());
  const sync = useMutation(trpc.benchmarks.syncNow.mutationOptions({ onSuccess: () => refresh() }));
  const run = status.data?.lastRun;
  return (
    <Panel
      title="Sources"
      testId="benchmark-sources"
      actions={
        <button type="button" className="btn-primary" disabled={sync.isPending} aria-busy={sync.isPending} onClick={() => sync.mutate({})}>
          {sync.isPending ? "Syncing…" : "Sync now"}
        </button>
      }
    >
      <ErrorBox error={status.error ?? sync.error} />
      {status.isLoading ? <Loading what="sources" /> : null}
      {status.data ? (
        <>
          <p className="mb-2 text-sm text-slate-400" data-testid="last-sync">
            {run ? `Last sync ${age(run.finishedAt ?? run.startedAt)}: ${run.status}` : "Never synced: press Sync now, or wait for the background sync."}
          </p>
          <div className="overflow-x-auto">
            <table className="table-basic w-full text-sm">
              <thead><tr><th>Source</th><th>Rows</th><th>Updated</th><th>Last sync</th></tr></thead>
              <tbody>
                {status.data.sources.map((source) => (
                  <tr key={source.source} data-testid={`source-${source.source}`}>
                    <td className="font-medium">{source.source}{source.configured ? "" : <span className="ml-1 text-xs text-slate-500">(not configured)</span>}</td>
                    <td className="tabular-nums">{source.rows}</td>
                    <td>{source.lastUpdated ? age(source.lastUpdated) : "—"}</td>
                    <td>
                      {source.lastRun === "failed" ? <span className="text-rose-300">failed{source.error ? `: ${source.error}` : ""}</span> : source.lastRun === "ok" ? <span className="text-emerald-300">ok</span> : source.lastRun ?? (source.source === "file" && source.rows ? "imported (not synced)" : "—")}
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      ) : null}
      {sync.data ? (
        <div role="status" data-testid="sync-outcome" className="mt-3 text-sm">
          <p className={sync.data.status === "failed" ? "text-rose-300" : "text-emerald-300"}>
            Sync {sync.data.status}: {sync.data.matched_models.length} of {sync.data.total_models} models matched.
          </p>
          <ul className="mt-1 list-inside list-disc text-slate-300">
            {sync.data.sources.map((outcome) => (
              <li key={outcome.source}>
                {outcome.source}: {outcome.error ? <span className="text-rose-300">failed — {outcome.error}</span> : `${outcome.records} records, ${outcome.matched} matched${outcome.note ? ` (${outcome.note})` : ""}`}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
    </Panel>
  );
}

function BenchmarkTable() {
  const trpc = useTRPC();
  const [page, setPage] = useState(1);
  const list = useQuery({ ...trpc.benchmarks.list.queryOptions({ page, pageSize: PAGE_SIZE }), placeholderData: keepPreviousData });
  return (
    <Panel title="Stored figures" testId="benchmarks-panel">
      <ErrorBox error={list.error} />
      {list.isLoading ? <Loading what="benchmarks" /> : null}
      {list.data && list.data.total === 0 ? <Empty>No benchmark figures stored yet: press Sync now or import a file.</Empty> : null}
      {list.data?.benchmarks.length ? (
        <>
          <div className="overflow-x-auto">
            <table className="table-basic w-full text-sm" data-testid="benchmarks-table">
              <thead>
                <tr>
                  <th>Model</th><th>Source</th><th>Benchmark name</th><th>Confidence</th>
                  {CATEGORIES.map((category) => <th key={category}>{category}</th>)}
                  <th>Age</th>
                </tr>
              </thead>
              <tbody>
                {list.data.benchmarks.map((row) => (
                  <tr key={`${row.ollama_name}/${row.source}`}>
                    <td className="font-medium">{row.ollama_name}</td>
                    <td>{row.source}</td>
                    <td className="max-w-64 truncate" title={row.matched_name ?? undefined}>{row.matched_name ?? "—"}</td>
                    <td className="tabular-nums">{score(row.confidence)}</td>
                    {CATEGORIES.map((category) => <td key={category} className="tabular-nums">{score(row.scores[category])}</td>)}
                    <td className="whitespace-nowrap">{age(row.last_updated)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
          <Pager page={page} pageSize={PAGE_SIZE} total={list.data.total} onPage={setPage} />
        </>
      ) : null}
    </Panel>
  );
}

type Format = "csv" | "json";
const formatOf = (fileName: string): Format | undefined => (/\.csv$/i.test(fileName) ? "csv" : /\.json$/i.test(fileName) ? "json" : undefined);

function ImportPanel() {
  const trpc = useTRPC();
  const refresh = useRefreshBenchmarks();
  const id = useId();
  const [file, setFile] = useState<{ name: string; content: string } | null>(null);
  const [format, setFormat] = useState<Format | "">("");
  const [local, setLocal] = useState<{ file?: string; format?: string }>({});
  const upload = useMutation(trpc.benchmarks.import.mutationOptions({ onSuccess: () => refresh() }));
  const fieldErrors = (upload.error?.data as { fieldErrors?: Record<string, string> } | undefined)?.fieldErrors;
  const fileError = local.file ?? fieldErrors?.content;
  const formatError = local.format ?? fieldErrors?.format;
  const refusal = upload.data?.refused ? upload.data : undefined;
  const imported = upload.data && !upload.data.refused ? upload.data : undefined;
  return (
    <Panel title="Import a file" testId="benchmark-import">
      <p className="mb-3 text-xs text-slate-400">
        CSV or JSON, one row per model: <code>model,mmlu_pro,gpqa,humaneval,elo,source_url</code>. A file with any bad row is refused whole. At most 1 MiB.
      </p>
      <form
        noValidate
        className="flex flex-wrap items-start gap-3"
        onSubmit={(event) => {
          event.preventDefault();
          const problems = { file: file ? undefined : "Choose a file", format: format ? undefined : "Choose CSV or JSON" };
          setLocal(problems);
          if (file && format) upload.mutate({ format, content: file.content });
        }}
      >
        <div className="min-w-0 max-w-full">
          <label htmlFor={`${id}-file`} className="block text-xs text-slate-400">Benchmark file</label>
          <input
            id={`${id}-file`}
            type="file"
            accept=".csv,.json,text/csv,application/json"
            className="input max-w-full"
            aria-invalid={Boolean(fileError || refusal)}
            aria-describedby={`${id}-file-error`}
            onChange={async (event) => {
              const chosen = event.target.files?.[0];
              upload.reset();
              if (!chosen) return setFile(null);
              if (chosen.size > IMPORT_MAX_BYTES) {
                setFile(null);
                return setLocal({ file: "The file is larger than 1 MiB" });
              }
              setLocal({});
              setFile({ name: chosen.name, content: await chosen.text() });
              setFormat(formatOf(chosen.name) ?? format);
            }}
          />
          <div id={`${id}-file-error`}>
            <FieldError message={fileError} />
            {refusal ? (
              <div role="alert" className="mt-1 text-xs text-rose-300" data-testid="import-problems">
                <p>{refusal.message}:</p>
                <ul className="list-inside list-disc">{refusal.problems.map((problem) => <li key={problem}>{problem}</li>)}</ul>
              </div>
            ) : null}
          </div>
        </div>
        <div>
          <label htmlFor={`${id}-format`} className="block text-xs text-slate-400">Format</label>
          <select id={`${id}-format`} className="input" value={format} aria-invalid={Boolean(formatError)} onChange={(event) => setFormat(event.target.value as Format | "")}>
            <option value="">choose…</option>
            <option value="csv">CSV</option>
            <option value="json">JSON</option>
          </select>
          <FieldError message={formatError} />
        </div>
        <button type="submit" className="btn-primary mt-4" disabled={upload.isPending}>{upload.isPending ? "Importing…" : "Import"}</button>
      </form>
      {upload.error && !fieldErrors ? <ErrorBox error={upload.error} /> : null}
      {imported ? (
        <p role="status" data-testid="import-outcome" className="mt-3 text-sm text-emerald-300">
          Imported {imported.imported} rows: {imported.matched.length} matched to backend models
          {imported.unmatched.length ? `, ${imported.unmatched.length} stored under their own names (${imported.unmatched.join(", ")})` : ""}.
        </p>
      ) : null}
    </Panel>
  );
}

function ReviewPanel() {
  const trpc = useTRPC();
  const review = useQuery(trpc.benchmarks.review.queryOptions());
  const unmatched = review.data?.filter((row) => row.matches.length === 0).length ?? 0;
  return (
    <Panel title="Name-match review" testId="match-review">
      <p className="mb-3 text-xs text-slate-400">
        Each backend model and the benchmark name each source matched it to. Models no source matched are highlighted: give them an alias (comma-separated benchmark names); it is used from the next sync or import.
      </p>
      <ErrorBox error={review.error} />
      {review.isLoading ? <Loading what="name matches" /> : null}
      {review.data && !review.data.length ? <Empty>No backend models known yet: check the backends on the Overview page.</Empty> : null}
      {review.data?.length ? (
        <>
          <p className="mb-2 text-sm" data-testid="unmatched-count">{unmatched ? `${unmatched} of ${review.data.length} models have no match.` : "Every model has a match."}</p>
          <div className="overflow-x-auto">
            <table className="table-basic w-full text-sm">
              <thead><tr><th>Model</th><th>Matches (source · name · confidence)</th><th className="min-w-72">Alias</th></tr></thead>
              <tbody>
                {review.data.map((row) => (
                  <tr key={row.model} data-testid={`review-row-${row.model}`} data-unmatched={row.matches.length === 0 || undefined} className={row.matches.length ? "" : "bg-amber-950/40"}>
                    <td className="font-medium">
                      {row.model}
                      <div className="text-xs text-slate-500">{row.backend}</div>
                    </td>
                    <td>
                      {row.matches.length ? (
                        <ul>
                          {row.matches.map((match) => (
                            <li key={match.source} title={match.reason ?? undefined}>
                              <span className="text-slate-400">{match.source}</span> · {match.benchmark_name ?? "—"} · <span className={match.confidence !== null && match.confidence < 0.8 ? "text-amber-300" : ""}>{score(match.confidence)}</span>
                            </li>
                          ))}
                        </ul>
                      ) : (
                        <span className="text-amber-300">no match</span>
                      )}
                    </td>
                    <td>
                      {row.alias ? <div className="mb-1 text-xs text-slate-400">alias: {row.alias.join(", ")}</div> : null}
                      <AliasEditor model={row.model} current={row.alias} />
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </>
      ) : null}
    </Panel>
  );
}
