"use client";

import Link from "next/link";
import { usePathname } from "next/navigation";
import { CONSOLE_PAGES } from "./nav";

export function ConsoleNav() {
  const pathname = usePathname();
  return (
    <nav aria-label="console" className="flex flex-wrap gap-1">
      {CONSOLE_PAGES.map((page) => {
        const active = page.href === "/console" ? pathname === "/console" : pathname.startsWith(page.href);
        return (
          <Link key={page.href} href={page.href} aria-current={active ? "page" : undefined} className={`rounded px-3 py-1.5 text-sm ${active ? "bg-slate-800 text-white" : "text-slate-400 hover:text-slate-100"}`}>
            {page.label}
          </Link>
        );
      })}
    </nav>
  );
}
