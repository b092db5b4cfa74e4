import type { DatabaseHandle } from "./client";

// One owner per background job across every instance sharing a database: the job runs only where
// `pg_try_advisory_lock` succeeds, on a reserved connection held for the run, so a crashed owner
// releases it with its connection. Embedded PGlite serves a single process, so an in-process flag
// is enough there.

// Jobs running through each handle (so a second run in the same process does not even ask Postgres).
const runningBy = new WeakMap<DatabaseHandle, Set<string>>();

export type JobRun<T> = { ran: true; value: T } | { ran: false };

/** Runs `job` unless another instance (or this one) is running the job named `name` right now. */
export async function runExclusive<T>(database: DatabaseHandle, name: string, job: () => Promise<T>): Promise<JobRun<T>> {
  let running = runningBy.get(database);
  if (!running) runningBy.set(database, (running = new Set()));
  if (running.has(name)) return { ran: false };
  running.add(name);
  try {
    if (database.kind === "pglite") return { ran: true, value: await job() };
    const connection = await database.client.reserve();
    try {
      const [row] = await connection<{ locked: boolean }[]>`select pg_try_advisory_lock(hashtextextended(${`smarterrouter:job:${name}`}, 0)) as locked`;
      if (!row?.locked) return { ran: false };
      try {
        return { ran: true, value: await job() };
      } finally {
        await connection`select pg_advisory_unlock(hashtextextended(${`smarterrouter:job:${name}`}, 0))`;
      }
    } finally {
      connection.release();
    }
  } finally {
    running.delete(name);
  }
}
