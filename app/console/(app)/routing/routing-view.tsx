"use client";

import { skipToken, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useState } from "react";
import { useTRPC } from "../../_components/trpc";
import { Empty, ErrorBox, FieldError, Loading, Panel, score } from "../../_components/ui";

const CATEGORIES = ["coding", "math", "reasoning", "creative", "extraction", "factual", "general"] as const;
const TIERS = ["simple", "medium", "hard"] as const;
type Category = (typeof CATEGORIES)[number];
type Tier = (typeof TIERS)[number];
const SOURCES = ["profile", "benchmark", "prior"] as const;
type Source = (typeof SOURCES)[number];
type Form = { qualityPreference: number; preferNewerModels: boolean; feedbackEnabled: boolean; minimumSizeB: Record<Category, Record<Tier, string>>; sourceWeights: Record<Source, string>; maxFallbacks: string; cacheEnabled: boolean; cacheTtlSeconds: string };
const MAX_TTL_SECONDS = 31_536_000;
type Patch = {
  qualityPreference: number;
  preferNewerModels: boolean;
  feedbackEnabled: boolean;
  minimumSizeB: Partial<Record<Category, Partial<Record<Tier, number>>>>;
  sourceWeights: Record<Source, number>;
  maxFallbacks: number;
  cacheEnabled: boolean;
  cacheTtlSeconds: number;
};
/** What the what-if and the playground score with: the cache settings change no decision. */
type ScoringPatch = Omit<Patch, "cacheEnabled" | "cacheTtlSeconds">;
/** Form → settings patch, with a message per bad field (shown next to it). */
function toPatch(form: Form): { patch?: Patch; errors: Record<string, string> } {
  const errors: Record<string, string> = {};
  const minimumSizeB: Patch["minimumSizeB"] = {};
  for (const category of CATEGORIES) {
    for (const tier of TIERS) {
      const raw = form.minimumSizeB[category][tier].trim();
      if (raw === "") continue;
      const value = Number(raw);
      if (!Number.isFinite(value) || value < 0 || value > 2000) errors[`minimumSizeB.${category}.${tier}`] = "0–2000";
      else (minimumSizeB[category] ??= {})[tier] = value;
    }
  }
  const sourceWeights = {} as Record<Source, number>;
  for (const source of SOURCES) {
    const value = Number(form.sourceWeights[source]);
    const min = source === "prior" ? 0.01 : 0;
    if (form.sourceWeights[source].trim() === "" || !Number.isFinite(value) || value < min || value > 1) errors[`sourceWeights.${source}`] = `${min}–1`;
    else sourceWeights[source] = value;
  }
  const maxFallbacks = Number(form.maxFallbacks);
  if (form.maxFallbacks.trim() === "" || !Number.isInteger(maxFallbacks) || maxFallbacks < 0 || maxFallbacks > 10) errors.maxFallbacks = "A whole number from 0 to 10";
  const cacheTtlSeconds = Number(form.cacheTtlSeconds);
  if (form.cacheTtlSeconds.trim() === "" || !Number.isInteger(cacheTtlSeconds) || cacheTtlSeconds < 1 || cacheTtlSeconds > MAX_TTL_SECONDS) errors.cacheTtlSeconds = "A whole number of seconds from 1 to 31,536,000";
  return Object.keys(errors).length
    ? { errors }
    : { errors, patch: { qualityPreference: form.qualityPreference, preferNewerModels: form.preferNewerModels, feedbackEnabled: form.feedbackEnabled, minimumSizeB, sourceWeights, maxFallbacks, cacheEnabled: form.cacheEnabled, cacheTtlSeconds } };
}

function scoringPatch(patch: Patch | undefined): ScoringPatch | undefined {
  if (!patch) return undefined;
  const { qualityPreference, preferNewerModels, feedbackEnabled, minimumSizeB, sourceWeights, maxFallbacks } = patch;
  return { qualityPreference, preferNewerModels, feedbackEnabled, minimumSizeB, sourceWeights, maxFallbacks };
}

