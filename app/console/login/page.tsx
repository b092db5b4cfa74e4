import type { Metadata } from "next";

export const metadata: Metadata = { title: "Sign in · SmarterRouter" };

const MESSAGES: Record<string, string> = {
  invalid: "That admin key is not right.",
  missing: "Enter the admin key.",
  rate_limited: "Too many sign-in attempts; wait a few minutes and try again.",
};

// A plain form posted to /console/session: signing in needs no JavaScript.
export default async function LoginPage({ searchParams }: { searchParams: Promise<Record<string, string | string[] | undefined>> }) {
  const params = await searchParams;
  const error = typeof params.error === "string" ? MESSAGES[params.error] : undefined;
  return (
    <main className="mx-auto mt-24 max-w-sm px-4">
      <h1 className="text-2xl font-bold tracking-tight">Sign in to the console</h1>
      <p className="mt-2 text-sm text-slate-400">Use the admin key (<code>ROUTER_ADMIN_API_KEY</code>, or, when it is unset, the key the router generated and keeps in <code>data/admin-api-key</code>).</p>
      {params.loggedOut ? <p role="status" className="mt-4 text-sm text-emerald-300">You are signed out.</p> : null}
      <form method="post" action="/console/session" className="mt-6 space-y-3">
        <label htmlFor="key" className="block text-sm font-medium">Admin key</label>
        <input id="key" name="key" type="password" autoComplete="current-password" required aria-invalid={Boolean(error)} aria-describedby={error ? "key-error" : undefined} className="input w-full" />
        {error ? <p id="key-error" role="alert" className="text-sm text-rose-300">{error}</p> : null}
        <button type="submit" className="btn-primary w-full">Sign in</button>
      </form>
    </main>
  );
}
