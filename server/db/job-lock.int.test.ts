import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type DatabaseHandle } from "./client";
import { runExclusive } from "./job-lock";
import { createTestPostgresDatabase, type TestPostgresDatabase } from "./test-databases";

/** A job that runs until the test lets it finish. */
function gatedJob() {
  let open!: () => void;
  let started!: () => void;
  const gate = new Promise<void>((resolve) => (open = resolve));
  const running = new Promise<void>((resolve) => (started = resolve));
  return {
    job: async () => {
      started();
      await gate;
      return "done";
    },
    running,
    finish: () => open(),
  };
}

describe.each(["pglite", "postgres"] as const)("runExclusive on %s", (kind) => {
  let testDb: TestPostgresDatabase | undefined;
  let first: DatabaseHandle;
  let second: DatabaseHandle;
  beforeAll(async () => {
    if (kind === "postgres") testDb = await createTestPostgresDatabase();
    first = await openDatabase(testDb?.url ?? "memory://");
    // Postgres: a second pool stands for a second instance. PGlite is one process: the same handle.
    second = testDb ? await openDatabase(testDb.url) : first;
  });
  afterAll(async () => {
    await first?.close();
    if (second !== first) await second?.close();
    await testDb?.drop();
  });

  it("lets one owner run a job while others skip it, then lets the next run take it", async () => {
    const owner = gatedJob();
    const owned = runExclusive(first, "sync", owner.job);
    await owner.running;
    expect(await runExclusive(second, "sync", async () => "second")).toEqual({ ran: false });
    expect(await runExclusive(second, "other-job", async () => "other")).toEqual({ ran: true, value: "other" });
    owner.finish();
    expect(await owned).toEqual({ ran: true, value: "done" });
    expect(await runExclusive(second, "sync", async () => "second")).toEqual({ ran: true, value: "second" });
  });

  it("releases the job when it throws", async () => {
    await expect(runExclusive(first, "fails", async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
    expect(await runExclusive(second, "fails", async () => 1)).toEqual({ ran: true, value: 1 });
  });
});
