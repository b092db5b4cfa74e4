import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { openDatabase, type DatabaseHandle } from "./client";
import { isUniqueViolation } from "./errors";
import { migrateDatabase } from "./migrate";
import { settings } from "./schema";

// The embedded database on disk runs in a worker thread (pglite-remote.ts): transactions, errors,
// closing and reopening must behave as with PGlite in the same thread.
describe("PGlite in its worker thread", () => {
  let dir: string;
  let handle: DatabaseHandle;
  const value = async (key: string) => (await handle.db.select().from(settings).where(eq(settings.key, key)))[0]?.value;

  beforeAll(async () => {
    dir = mkdtempSync(path.join(tmpdir(), "smarterrouter-remote-"));
    handle = await openDatabase(dir);
    await migrateDatabase(handle);
  });

  afterAll(async () => {
    await handle.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("commits a transaction, and rolls back one that throws, savepoints included", async () => {
    await handle.db.transaction(async (tx) => {
      await tx.insert(settings).values({ key: "kept", value: 1 });
      await tx.transaction(async (inner) => {
        await inner.insert(settings).values({ key: "inner-kept", value: 2 });
      });
      await tx
        .transaction(async (inner) => {
          await inner.insert(settings).values({ key: "inner-dropped", value: 3 });
          throw new Error("undo the savepoint");
        })
        .catch(() => undefined);
    });
    await expect(
      handle.db.transaction(async (tx) => {
        await tx.insert(settings).values({ key: "dropped", value: 4 });
        throw new Error("undo it all");
      }),
    ).rejects.toThrow("undo it all");
    expect(await value("kept")).toBe(1);
    expect(await value("inner-kept")).toBe(2);
    expect(await value("inner-dropped")).toBeUndefined();
    expect(await value("dropped")).toBeUndefined();
  });

  it("runs a statement from outside only after an open transaction ends", async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const transaction = handle.db.transaction(async (tx) => {
      await tx.insert(settings).values({ key: "ordered", value: "inside" });
      await held;
      await tx.update(settings).set({ value: "committed" }).where(eq(settings.key, "ordered"));
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    const outside = value("ordered");
    release();
    await transaction;
    expect(await outside).toBe("committed");
  });

  it("reports a failed statement with its SQLSTATE and keeps working", async () => {
    const duplicate = await handle.db.insert(settings).values({ key: "kept", value: 9 }).catch((error: unknown) => error);
    expect(isUniqueViolation(duplicate)).toBe(true);
    await expect(handle.db.execute(sql`select no_such_column from settings`)).rejects.toThrow(/no_such_column/);
    expect(await value("kept")).toBe(1);
    expect(await handle.ping()).toBe(true);
  });

  it("keeps what it stored across a close and a reopen, and refuses work once closed", async () => {
    await handle.db.insert(settings).values({ key: "durable", value: { nested: [1, "two"] } });
    await handle.close();
    expect(await handle.ping()).toBe(false);
    await expect(handle.db.select().from(settings)).rejects.toThrow();
    handle = await openDatabase(dir);
    expect(await value("durable")).toEqual({ nested: [1, "two"] });
  });
});
