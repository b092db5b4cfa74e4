// The console's pages, in menu order. A new page: app/console/(app)/<area>/page.tsx plus one line here.
export const CONSOLE_PAGES = [
  { href: "/console", label: "Overview" },
  { href: "/console/models", label: "Models" },
  { href: "/console/benchmarks", label: "Benchmarks" },
  { href: "/console/profiling", label: "Profiling" },
  { href: "/console/routing", label: "Routing" },
  { href: "/console/decisions", label: "Decisions" },
  { href: "/console/vram", label: "VRAM" },
  { href: "/console/feedback", label: "Feedback" },
  { href: "/console/api-keys", label: "API keys" },
  { href: "/console/settings", label: "Settings" },
] as const;
