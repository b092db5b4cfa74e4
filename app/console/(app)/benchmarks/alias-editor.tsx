"use client";

import { useMutation, useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";
import { useTRPC } from "../../_components/trpc";
import { ErrorBox, FieldError } from "../../_components/ui";

const MAX_NAMES = 10;
const MAX_CHARS = 256;

/** Benchmark names as typed: comma-separated, blanks dropped. */
export const splitNames = (text: string) => text.split(",").map((part) => part.trim()).filter(Boolean);

function localProblem(names: string[]): string | undefined {
  if (!names.length) return "Enter at least one benchmark name";
  if (names.length > MAX_NAMES) return `At most ${MAX_NAMES} names`;
  if (names.some((name) => name.length > MAX_CHARS)) return `At most ${MAX_CHARS} characters per name`;
  return undefined;
}

/**
 * Pins a backend model to benchmark names (used by the next sync or import): the Benchmarks
 * page's review and the Models page's detail both use it.
 */
export function AliasEditor({ model, current }: { model: string; current: string[] | null }) {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const id = useId();
  const [text, setText] = useState((current ?? []).join(", "));
  const [local, setLocal] = useState<string | undefined>();
  const refresh = () =>
    Promise.all([
      queryClient.invalidateQueries({ queryKey: trpc.benchmarks.review.queryKey() }),
      queryClient.invalidateQueries({ queryKey: trpc.benchmarks.aliases.queryKey() }),
    ]);
  const save = useMutation(trpc.benchmarks.setAlias.mutationOptions({ onSuccess: refresh }));
  const remove = useMutation(trpc.benchmarks.removeAlias.mutationOptions({ onSuccess: () => { setText(""); return refresh(); } }));
  const fieldErrors = (save.error?.data as { fieldErrors?: Record<string, string> } | undefined)?.fieldErrors ?? {};
  const serverProblem = Object.entries(fieldErrors).find(([path]) => path === "benchmarkNames" || path.startsWith("benchmarkNames."))?.[1];
  const error = local ?? serverProblem;
  const otherError = save.error && !serverProblem ? save.error : remove.error;
  const submit = () => {
    const names = splitNames(text);
    const problem = localProblem(names);
    setLocal(problem);
    if (!problem) save.mutate({ model, benchmarkNames: names });
  };
  return (
    <form
      noValidate
      className="flex flex-wrap items-start gap-2"
      data-testid={`alias-editor-${model}`}
      onSubmit={(event) => {
        event.preventDefault();
        submit();
      }}
    >
      <div className="min-w-48 flex-1">
        <label htmlFor={id} className="sr-only">Benchmark names for {model}</label>
        <input
          id={id}
          className="input w-full"
          placeholder="benchmark name, e.g. Qwen/Qwen2.5-7B-Instruct"
          value={text}
          onChange={(event) => {
            setText(event.target.value);
            setLocal(undefined);
          }}
          aria-invalid={Boolean(error)}
          aria-describedby={error ? `${id}-error` : undefined}
        />
        <FieldError id={`${id}-error`} message={error} />
      </div>
      <button type="submit" className="btn" disabled={save.isPending}>{save.isPending ? "Saving…" : "Save alias"}</button>
      {current?.length ? (
        <button type="button" className="btn" disabled={remove.isPending} onClick={() => remove.mutate({ model })}>Remove alias</button>
      ) : null}
      {save.isSuccess && !save.isPending ? <span role="status" className="self-center text-xs text-emerald-300">Saved; used from the next sync or import</span> : null}
      <ErrorBox error={otherError} />
    </form>
  );
}
