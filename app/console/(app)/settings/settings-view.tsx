"use client";

import { useQuery } from "@tanstack/react-query";
import { useTRPC } from "../../_components/trpc";
import { ErrorBox, Loading, Panel } from "../../_components/ui";

const SOURCE_STYLE: Record<string, string> = { environment: "text-sky-300", ".env file": "text-violet-300", default: "text-slate-500", generated: "text-amber-300", unset: "text-slate-600" };

export function SettingsView() {
  const trpc = useTRPC();
  const settings = useQuery(trpc.settings.effective.queryOptions());
  const groups = new Map<string, NonNullable<typeof settings.data>>();
  for (const setting of settings.data ?? []) groups.set(setting.group, [...(groups.get(setting.group) ?? []), setting]);
  return (
    <div className="space-y-4">
      <h1 className="text-2xl font-bold">Settings</h1>
      <p className="text-sm text-slate-400">The configuration in effect, read at start. Secrets are masked. Change these in the environment or <code>.env</code> and restart; routing settings can be changed live on the Routing page.</p>
      <ErrorBox error={settings.error} />
      {settings.isLoading ? <Loading what="settings" /> : null}
      {[...groups].map(([group, rows]) => (
        <Panel key={group} title={group}>
          <div className="overflow-x-auto">
            <table className="table-basic w-full text-sm" data-testid="settings-table">
              <thead><tr><th>Variable</th><th>Value</th><th>From</th><th>Meaning</th></tr></thead>
              <tbody>
                {rows.map((row) => (
                  <tr key={row.name}>
                    <td className="font-mono text-xs">{row.name}</td>
                    <td className="max-w-xs break-all font-mono text-xs">{row.value ?? <span className="text-slate-600">unset</span>}</td>
                    <td className={`whitespace-nowrap text-xs ${SOURCE_STYLE[row.source] ?? ""}`}>{row.source}</td>
                    <td className="text-xs text-slate-400">{row.doc}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </Panel>
      ))}
    </div>
  );
}
