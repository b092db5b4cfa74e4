"use client";

import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useId, useState } from "react";
import { useTRPC } from "../../_components/trpc";
import { age, Empty, ErrorBox, FieldError, Loading, Pager, Panel } from "../../_components/ui";

const PAGE_SIZE = 25;
const MAX_NAME = 100;
const MAX_LIMIT = 1_000_000;
const count = (value: number) => value.toLocaleString("en-US");

type FormProblems = { name?: string; rateLimitPerMinute?: string };

/** The form's values as the server takes them, or what is wrong with each field. */
function readForm(name: string, limit: string): { input?: { name: string; rateLimitPerMinute: number | null }; problems: FormProblems } {
  const problems: FormProblems = {};
  const trimmed = name.trim();
  if (!trimmed) problems.name = "Enter a name";
  else if (trimmed.length > MAX_NAME) problems.name = `At most ${MAX_NAME} characters`;
  const digits = limit.replace(/[,_\s]/g, "");
  const perMinute = digits ? Number(digits) : null;
  if (perMinute !== null && (!Number.isInteger(perMinute) || perMinute < 1 || perMinute > MAX_LIMIT)) problems.rateLimitPerMinute = "Enter a whole number from 1 to 1,000,000, or leave it empty";
  return problems.name || problems.rateLimitPerMinute ? { problems } : { input: { name: trimmed, rateLimitPerMinute: perMinute }, problems };
}

export function ApiKeysView() {
  const trpc = useTRPC();
  const queryClient = useQueryClient();
  const [page, setPage] = useState(1);
  const list = useQuery({ ...trpc.apiKeys.list.queryOptions({ page, pageSize: PAGE_SIZE }), placeholderData: keepPreviousData });
  const refresh = () => queryClient.invalidateQueries({ queryKey: trpc.apiKeys.list.queryKey() });
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-bold">API keys</h1>
      {list.data ? (
        <p data-testid="require-api-key" className="text-sm text-slate-400">
          {list.data.requireApiKey ? (
            <>ROUTER_REQUIRE_API_KEY is <strong className="text-emerald-300">on</strong>: every /v1 request needs a valid key (<code>Authorization: Bearer sr-…</code>); a revoked key is refused.</>
          ) : (
            <>ROUTER_REQUIRE_API_KEY is <strong className="text-amber-300">off</strong>: keys are accepted but not required. A request with a valid key counts toward that key&apos;s usage and limit; requests without one are served too.</>
          )}
        </p>
      ) : null}
      <CreatePanel onCreated={refresh} />
      <Panel title="Keys" testId="api-keys-panel">
        <ErrorBox error={list.error} />
        {list.isLoading ? <Loading what="API keys" /> : null}
        {list.data && list.data.total === 0 ? <Empty>No API keys yet: create one above.</Empty> : null}
        {list.data?.keys.length ? (
          <>
            <div className="relative overflow-x-auto">
              <table className="table-basic w-full text-sm" data-testid="api-keys-table">
                <thead>
                  <tr>
                    <th>Name</th><th>Key</th><th>Created</th><th>Last used</th><th>Status</th><th>Limit / min</th><th>Requests</th><th>Prompt tokens</th><th>Completion tokens</th><th><span className="sr-only">Actions</span></th>
                  </tr>
                </thead>
                <tbody>
                  {list.data.keys.map((key) => (
                    <KeyRow key={key.id} apiKey={key} onRevoked={refresh} />
                  ))}
                </tbody>
              </table>
            </div>
            <Pager page={page} pageSize={PAGE_SIZE} total={list.data.total} onPage={setPage} />
          </>
        ) : null}
      </Panel>
    </div>
  );
}

function CreatePanel({ onCreated }: { onCreated: () => Promise<unknown> }) {
  const trpc = useTRPC();
  const id = useId();
  const [name, setName] = useState("");
  const [limit, setLimit] = useState("");
  const [local, setLocal] = useState<FormProblems>({});
  // gcTime 0: once dismissed, the secret is not kept in the mutation cache either.
  const create = useMutation(
    trpc.apiKeys.create.mutationOptions({
      gcTime: 0,
      onSuccess: () => {
        setName("");
        setLimit("");
        return onCreated();
      },
    }),
  );
  const server = (create.error?.data as { fieldErrors?: FormProblems } | undefined)?.fieldErrors;
  const nameError = local.name ?? server?.name;
  const limitError = local.rateLimitPerMinute ?? server?.rateLimitPerMinute;
  const otherError = create.error && !server?.name && !server?.rateLimitPerMinute ? create.error : null;
  return (
    <Panel title="Create a key" testId="api-key-create">
      {create.data ? <SecretOnce name={create.data.key.name} secret={create.data.secret} onDismiss={() => create.reset()} /> : null}
      <form
        noValidate
        className="flex flex-wrap items-start gap-3"
        onSubmit={(event) => {
          event.preventDefault();
          const { input, problems } = readForm(name, limit);
          setLocal(problems);
          if (input) create.mutate(input);
        }}
      >
        <div className="w-full min-w-0 sm:w-64">
          <label htmlFor={`${id}-name`} className="block text-xs text-slate-400">Name</label>
          <input
            id={`${id}-name`}
            className="input w-full"
            placeholder="e.g. ci-pipeline"
            maxLength={MAX_NAME + 20}
            value={name}
            aria-invalid={Boolean(nameError)}
            aria-describedby={nameError ? `${id}-name-error` : undefined}
            onChange={(event) => {
              setName(event.target.value);
              setLocal((problems) => ({ ...problems, name: undefined }));
            }}
          />
          <FieldError id={`${id}-name-error`} message={nameError} />
        </div>
        <div className="w-full min-w-0 sm:w-56">
          <label htmlFor={`${id}-limit`} className="block text-xs text-slate-400">Requests per minute (optional)</label>
          <input
            id={`${id}-limit`}
            className="input w-full"
            inputMode="numeric"
            placeholder="global limit"
            value={limit}
            aria-invalid={Boolean(limitError)}
            aria-describedby={limitError ? `${id}-limit-error` : `${id}-limit-hint`}
            onChange={(event) => {
              setLimit(event.target.value);
              setLocal((problems) => ({ ...problems, rateLimitPerMinute: undefined }));
            }}
          />
          {limitError ? <FieldError id={`${id}-limit-error`} message={limitError} /> : <p id={`${id}-limit-hint`} className="mt-1 text-xs text-slate-500">Empty: the router&apos;s global limit applies.</p>}
        </div>
        <button type="submit" className="btn-primary sm:mt-4" disabled={create.isPending} aria-busy={create.isPending}>
          {create.isPending ? "Creating…" : "Create key"}
        </button>
      </form>
      <div className="mt-2"><ErrorBox error={otherError} /></div>
    </Panel>
  );
}

