import path from "node:path";
import type { DatabaseHandle, PostgresHandle } from "./client";

/** Arbitrary fixed key ("smrtrtr" in hex-ish); every instance must use the same one. */
export const MIGRATION_LOCK_KEY = 0x736d72747274n;

export const defaultMigrationsFolder = (): string => path.join(process.cwd(), "drizzle");

export type MigrateOptions = {
  migrationsFolder?: string;
  /** Give up waiting for another instance's migration after this long (default 120 s). */
  lockTimeoutMs?: number;
};

/**
 * Applies pending drizzle migrations. On PostgreSQL the run is serialised across instances with a
 * session advisory lock, because drizzle's own `CREATE SCHEMA/TABLE IF NOT EXISTS` races when two
 * instances start at once; the second waiter then finds nothing left to do.
 */
export async function migrateDatabase(handle: DatabaseHandle, opts: MigrateOptions = {}): Promise<void> {
  const migrationsFolder = opts.migrationsFolder ?? defaultMigrationsFolder();
  if (handle.kind === "pglite") {
    const { drizzle } = await import("drizzle-orm/pglite");
    const { migrate } = await import("drizzle-orm/pglite/migrator");
    // PGlite is one connection in one process: nothing to race with.
    await migrate(drizzle(handle.client), { migrationsFolder });
    return;
  }
  await withMigrationLock(handle, opts.lockTimeoutMs ?? 120_000, async () => {
    // The migrators want their driver's own database type, so wrap the raw client again (cheap).
    const { drizzle } = await import("drizzle-orm/postgres-js");
    const { migrate } = await import("drizzle-orm/postgres-js/migrator");
    await migrate(drizzle(handle.client), { migrationsFolder });
  });
}

async function withMigrationLock(handle: PostgresHandle, lockTimeoutMs: number, fn: () => Promise<void>): Promise<void> {
  // A reserved connection: a session lock lives on one backend, and the pool would hand out another.
  const conn = await handle.client.reserve();
  try {
    await conn`select set_config('lock_timeout', ${`${Math.max(1, Math.round(lockTimeoutMs))}ms`}, false)`;
    await conn`select pg_advisory_lock(${MIGRATION_LOCK_KEY.toString()}::bigint)`;
    try {
      await fn();
    } finally {
      await conn`select pg_advisory_unlock(${MIGRATION_LOCK_KEY.toString()}::bigint)`;
    }
  } finally {
    // The connection goes back to the pool, so undo the session setting first (best effort).
    await conn`reset lock_timeout`.catch(() => undefined);
    conn.release();
  }
}
