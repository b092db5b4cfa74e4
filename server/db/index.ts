import { openDatabase, resolveDatabaseTarget, type DatabaseHandle, type OpenDatabaseOptions } from "./client";
import { migrateDatabase, type MigrateOptions } from "./migrate";

export * from "./client";
export * from "./errors";
export * from "./migrate";
export * as schema from "./schema";

export type GetDatabaseOptions = OpenDatabaseOptions & MigrateOptions;

// On globalThis, not module scope: Next bundles server code into several module copies (route handlers,
// instrumentation) and dev reloads modules, yet all of them must share one pool / one PGlite per URL.
const registry = globalThis as typeof globalThis & { __smarterrouterDatabases?: Map<string, Promise<DatabaseHandle>> };
const handles: Map<string, Promise<DatabaseHandle>> = (registry.__smarterrouterDatabases ??= new Map());

/**
 * Opens and migrates the database for `url` once per process; later calls share the same handle
 * (options of the first call win). Keyed by the resolved target, so `./data/pglite` and an absolute
 * path to it never open two PGlite instances on one directory.
 */
export function getDatabase(url: string | undefined, opts: GetDatabaseOptions = {}): Promise<DatabaseHandle> {
  let key: string;
  try {
    key = JSON.stringify(resolveDatabaseTarget(url));
  } catch (err) {
    return Promise.reject(err);
  }
  let pending = handles.get(key);
  if (!pending) {
    pending = openAndMigrate(url, opts);
    handles.set(key, pending);
    // A failed start must not be cached forever: the next caller retries.
    pending.catch(() => {
      if (handles.get(key) === pending) handles.delete(key);
    });
  }
  return pending;
}

/** Closes every handle opened through getDatabase (shutdown, tests). */
export async function closeDatabases(): Promise<void> {
  const all = [...handles.values()];
  handles.clear();
  await Promise.all(all.map((p) => p.then((h) => h.close()).catch(() => undefined)));
}

async function openAndMigrate(url: string | undefined, opts: GetDatabaseOptions): Promise<DatabaseHandle> {
  const handle = await openDatabase(url, opts);
  try {
    await migrateDatabase(handle, opts);
  } catch (err) {
    await handle.close().catch(() => undefined);
    throw err;
  }
  return handle;
}
