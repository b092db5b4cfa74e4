import { existsSync, mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { sql } from "drizzle-orm";
import { afterEach, describe, expect, it } from "vitest";
import { initPgliteCluster, openDatabase } from "./client";

// npm start creates a new embedded database in a child process (initdb's memory then leaves with it).
describe("initPgliteCluster", () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });
  const tempDir = () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "sr-initdb-"));
    dirs.push(dir);
    return dir;
  };

  it("creates the cluster of a new directory, which the server then opens and uses; an existing one is left alone", async () => {
    const dataDir = path.join(tempDir(), "pglite");
    await initPgliteCluster(dataDir);
    expect(existsSync(path.join(dataDir, "PG_VERSION"))).toBe(true);
    const created = statSync(path.join(dataDir, "PG_VERSION")).mtimeMs;

    await initPgliteCluster(`file://${dataDir}`);
    expect(statSync(path.join(dataDir, "PG_VERSION")).mtimeMs).toBe(created);

    const database = await openDatabase(dataDir);
    try {
      const result = await database.db.execute(sql`select 41 + 1 as answer`);
      expect(JSON.stringify(result)).toContain("42");
    } finally {
      await database.close();
    }
  }, 60_000);

  it("does nothing for PostgreSQL and memory://, and refuses a file where the directory should be", async () => {
    await expect(initPgliteCluster("postgres://nobody@127.0.0.1:1/none")).resolves.toBeUndefined();
    await expect(initPgliteCluster("memory://")).resolves.toBeUndefined();
    const file = path.join(tempDir(), "not-a-dir");
    writeFileSync(file, "x");
    await expect(initPgliteCluster(file)).rejects.toThrow(/not a directory/);
  });
});
