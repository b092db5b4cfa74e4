"use client";

import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import type { JobView } from "@/server/profiling/service";
import { useTRPC } from "../../_components/trpc";
import { age, Empty, ErrorBox, FieldError, Loading, Pager, Panel, ProgressBar } from "../../_components/ui";

const ACTIVE = new Set(["queued", "running"]);
const STATUS_COLOURS: Record<JobView["status"], string> = {
  queued: "text-slate-300",
  running: "text-sky-300",
  completed: "text-emerald-300",
  failed: "text-rose-300",
  cancelled: "text-amber-300",
  interrupted: "text-amber-300",
};

export function ProfilingView() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [page, setPage] = useState(1);
  // Jobs seen running on this page stay in view after they finish, so their end state is visible.
  const [watched, setWatched] = useState<string[]>([]);
  // Every second while a job is active; every few seconds otherwise, to notice jobs started elsewhere
  // (Models page, the admin API, background profiling).
  const active = useQuery({ ...trpc.profiling.active.queryOptions(), refetchOnMount: "always", refetchInterval: (query) => (query.state.data?.jobs.length ? 1000 : 5000) });
  const history = useQuery({ ...trpc.profiling.history.queryOptions({ page, pageSize: 20 }), placeholderData: keepPreviousData });
  const activeIds = active.data?.jobs.map((job) => job.id).join(",") ?? "";
  const watch = (id: string) => setWatched((ids) => (ids.includes(id) ? ids : [id, ...ids]));
  const [seenActive, setSeenActive] = useState("");
  if (activeIds !== seenActive) {
    setSeenActive(activeIds);
    if (activeIds) setWatched((ids) => [...new Set([...activeIds.split(","), ...ids])]);
  }
  useEffect(() => {
    // A job left (or joined) the active list: the history has news.
    void queryClient.invalidateQueries({ queryKey: trpc.profiling.history.queryKey() });
  }, [activeIds, queryClient, trpc]);

  const activeJobs = active.data?.jobs ?? [];
  const finishedWatched = (history.data?.jobs ?? []).filter((job) => watched.includes(job.id) && !activeJobs.some((running) => running.id === job.id));
  const shown = [...activeJobs, ...finishedWatched];
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-bold">Profiling</h1>
      <StartForm
        onStarted={(job) => {
          watch(job.id);
          void queryClient.invalidateQueries({ queryKey: trpc.profiling.active.queryKey() });
        }}
      />
      <Panel title="Running and queued" testId="profiling-active">
        <ErrorBox error={active.error} />
        {active.isLoading ? <Loading what="jobs" /> : null}
        {active.data && !shown.length ? <Empty>No profiling job is running. Start one above, or use Re-profile on the Models page.</Empty> : null}
        <div className="space-y-4">
          {shown.map((job) => (
            <JobCard key={job.id} job={job} onDismiss={ACTIVE.has(job.status) ? undefined : () => setWatched((ids) => ids.filter((id) => id !== job.id))} />
          ))}
        </div>
      </Panel>
      <Panel title="History" testId="profiling-history">
        <ErrorBox error={history.error} />
        {history.isLoading ? <Loading what="job history" /> : null}
        {history.data && !history.data.total ? <Empty>No profiling jobs yet.</Empty> : null}
        {history.data?.jobs.length ? (
          <>
            <div className="overflow-x-auto">
              <table className="table-basic w-full text-sm" data-testid="profiling-history-table">
                <thead>
                  <tr><th>Created</th><th>Status</th><th>Models</th><th>Progress</th><th>Duration</th><th>Note</th></tr>
                </thead>
                <tbody>
                  {history.data.jobs.map((job) => (
                    <tr key={job.id} data-testid={`job-row-${job.id}`}>
                      <td className="whitespace-nowrap" title={job.createdAt}>{age(job.createdAt)}</td>
                      <td><JobStatus status={job.status} /></td>
                      <td className="max-w-xs truncate" title={modelsLabel(job)}>{modelsLabel(job)}{job.force ? <span className="ml-1 text-slate-500">· forced</span> : null}</td>
                      <td className="tabular-nums">{job.progress ? `${job.progress.completedModels}/${job.progress.totalModels} models` : "—"}</td>
                      <td className="whitespace-nowrap tabular-nums">{duration(job)}</td>
                      <td className="max-w-sm truncate text-slate-400" title={job.error ?? undefined}>{job.error ?? (job.progress?.resumedCount ? `resumed ${job.progress.resumedCount}×` : "")}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
            <Pager page={page} pageSize={20} total={history.data.total} onPage={setPage} />
          </>
        ) : null}
      </Panel>
    </div>
  );
}

function StartForm({ onStarted }: { onStarted: (job: JobView) => void }) {
  const trpc = useTRPC();
  const models = useQuery(trpc.models.list.queryOptions());
  const [scope, setScope] = useState<"all" | "chosen">("all");
  const [chosen, setChosen] = useState<string[]>([]);
  const [force, setForce] = useState(false);
  const [local, setLocal] = useState<Record<string, string>>({});
  const start = useMutation(trpc.profiling.start.mutationOptions({ onSuccess: onStarted }));
  const serverFields = (start.error?.data as { fieldErrors?: Record<string, string> } | undefined)?.fieldErrors;
  // A BAD_REQUEST without field errors is about the models (an unknown name): show it there.
  const modelsError = local.models ?? serverFields?.models ?? Object.entries(serverFields ?? {}).find(([key]) => key.startsWith("models"))?.[1] ?? (start.error && !serverFields ? start.error.message : undefined);
  const profileable = (models.data ?? []).filter((model) => !model.embeddingOnly);
  const submit = () => {
    const problems: Record<string, string> = {};
    if (scope === "chosen" && !chosen.length) problems.models = "Choose at least one model, or profile all";
    setLocal(problems);
    if (!Object.keys(problems).length) start.mutate({ models: scope === "chosen" ? chosen : undefined, force });
  };
  return (
    <Panel title="Start a profiling job" testId="profiling-start">
      <form noValidate className="space-y-3 text-sm" onSubmit={(event) => { event.preventDefault(); submit(); }}>
        <fieldset className="flex flex-wrap gap-4">
          <legend className="sr-only">Models to profile</legend>
          <label className="flex items-center gap-2"><input type="radio" name="scope" checked={scope === "all"} onChange={() => setScope("all")} /> All chat models</label>
          <label className="flex items-center gap-2"><input type="radio" name="scope" checked={scope === "chosen"} onChange={() => setScope("chosen")} /> Chosen models</label>
        </fieldset>
        {scope === "chosen" ? (
          <div>
            {models.isLoading ? <Loading what="models" /> : null}
            <ErrorBox error={models.error} />
            {models.data && !profileable.length ? <Empty>No models discovered yet: check the backends on the Overview page.</Empty> : null}
            <ul className="grid grid-cols-[repeat(auto-fill,minmax(14rem,1fr))] gap-1" aria-label="Models">
              {profileable.map((model) => (
                <li key={model.name}>
                  <label className="flex items-center gap-2">
                    <input type="checkbox" checked={chosen.includes(model.name)} onChange={(event) => setChosen(event.target.checked ? [...chosen, model.name] : chosen.filter((name) => name !== model.name))} />
                    <span className="truncate" title={model.name}>{model.name}</span>
                  </label>
                </li>
              ))}
            </ul>
          </div>
        ) : null}
        <FieldError message={modelsError} id="models-error" />
        <label className="flex items-center gap-2">
          <input type="checkbox" checked={force} onChange={(event) => setForce(event.target.checked)} /> Re-profile models that already have a profile (force)
        </label>
        <div className="flex items-center gap-3">
          <button type="submit" className="btn-primary" disabled={start.isPending}>Start profiling</button>
          {start.isSuccess ? <span role="status" className="text-xs text-emerald-300">Job queued</span> : null}
        </div>
      </form>
    </Panel>
  );
}

function JobCard({ job, onDismiss }: { job: JobView; onDismiss?: () => void }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const cancel = useMutation(trpc.profiling.cancel.mutationOptions({ onSettled: () => queryClient.invalidateQueries({ queryKey: trpc.profiling.active.queryKey() }) }));
  const progress = job.progress;
  const perModel = Object.entries(progress?.models ?? {});
  const started = new Set(perModel.map(([name]) => name));
  const waiting = job.models.filter((name) => !started.has(name));
  return (
    <article data-testid="profiling-job" data-status={job.status} className="rounded border border-slate-800 p-3">
      <div className="mb-2 flex flex-wrap items-center justify-between gap-2 text-sm">
        <div>
          <JobStatus status={job.status} /> <span className="text-slate-400">· {modelsLabel(job)}{job.force ? " · forced" : ""} · created {age(job.createdAt)} · {duration(job)}</span>
        </div>
        {ACTIVE.has(job.status) ? (
          <button type="button" className="btn" disabled={cancel.isPending} onClick={() => cancel.mutate({ id: job.id })}>Cancel</button>
        ) : onDismiss ? (
          <button type="button" className="btn" onClick={onDismiss}>Dismiss</button>
        ) : null}
      </div>
      <ErrorBox error={cancel.error} />
      <ProgressBar label="Overall" value={overallRatio(job)} testId="job-progress" detail={progress ? `${progress.completedModels}/${progress.totalModels} models` : "waiting for a worker"} />
      {perModel.length || waiting.length ? (
        <ul className="mt-2 space-y-1">
          {perModel.map(([name, model]) => (
            <li key={name}>
              <ProgressBar
                label={name}
                value={model.totalPrompts ? model.completedPrompts / model.totalPrompts : model.state === "running" ? 0 : 1}
                detail={`${model.completedPrompts}/${model.totalPrompts} prompts · ${model.state === "done" && model.completedPrompts < model.totalPrompts ? "done" : model.state}`}
                tone={model.state === "failed" ? "bad" : "normal"}
                title={model.error}
              />
            </li>
          ))}
          {waiting.map((name) => (
            <li key={name}><ProgressBar label={name} value={0} detail="waiting" /></li>
          ))}
        </ul>
      ) : null}
      {job.error ? <p className="mt-2 text-xs text-rose-300">{job.error}</p> : null}
    </article>
  );
}

function JobStatus({ status }: { status: JobView["status"] }) {
  return <span data-testid="job-status" className={`font-medium ${STATUS_COLOURS[status]}`}>{status}</span>;
}

/** Finished models, plus the answered share of the ones in progress. */
function overallRatio(job: JobView): number {
  if (job.status === "completed") return 1;
  const progress = job.progress;
  if (!progress?.totalModels) return 0;
  const running = Object.values(progress.models ?? {}).filter((model) => model.state === "running" && model.totalPrompts);
  const partial = running.reduce((sum, model) => sum + model.completedPrompts / model.totalPrompts, 0);
  return Math.min(1, (progress.completedModels + partial) / progress.totalModels);
}

const modelsLabel = (job: JobView) => (job.models.length ? job.models.join(", ") : "all chat models");

function duration(job: JobView): string {
  if (!job.startedAt) return job.status === "queued" ? "not started" : "—";
  const end = job.finishedAt ? new Date(job.finishedAt).getTime() : Date.now();
  const seconds = Math.max(0, Math.round((end - new Date(job.startedAt).getTime()) / 1000));
  return seconds < 120 ? `${seconds}s` : seconds < 7200 ? `${Math.round(seconds / 60)}m` : `${(seconds / 3600).toFixed(1)}h`;
}
