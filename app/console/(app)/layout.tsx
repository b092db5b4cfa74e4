import type { ReactNode } from "react";
import { ConsoleNav } from "../_components/console-nav";
import { ConsoleProviders } from "../_components/trpc";
import { requireConsoleSession } from "../_lib/session";

export const dynamic = "force-dynamic";

export default async function ConsoleLayout({ children }: { children: ReactNode }) {
  await requireConsoleSession();
  return (
    <ConsoleProviders>
      <header className="border-b border-slate-800 bg-slate-950/80">
        <div className="mx-auto flex max-w-7xl flex-wrap items-center justify-between gap-3 px-4 py-3">
          <span className="font-semibold tracking-tight">SmarterRouter console</span>
          <ConsoleNav />
          <form method="post" action="/console/session/logout">
            <button type="submit" className="btn">Sign out</button>
          </form>
        </div>
      </header>
      <main className="mx-auto max-w-7xl px-4 py-6">{children}</main>
    </ConsoleProviders>
  );
}