export function RoutingView() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const current = useQuery(trpc.routing.settings.queryOptions());
  const [form, setForm] = useState<Form | null>(null);
  useEffect(() => {
    if (!current.data || form) return;
    const { effective } = current.data;
    const sizes = Object.fromEntries(
      CATEGORIES.map((category) => [category, Object.fromEntries(TIERS.map((tier) => [tier, effective.minimumSizeB[category]?.[tier]?.toString() ?? ""]))]),
    ) as Form["minimumSizeB"];
    // Initialise the form once from the server's values.
    // eslint-disable-next-line react-hooks/set-state-in-effect
    setForm({
      qualityPreference: effective.qualityPreference,
      preferNewerModels: effective.preferNewerModels,
      feedbackEnabled: effective.feedbackEnabled,
      minimumSizeB: sizes,
      sourceWeights: { profile: String(effective.sourceWeights.profile), benchmark: String(effective.sourceWeights.benchmark), prior: String(effective.sourceWeights.prior) },
      maxFallbacks: String(effective.maxFallbacks),
      cacheEnabled: effective.cacheEnabled,
      cacheTtlSeconds: String(effective.cacheTtlSeconds),
    });
  }, [current.data, form]);
  const save = useMutation(trpc.routing.save.mutationOptions({ onSuccess: () => queryClient.invalidateQueries({ queryKey: trpc.routing.pathKey() }) }));
  const parsed = form ? toPatch(form) : undefined;
  const scoring = scoringPatch(parsed?.patch);
  const serverErrors = (save.error?.data as { fieldErrors?: Record<string, string> } | undefined)?.fieldErrors ?? {};
  const errors = { ...serverErrors, ...(parsed?.errors ?? {}) };

  if (current.isLoading || !form || !current.data) return current.error ? <ErrorBox error={current.error} /> : <Loading what="routing settings" />;
  const defaults = current.data.defaultMinimumSizeB;
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-bold">Routing</h1>
      {current.data.problem ? <p role="alert" className="text-sm text-amber-300">{current.data.problem}</p> : null}
      <Panel title="Live settings (saved to the database, applied by every instance)">
        <form
          noValidate
          className="space-y-4"
          onSubmit={(event) => {
            event.preventDefault();
            if (parsed?.patch) save.mutate(parsed.patch);
          }}
        >
          <div>
            <label htmlFor="quality" className="block text-sm font-medium">
              Quality preference: <span data-testid="quality-value">{form.qualityPreference.toFixed(2)}</span>
            </label>
            <div className="flex items-center gap-3 text-xs text-slate-400">
              <span>fastest adequate</span>
              <input id="quality" type="range" min={0} max={1} step={0.05} value={form.qualityPreference} onChange={(event) => setForm({ ...form, qualityPreference: Number(event.target.value) })} className="w-full max-w-md" />
              <span>best quality</span>
            </div>
          </div>
          <div className="flex flex-wrap gap-6 text-sm">
            <label><input type="checkbox" checked={form.preferNewerModels} onChange={(event) => setForm({ ...form, preferNewerModels: event.target.checked })} /> Prefer newer models</label>
            <label><input type="checkbox" checked={form.feedbackEnabled} onChange={(event) => setForm({ ...form, feedbackEnabled: event.target.checked })} /> Use user feedback in scores</label>
          </div>
          <fieldset className="flex flex-wrap items-start gap-4 text-sm">
            <legend className="mb-1 text-sm font-medium">Quality sources (relative weights)</legend>
            {SOURCES.map((source) => (
              <div key={source}>
                <label htmlFor={`weight-${source}`} className="block text-xs text-slate-400">{source === "prior" ? "size prior" : source}</label>
                <input id={`weight-${source}`} className="input w-20" value={form.sourceWeights[source]} aria-invalid={Boolean(errors[`sourceWeights.${source}`])} onChange={(event) => setForm({ ...form, sourceWeights: { ...form.sourceWeights, [source]: event.target.value } })} />
                <FieldError message={errors[`sourceWeights.${source}`]} />
              </div>
            ))}
            <div>
              <label htmlFor="max-fallbacks" className="block text-xs text-slate-400">Fallbacks after a failure{current.data.cascadingEnabled ? "" : " (cascading is off)"}</label>
              <input id="max-fallbacks" className="input w-20" value={form.maxFallbacks} aria-invalid={Boolean(errors.maxFallbacks)} onChange={(event) => setForm({ ...form, maxFallbacks: event.target.value })} />
              <FieldError message={errors.maxFallbacks} />
            </div>
          </fieldset>
          <details>
            <summary className="cursor-pointer text-sm">Minimum model size (B parameters) per category and tier; empty = built-in default</summary>
            <div className="mt-2 overflow-x-auto">
              <table className="table-basic text-sm">
                <thead><tr><th>Category</th>{TIERS.map((tier) => <th key={tier}>{tier}</th>)}</tr></thead>
                <tbody>
                  {CATEGORIES.map((category) => (
                    <tr key={category}>
                      <td>{category}</td>
                      {TIERS.map((tier) => {
                        const key = `minimumSizeB.${category}.${tier}`;
                        return (
                          <td key={tier}>
                            <input
                              aria-label={`minimum size ${category} ${tier}`}
                              className="input w-20"
                              placeholder={String(defaults[category][tier])}
                              value={form.minimumSizeB[category][tier]}
                              aria-invalid={Boolean(errors[key])}
                              onChange={(event) => setForm({ ...form, minimumSizeB: { ...form.minimumSizeB, [category]: { ...form.minimumSizeB[category], [tier]: event.target.value } } })}
                            />
                            <FieldError message={errors[key]} />
                          </td>
                        );
                      })}
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          </details>
          <fieldset className="flex flex-wrap items-start gap-4 text-sm">
            <legend className="mb-1 text-sm font-medium">Routing and response caches</legend>
            <label className="mt-4"><input type="checkbox" checked={form.cacheEnabled} onChange={(event) => setForm({ ...form, cacheEnabled: event.target.checked })} /> Caches on</label>
            <div>
              <label htmlFor="cache-ttl" className="block text-xs text-slate-400">Entry lifetime (seconds)</label>
              <input id="cache-ttl" className="input w-28" inputMode="numeric" value={form.cacheTtlSeconds} aria-invalid={Boolean(errors.cacheTtlSeconds)} onChange={(event) => setForm({ ...form, cacheTtlSeconds: event.target.value })} />
              <FieldError message={errors.cacheTtlSeconds} />
            </div>
            <p className="basis-full text-xs text-slate-500">
              Turning the caches off applies to the next request; a new lifetime applies to entries written from then on.{" "}
              {current.data.cacheMaxEntries.shared
                ? "The entries live in Redis, shared by every instance."
                : `Their sizes (${current.data.cacheMaxEntries.routing} routing decisions, ${current.data.cacheMaxEntries.responses} responses per instance) come from the environment (ROUTER_CACHE_MAX_SIZE, ROUTER_CACHE_RESPONSE_MAX_SIZE; see Settings) and change at restart.`}
            </p>
          </fieldset>
          <p className="text-xs text-slate-500">Per-model overrides are on the Models page.</p>
          <div className="flex items-center gap-3">
            <button type="submit" className="btn-primary" disabled={save.isPending || !parsed?.patch}>Save settings</button>
            {save.isSuccess && !save.isPending ? <span role="status" className="text-sm text-emerald-300">Saved and applied</span> : null}
            <ErrorBox error={save.error} />
          </div>
        </form>
      </Panel>
      <WhatIf patch={scoring} />
      <Playground patch={scoring} />
    </div>
  );
}

function WhatIf({ patch }: { patch?: ScoringPatch }) {
  const trpc = useTRPC();
  const [last, setLast] = useState("200");
  const [input, setInput] = useState<{ last: number; settings: ScoringPatch } | null>(null);
  const result = useQuery(trpc.routing.whatIf.queryOptions(input ?? skipToken));
  const lastValue = Number(last);
  const lastError = !Number.isInteger(lastValue) || lastValue < 1 || lastValue > 1000 ? "A whole number from 1 to 1000" : undefined;
  return (
    <Panel title="What-if: re-score recent decisions under the edited settings (before saving)">
      <form noValidate className="flex flex-wrap items-start gap-3" onSubmit={(event) => { event.preventDefault(); if (!lastError && patch) setInput({ last: lastValue, settings: patch }); }}>
        <div>
          <label htmlFor="whatif-last" className="block text-xs text-slate-400">Last N decisions</label>
          <input id="whatif-last" className="input w-24" value={last} onChange={(event) => setLast(event.target.value)} aria-invalid={Boolean(lastError)} />
          <FieldError message={lastError} />
        </div>
        <button type="submit" className="btn mt-4" disabled={!patch}>Run what-if</button>
      </form>
      <ErrorBox error={result.error} />
      {result.isFetching ? <Loading what="the what-if" /> : null}
      {result.data ? (
        <div className="mt-3 text-sm" data-testid="whatif-result">
          <p><strong>{result.data.changed}</strong> of {result.data.considered} decisions would go to a different model.</p>
          {result.data.transitions.length ? (
            <ul className="mt-2 space-y-1">{result.data.transitions.map((row) => <li key={row.change}>{row.change}: {row.count}</li>)}</ul>
          ) : null}
        </div>
      ) : null}
    </Panel>
  );
}

function Playground({ patch }: { patch?: ScoringPatch }) {
  const trpc = useTRPC();
  const [text, setText] = useState("");
  const [useEdited, setUseEdited] = useState(false);
  const [input, setInput] = useState<{ messages: { role: "user"; content: string }[]; settings?: ScoringPatch } | null>(null);
  const [error, setError] = useState<string>();
  const result = useQuery(trpc.routing.playground.queryOptions(input ?? skipToken));
  const explain = result.data;
  return (
    <Panel title="Playground: where would this request go, and why?">
      <form
        noValidate
        className="space-y-2"
        onSubmit={(event) => {
          event.preventDefault();
          const messages = parseRequest(text);
          if (typeof messages === "string") return setError(messages);
          setError(undefined);
          const next = { messages, settings: useEdited ? patch : undefined };
          // The same request again (say, after saving settings elsewhere) still asks the server anew.
          if (JSON.stringify(next) === JSON.stringify(input)) void result.refetch();
          else setInput(next);
        }}
      >
        <label htmlFor="playground-prompt" className="block text-sm">Prompt, or a pasted chat request (JSON with messages)</label>
        <textarea id="playground-prompt" rows={4} className="input w-full font-mono" value={text} onChange={(event) => setText(event.target.value)} aria-invalid={Boolean(error)} />
        <FieldError message={error} />
        <div className="flex flex-wrap items-center gap-4 text-sm">
          <button type="submit" className="btn-primary">Explain</button>
          <label><input type="checkbox" checked={useEdited} onChange={(event) => setUseEdited(event.target.checked)} /> Use the edited, unsaved settings</label>
        </div>
      </form>
      <ErrorBox error={result.error} />
      {result.isFetching ? <Loading what="the explanation" /> : null}
      {explain ? (
        <div className="mt-4 space-y-2 text-sm" data-testid="playground-result">
          <p>Selected: <strong data-testid="playground-selected">{explain.selected_model ?? "none"}</strong></p>
          <p className="text-slate-400">
            {explain.category} (confidence {score(explain.category_confidence)}) · complexity {score(explain.complexity)} ({explain.complexity_tier}) · needs{" "}
            {[explain.capabilities.vision && "vision", explain.capabilities.tools && "tools", explain.capabilities.json && "json"].filter(Boolean).join(", ") || "text only"} · ~{explain.capabilities.context_tokens} tokens
          </p>
          <p className="text-slate-300">{explain.reasoning}</p>
          {explain.candidates.length ? (
            <div className="overflow-x-auto">
              <table className="table-basic w-full">
                <thead><tr><th>Model</th><th>Score</th><th>Components</th><th>Rejected</th></tr></thead>
                <tbody>
                  {explain.candidates.map((candidate) => (
                    <tr key={`${candidate.backend}/${candidate.model}`}>
                      <td>{candidate.model}</td>
                      <td className="tabular-nums">{score(candidate.score)}</td>
                      <td className="text-xs text-slate-400">{Object.entries(candidate.components).filter(([, value]) => value !== 0).map(([name, value]) => `${name} ${value}`).join(" · ")}</td>
                      <td className="text-xs text-rose-300">{candidate.rejected_reason ?? ""}</td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          ) : <Empty>No candidates.</Empty>}
        </div>
      ) : null}
    </Panel>
  );
}

/** Plain text is one user message; JSON may be a chat request or a messages array. */
function parseRequest(text: string): { role: "user"; content: string }[] | string {
  const trimmed = text.trim();
  if (!trimmed) return "Type a prompt";
  if (!/^[[{]/.test(trimmed)) return [{ role: "user", content: trimmed }];
  try {
    const parsed: unknown = JSON.parse(trimmed);
    const messages = Array.isArray(parsed) ? parsed : (parsed as { messages?: unknown }).messages;
    if (!Array.isArray(messages) || !messages.length) return "The JSON needs a non-empty messages array";
    const out = messages.map((message: { role?: unknown; content?: unknown }) => ({
      role: message.role as "user",
      content: typeof message.content === "string" ? message.content : JSON.stringify(message.content ?? ""),
    }));
    if (out.some((message) => !["system", "user", "assistant"].includes(message.role))) return "Each message needs a role of system, user or assistant";
    return out;
  } catch {
    return "That is not valid JSON";
  }
}
