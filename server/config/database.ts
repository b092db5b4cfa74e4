import path from "node:path";
import type { Config } from "./settings";

export type DatabaseTarget = {
  /** What server/db opens: a postgres:// URL, memory://, or a PGlite directory. */
  url: string;
  kind: "postgres" | "pglite";
  /** Shown once at start-up when the configured value could not be used as given. */
  warning?: string;
};

export const DEFAULT_PGLITE_DIR = "./data/pglite";

export function databaseTarget(config: Config, cwd = process.cwd()): DatabaseTarget {
  const configured = config.DATABASE_URL?.trim() || config.ROUTER_DATABASE_URL?.trim();
  if (!configured) return { url: path.resolve(cwd, DEFAULT_PGLITE_DIR), kind: "pglite" };
  if (/^postgres(ql)?:\/\//i.test(configured)) return { url: configured, kind: "postgres" };
  if (/^sqlite:/i.test(configured)) {
    return {
      url: path.resolve(cwd, DEFAULT_PGLITE_DIR),
      kind: "pglite",
      warning: `SQLite is not supported; using embedded PGlite in ${DEFAULT_PGLITE_DIR} instead (existing SQLite data is not imported). Set DATABASE_URL=postgres://… for a server database.`,
    };
  }
  if (configured === "memory://" || configured.startsWith("file://")) return { url: configured, kind: "pglite" };
  return { url: path.resolve(cwd, configured), kind: "pglite" };
}
