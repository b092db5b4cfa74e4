"use client";

import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import Link from "next/link";
import { useState } from "react";
import type { ConsoleModel } from "@/server/console/models";
import { useTRPC } from "../../_components/trpc";
import { age, Empty, ErrorBox, FieldError, Loading, Panel, score } from "../../_components/ui";
import { AliasEditor } from "../benchmarks/alias-editor";

const CATEGORIES = ["coding", "math", "reasoning", "creative", "extraction", "factual", "general"] as const;

export function ModelsView() {
  const trpc = useTRPC();
  const models = useQuery(trpc.models.list.queryOptions());
  const [selected, setSelected] = useState<string | null>(null);
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-bold">Models</h1>
      <ErrorBox error={models.error} />
      {models.isLoading ? <Loading what="models" /> : null}
      {models.data && !models.data.length ? <Empty>No models discovered yet: check the backends on the Overview page.</Empty> : null}
      {models.data?.length ? (
        <div className="overflow-x-auto rounded-lg border border-slate-800">
          <table className="table-basic w-full text-sm" data-testid="models-table">
            <thead>
              <tr><th>Model</th><th>Backend</th><th>Family · size · quant</th><th>Capabilities</th><th>Resident</th><th>Speed</th><th>Status</th><th /></tr>
            </thead>
            <tbody>
              {models.data.map((model) => (
                <ModelRow key={model.name} model={model} onOpen={() => setSelected(model.name === selected ? null : model.name)} open={model.name === selected} />
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      {selected ? <ModelDetail name={selected} /> : null}
    </div>
  );
}

function ModelRow({ model, open, onOpen }: { model: ConsoleModel; open: boolean; onOpen: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const refresh = { onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.models.list.queryKey() }) };
  const setEnabled = useMutation(trpc.models.setEnabled.mutationOptions(refresh));
  const setPinned = useMutation(trpc.models.setPinned.mutationOptions(refresh));
  const reprofile = useMutation(trpc.profiling.start.mutationOptions());
  const disabled = Boolean(model.override.disabled);
  const pinned = Boolean(model.override.pinned);
  return (
    <tr data-testid={`model-row-${model.name}`}>
      <td className="font-medium">
        <button type="button" className="text-left text-sky-300 hover:underline" aria-expanded={open} onClick={onOpen}>{model.name}</button>
      </td>
      <td>{model.backend}{model.reachable ? "" : " (unreachable)"}</td>
      <td>{[model.family, model.parameterCountB ? `${model.parameterCountB}B` : null, model.quantization].filter(Boolean).join(" · ") || "—"}</td>
      <td>{model.embeddingOnly ? "embedding" : model.capabilities.join(", ") || "—"}</td>
      <td>{model.loaded ? `yes${model.vramGb ? ` · ${model.vramGb.toFixed(1)} GB` : ""}` : "no"}</td>
      <td>{model.tokensPerSecond ? `${Math.round(model.tokensPerSecond)} tok/s` : "—"}</td>
      <td>
        {disabled ? <span className="text-rose-300">disabled</span> : <span className="text-emerald-300">enabled</span>}
        {pinned ? <span className="ml-1 text-amber-300">· pinned</span> : null}
        {model.override.scoreAdjustment ? <span className="ml-1 text-slate-400">· adj {model.override.scoreAdjustment > 0 ? "+" : ""}{model.override.scoreAdjustment}</span> : null}
      </td>
      <td className="whitespace-nowrap">
        <button type="button" className="btn" disabled={setEnabled.isPending} onClick={() => setEnabled.mutate({ name: model.name, enabled: disabled })}>{disabled ? "Enable" : "Disable"}</button>{" "}
        <button type="button" className="btn" disabled={setPinned.isPending} onClick={() => setPinned.mutate({ name: model.name, pinned: !pinned })}>{pinned ? "Unpin" : "Pin"}</button>{" "}
        {model.embeddingOnly ? null : (
          <button type="button" className="btn" disabled={reprofile.isPending} onClick={() => reprofile.mutate({ models: [model.name], force: true })}>Re-profile</button>
        )}
        {reprofile.isSuccess ? (
          <span role="status" className="ml-2 text-xs text-emerald-300">
            queued · <Link href="/console/profiling" className="underline">follow it</Link>
          </span>
        ) : null}
        <ErrorBox error={setEnabled.error ?? setPinned.error ?? reprofile.error} />
      </td>
    </tr>
  );
}

function ModelDetail({ name }: { name: string }) {
  const trpc = useTRPC();
  const detail = useQuery(trpc.models.detail.queryOptions({ name }));
  if (detail.isLoading) return <Loading what={name} />;
  if (!detail.data) return <ErrorBox error={detail.error} />;
  const { model } = detail.data;
  return (
    <Panel title={`${name} · detail`} testId="model-detail">
      <div className="overflow-x-auto">
        <table className="table-basic w-full text-sm">
          <thead><tr><th>Category</th><th>Profile</th><th>Benchmark</th><th>Feedback</th></tr></thead>
          <tbody>
            {CATEGORIES.map((category) => {
              const cells = model.scores[category];
              return (
                <tr key={category}>
                  <td>{category}</td>
                  {(["profile", "benchmark", "feedback"] as const).map((source) => {
                    const cell = cells[source];
                    return <td key={source}>{cell ? `${score(cell.value)} · n=${cell.count}${cell.at ? ` · ${age(cell.at)}` : ""}` : <span className="text-slate-600">not measured</span>}</td>;
                  })}
                </tr>
              );
            })}
          </tbody>
        </table>
      </div>
      <p className="mt-2 text-xs text-slate-500">Last profiled: {detail.data.lastProfiled ? age(detail.data.lastProfiled) : "never"}.</p>
      <ProfilingAnswers name={name} />
      <ScoreAdjustment name={name} current={model.override.scoreAdjustment ?? 0} currentReason={model.override.reason ?? ""} />
      <BenchmarkAlias name={name} />
      {detail.data.recentFeedback.length ? (
        <ul className="mt-3 text-sm">
          {detail.data.recentFeedback.map((row) => <li key={row.id}>{score(row.score)} {row.category ?? ""} {row.comment ? `— ${row.comment}` : ""} <span className="text-slate-500">{age(row.createdAt)}</span></li>)}
        </ul>
      ) : null}
    </Panel>
  );
}

function ScoreAdjustment({ name, current, currentReason }: { name: string; current: number; currentReason: string }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [adjustment, setAdjustment] = useState(String(current));
  const [reason, setReason] = useState(currentReason);
  const [local, setLocal] = useState<Record<string, string>>({});
  const save = useMutation(
    trpc.models.adjustScore.mutationOptions({
      onSuccess: () => {
        void queryClient.invalidateQueries({ queryKey: trpc.models.list.queryKey() });
        void queryClient.invalidateQueries({ queryKey: trpc.models.detail.queryKey({ name }) });
      },
    }),
  );
  const serverErrors = (save.error?.data as { fieldErrors?: Record<string, string> } | undefined)?.fieldErrors ?? {};
  const errors = { ...serverErrors, ...local };
  const submit = () => {
    const value = Number(adjustment);
    const problems: Record<string, string> = {};
    if (adjustment.trim() === "" || !Number.isFinite(value) || value < -1 || value > 1) problems.adjustment = "Enter a number between -1 and 1";
    if (value !== 0 && reason.trim().length < 3) problems.reason = "Say why (at least 3 characters)";
    setLocal(problems);
    if (!Object.keys(problems).length) save.mutate({ name, adjustment: value, reason });
  };
  return (
    <form className="mt-4 flex flex-wrap items-start gap-3" onSubmit={(event) => { event.preventDefault(); submit(); }} noValidate>
      <div>
        <label htmlFor="adjustment" className="block text-xs text-slate-400">Score adjustment (-1…1)</label>
        <input id="adjustment" className="input w-28" value={adjustment} onChange={(event) => setAdjustment(event.target.value)} aria-invalid={Boolean(errors.adjustment)} />
        <FieldError message={errors.adjustment} />
      </div>
      <div className="min-w-64 flex-1">
        <label htmlFor="reason" className="block text-xs text-slate-400">Reason</label>
        <input id="reason" className="input w-full" value={reason} onChange={(event) => setReason(event.target.value)} aria-invalid={Boolean(errors.reason)} />
        <FieldError message={errors.reason} />
      </div>
      <button type="submit" className="btn-primary mt-4" disabled={save.isPending}>Save adjustment</button>
      {save.isSuccess ? <span role="status" className="mt-5 text-xs text-emerald-300">Saved</span> : null}
    </form>
  );
}

/** "Alias to a benchmark name": the Benchmarks page's alias editor, for this model. */
function BenchmarkAlias({ name }: { name: string }) {
  const trpc = useTRPC();
  const aliases = useQuery(trpc.benchmarks.aliases.queryOptions());
  const current = aliases.data?.find((alias) => alias.model === name)?.benchmark_names ?? null;
  return (
    <div className="mt-4" data-testid="model-benchmark-alias">
      <h3 className="text-xs text-slate-400">Alias to a benchmark name{current ? ` (now: ${current.join(", ")})` : ""}</h3>
      <ErrorBox error={aliases.error} />
      {aliases.data ? <AliasEditor model={name} current={current} /> : null}
    </div>
  );
}

function ProfilingAnswers({ name }: { name: string }) {
  const trpc = useTRPC();
  const answers = useQuery(trpc.profiling.answers.queryOptions({ name }));
  if (answers.isLoading) return <Loading what="profiling answers" />;
  if (answers.error) return <ErrorBox error={answers.error} />;
  const rows = answers.data?.answers ?? [];
  if (!rows.length) return <Empty>No profiling answers yet: use Re-profile to measure this model.</Empty>;
  return (
    <div className="mt-3">
      <h3 className="mb-1 text-xs font-semibold uppercase tracking-wide text-slate-400">Latest profiling answers</h3>
      <div className="overflow-x-auto">
        <table className="table-basic w-full text-sm" data-testid="profiling-answers">
          <thead>
            <tr><th>Prompt</th><th>Category</th><th>Outcome</th><th>Check</th><th>Judge</th><th>Judge rationale</th><th>TTFT</th><th>Tokens/s</th></tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.id}>
                <td className="whitespace-nowrap font-mono text-xs" title={row.answerPreview ?? undefined}>{row.promptId}</td>
                <td>{row.category}</td>
                <td className={row.outcome === "graded" ? "" : "text-amber-300"} title={row.error ?? undefined}>{row.outcome}</td>
                <td className="tabular-nums">{score(row.checkScore)}</td>
                <td className="tabular-nums">{score(row.judgeScore)}</td>
                <td className="min-w-64 text-slate-300" data-testid="judge-rationale">{row.judgeRationale ?? (row.error ? <span className="text-slate-500">{row.error}</span> : "—")}</td>
                <td className="whitespace-nowrap tabular-nums">{row.timeToFirstTokenMs === null ? "—" : `${Math.round(row.timeToFirstTokenMs)} ms`}</td>
                <td className="tabular-nums">{row.tokensPerSecond === null ? "—" : Math.round(row.tokensPerSecond)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </div>
  );
}
