import { spawn } from "node:child_process";
import { existsSync, mkdirSync, statSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import type { PGlite } from "@electric-sql/pglite";
import { sql } from "drizzle-orm";
import type { PgDatabase, PgQueryResultHKT } from "drizzle-orm/pg-core";
import type { Sql } from "postgres";
import { DEFAULT_PGLITE_DIR } from "../config/database";
import { asPglite, RemotePglite } from "./pglite-remote";
import * as schema from "./schema";

/** One database type for app code, whichever driver is underneath. */
export type DB = PgDatabase<PgQueryResultHKT, typeof schema>;

export type DatabaseKind = "postgres" | "pglite";

type HandleBase = {
  db: DB;
  /** `select 1` within `timeoutMs` (default 2 s); never throws. */
  ping(timeoutMs?: number): Promise<boolean>;
  /** Idempotent. */
  close(): Promise<void>;
};

/** The raw client is exposed for what drizzle does not cover (advisory locks, LISTEN/NOTIFY). */
export type PostgresHandle = HandleBase & { kind: "postgres"; client: Sql };
/** On disk, `client` is a RemotePglite (PGlite in a worker thread): only query and transaction. */
export type PgliteHandle = HandleBase & { kind: "pglite"; client: PGlite };
export type DatabaseHandle = PostgresHandle | PgliteHandle;

export type OpenDatabaseOptions = {
  /** postgres.js pool size (default 10, minimum 2). */
  poolMax?: number;
  /** postgres.js connect timeout in seconds (default 5). */
  connectTimeoutSeconds?: number;
  /** PGlite shared_buffers (default "16MB"; the stock 128MB costs ~120 MB RSS for no benefit here). */
  pgliteSharedBuffers?: string;
};

/** Where embedded PGlite lives when no URL is configured. */
export { DEFAULT_PGLITE_DIR };

export const isPostgresUrl = (url: string): boolean => /^postgres(ql)?:\/\//i.test(url);

export type DatabaseTarget = { kind: "postgres"; url: string } | { kind: "pglite"; dataDir: string | undefined };

/**
 * `postgres://` / `postgresql://` → PostgreSQL via postgres.js; `memory://` → throwaway in-memory PGlite;
 * a directory path (or `file://` URL) → PGlite persisted there; undefined/empty → DEFAULT_PGLITE_DIR.
 * Pure (no I/O); throws on an unsupported scheme such as the original's `sqlite:///…`.
 */
export function resolveDatabaseTarget(url: string | undefined): DatabaseTarget {
  const target = url?.trim() || DEFAULT_PGLITE_DIR;
  if (isPostgresUrl(target)) return { kind: "postgres", url: target };
  if (target === "memory://") return { kind: "pglite", dataDir: undefined };
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(target) && !target.startsWith("file://")) {
    throw new Error(
      `Unsupported database URL scheme in "${target.replace(/\/\/[^@/]*@/, "//***@")}": use postgres://, postgresql://, memory:// or a directory path`,
    );
  }
  return { kind: "pglite", dataDir: path.resolve(target.startsWith("file://") ? fileURLToPath(target) : target) };
}

export async function openDatabase(url: string | undefined, opts: OpenDatabaseOptions = {}): Promise<DatabaseHandle> {
  const target = resolveDatabaseTarget(url);
  if (target.kind === "postgres") return openPostgres(target.url, opts);
  if (target.dataDir) prepareDataDir(target.dataDir);
  return openPglite(target.dataDir, opts);
}

async function openPostgres(url: string, opts: OpenDatabaseOptions): Promise<PostgresHandle> {
  const { default: postgres } = await import("postgres");
  const { drizzle } = await import("drizzle-orm/postgres-js");
  const client = postgres(url, {
    // At least 2: migrations hold the advisory lock on one connection and run on another.
    max: Math.max(2, opts.poolMax ?? 10),
    connect_timeout: opts.connectTimeoutSeconds ?? 5,
    idle_timeout: 60,
    onnotice: () => {},
    // Session name shows up in pg_stat_activity, which helps when several instances share a database.
    connection: { application_name: "smarterrouter" },
  });
  const db: DB = drizzle(client, { schema });
  let closing: Promise<void> | undefined;
  return {
    kind: "postgres",
    db,
    client,
    ping: (timeoutMs) => pingDatabase(db, timeoutMs),
    close: () => (closing ??= client.end({ timeout: 5 })),
  };
}

async function openPglite(dataDir: string | undefined, opts: OpenDatabaseOptions): Promise<PgliteHandle> {
  const { PGlite } = await import("@electric-sql/pglite");
  const { drizzle } = await import("drizzle-orm/pglite");
  // A start parameter (not `postgresqlconf`) so postgresql.conf in the data dir is left as initdb wrote it.
  const startParams = [...PGlite.defaultStartParams, "-c", `shared_buffers=${opts.pgliteSharedBuffers ?? "16MB"}`];
  // A database on disk (the server's) runs in its own thread; memory:// (tests, scripts) in this one.
  let client: PGlite;
  if (dataDir) {
    client = asPglite(await RemotePglite.open(dataDir, startParams));
  } else {
    client = new PGlite("memory://", { startParams });
    await client.waitReady;
  }
  const db: DB = drizzle(client, { schema });
  let closing: Promise<void> | undefined;
  return {
    kind: "pglite",
    db,
    client,
    ping: (timeoutMs) => (client.closed ? Promise.resolve(false) : pingDatabase(db, timeoutMs)),
    close: () => (closing ??= client.closed ? Promise.resolve() : client.close()),
  };
}

/**
 * Creates the embedded database's cluster (initdb) in a child process when `url` names a PGlite
 * directory that has none yet, so the server process opens an existing one. initdb holds a few
 * hundred MB in the process that runs it, and V8 keeps much of that for the life of the process
 * (a first `npm start` sat at about 700 MB RSS); a child gives it all back when it exits.
 * Resolves at once for PostgreSQL, memory:// and a directory that already holds a cluster. The
 * child finds PGlite from the working directory (npm start runs in the repository root).
 */
export async function initPgliteCluster(url: string | undefined): Promise<void> {
  const target = resolveDatabaseTarget(url);
  if (target.kind !== "pglite" || !target.dataDir || existsSync(path.join(target.dataDir, "PG_VERSION"))) return;
  prepareDataDir(target.dataDir);
  const script = 'const { PGlite } = await import("@electric-sql/pglite"); const db = new PGlite(process.argv[1]); await db.waitReady; await db.close();';
  const child = spawn(process.execPath, ["--input-type=module", "-e", script, target.dataDir], { stdio: ["ignore", "ignore", "pipe"] });
  let stderr = "";
  child.stderr.on("data", (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-2_000)));
  const code = await new Promise<number | null>((resolve, reject) => child.once("error", reject).once("exit", resolve));
  if (code !== 0) throw new Error(`could not create the embedded database in ${target.dataDir} (initdb exited with ${code}): ${stderr.trim()}`);
}

function prepareDataDir(dir: string): void {
  // Mirrors the original's bind-mount check: a file where the data dir should be is an operator mistake.
  const existing = statSync(dir, { throwIfNoEntry: false });
  if (existing && !existing.isDirectory()) {
    throw new Error(`PGlite data path ${dir} exists and is not a directory`);
  }
  mkdirSync(dir, { recursive: true });
}

async function pingDatabase(db: DB, timeoutMs = 2_000): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
    timer.unref();
  });
  const query = db.execute(sql`select 1`).then(
    () => true,
    () => false,
  );
  try {
    return await Promise.race([query, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