/** The new secret, this once: it lives only in this page's memory until dismissed or reloaded. */
function SecretOnce({ name, secret, onDismiss }: { name: string; secret: string; onDismiss: () => void }) {
  const [copied, setCopied] = useState<"yes" | "failed" | undefined>();
  return (
    <div role="region" aria-label="New API key" data-testid="new-key-secret" className="mb-4 rounded border border-amber-600 bg-amber-950/40 p-3 text-sm">
      <p className="font-semibold text-amber-200">Copy the key for {name} now: you will not see it again.</p>
      <p className="mt-1 text-xs text-amber-100/80">Only a hash is stored. If it is lost, revoke it and create another.</p>
      <div className="mt-2 flex flex-wrap items-center gap-2">
        <code data-testid="secret-value" className="min-w-0 max-w-full break-all rounded bg-slate-950 px-2 py-1 font-mono text-slate-100 select-all">{secret}</code>
        <button
          type="button"
          className="btn"
          onClick={() =>
            navigator.clipboard.writeText(secret).then(
              () => setCopied("yes"),
              () => setCopied("failed"),
            )
          }
        >
          Copy
        </button>
        <button type="button" className="btn" onClick={onDismiss}>I have copied it</button>
        <span role="status" className="text-xs">
          {copied === "yes" ? <span className="text-emerald-300">Copied</span> : copied === "failed" ? <span className="text-rose-300">Could not copy: select the key and copy it by hand</span> : null}
        </span>
      </div>
    </div>
  );
}

type KeyRowData = {
  id: string;
  name: string;
  prefix: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
  rateLimitPerMinute: number | null;
  usage: { requests: number; promptTokens: number; completionTokens: number };
};

function KeyRow({ apiKey, onRevoked }: { apiKey: KeyRowData; onRevoked: () => Promise<unknown> }) {
  const trpc = useTRPC();
  const [confirming, setConfirming] = useState(false);
  const revoke = useMutation(trpc.apiKeys.revoke.mutationOptions({ onSuccess: () => { setConfirming(false); return onRevoked(); } }));
  return (
    <tr data-testid={`api-key-row-${apiKey.name}`} data-revoked={apiKey.revokedAt ? "true" : undefined}>
      <td className="max-w-48 truncate font-medium" title={apiKey.name}>{apiKey.name}</td>
      <td className="whitespace-nowrap font-mono text-xs">{apiKey.prefix}…</td>
      <td className="whitespace-nowrap" title={apiKey.createdAt}>{age(apiKey.createdAt)}</td>
      <td className="whitespace-nowrap" title={apiKey.lastUsedAt ?? undefined}>{apiKey.lastUsedAt ? age(apiKey.lastUsedAt) : "never"}</td>
      <td className="whitespace-nowrap" title={apiKey.revokedAt ?? undefined}>
        {apiKey.revokedAt ? <span className="text-rose-300">revoked {age(apiKey.revokedAt)}</span> : <span className="text-emerald-300">active</span>}
      </td>
      <td className="tabular-nums">{apiKey.rateLimitPerMinute === null ? <span className="text-slate-500">global</span> : count(apiKey.rateLimitPerMinute)}</td>
      <td className="tabular-nums" data-testid="usage-requests">{count(apiKey.usage.requests)}</td>
      <td className="tabular-nums" data-testid="usage-prompt-tokens">{count(apiKey.usage.promptTokens)}</td>
      <td className="tabular-nums" data-testid="usage-completion-tokens">{count(apiKey.usage.completionTokens)}</td>
      <td className="whitespace-nowrap">
        {apiKey.revokedAt ? null : confirming ? (
          <span role="group" aria-label={`Confirm revoking ${apiKey.name}`} className="flex flex-wrap items-center gap-2">
            <span className="text-xs text-rose-200">Revoke? Clients using it are refused.</span>
            <button type="button" className="btn border-rose-700 text-rose-200" disabled={revoke.isPending} onClick={() => revoke.mutate({ id: apiKey.id })}>
              {revoke.isPending ? "Revoking…" : "Yes, revoke"}
            </button>
            <button type="button" className="btn" disabled={revoke.isPending} onClick={() => setConfirming(false)}>Cancel</button>
          </span>
        ) : (
          <button type="button" className="btn" onClick={() => setConfirming(true)}>Revoke</button>
        )}
        <ErrorBox error={revoke.error} />
      </td>
    </tr>
  );
}
