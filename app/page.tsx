import { checkHealth, type HealthStatus } from "@/server/health";
import { getRuntime } from "@/server/runtime";

export const dynamic = "force-dynamic";

const STATUS_STYLE: Record<HealthStatus, string> = {
  ok: "bg-emerald-500/15 text-emerald-300 ring-emerald-500/40",
  degraded: "bg-amber-500/15 text-amber-300 ring-amber-500/40",
  down: "bg-rose-500/15 text-rose-300 ring-rose-500/40",
};

export default async function HomePage() {
  const runtime = await getRuntime();
  const health = await checkHealth(runtime);
  return (
    <main className="mx-auto max-w-3xl px-6 py-12">
      <header className="flex items-center justify-between">
        <h1 className="text-3xl font-bold tracking-tight">SmarterRouter</h1>
        <span data-testid="health-status" className={`rounded-full px-3 py-1 text-sm font-medium ring-1 ${STATUS_STYLE[health.status]}`}>
          {health.status}
        </span>
      </header>
      <p className="mt-2 text-slate-400">
        One OpenAI-compatible model, <code className="text-slate-200">{runtime.config.ROUTER_EXTERNAL_MODEL_NAME}</code>, routed to the best
        local model for each request. Version {health.version}.
      </p>

      <section className="mt-8 grid grid-cols-3 gap-4">
        <Stat label="Models available" value={String(health.models_available)} testId="models-available" />
        <Stat label="Database" value={`${health.database.kind} · ${health.database.reachable ? "up" : "unreachable"}`} />
        <Stat label="Profiling" value={`${health.profiling.state} · ${health.profiling.profiled_models} profiled`} />
      </section>

      <section className="mt-8">
        <h2 className="text-lg font-semibold">Backends</h2>
        <ul className="mt-3 divide-y divide-slate-800 rounded-lg border border-slate-800">
          {health.backends.map((backend) => (
            <li key={backend.name} className="flex items-center justify-between px-4 py-3 text-sm">
              <span>
                <span className="font-medium">{backend.name}</span> <span className="text-slate-500">{backend.kind} · {backend.url}</span>
              </span>
              <span className={backend.reachable ? "text-emerald-300" : "text-rose-300"}>
                {backend.reachable ? `${backend.models} models · ${backend.latency_ms} ms` : `unreachable: ${backend.error}`}
              </span>
            </li>
          ))}
        </ul>
      </section>

      <section className="mt-8 text-sm text-slate-400">
        <h2 className="text-lg font-semibold text-slate-100">Endpoints</h2>
        {/* Route handlers, not pages: a plain link (the catch-all route makes the lint rule see every path as a page). */}
        {/* eslint-disable @next/next/no-html-link-for-pages */}
        <ul className="mt-3 space-y-1">
          <li><a className="text-sky-300 hover:underline" href="/health">/health</a> — status as JSON (503 when nothing can be routed)</li>
          <li><a className="text-sky-300 hover:underline" href="/metrics">/metrics</a> — Prometheus metrics</li>
        </ul>
        {/* eslint-enable @next/next/no-html-link-for-pages */}
      </section>
    </main>
  );
}

function Stat({ label, value, testId }: { label: string; value: string; testId?: string }) {
  return (
    <div className="rounded-lg border border-slate-800 bg-slate-900/60 p-4">
      <div className="text-xs uppercase tracking-wide text-slate-500">{label}</div>
      <div data-testid={testId} className="mt-1 text-lg font-semibold">{value}</div>
    </div>
  );
}
