import { spawnSync } from "node:child_process";
import path from "node:path";
import { describe, expect, it } from "vitest";

const root = path.resolve(import.meta.dirname, "..");

function start(env: Record<string, string>) {
  // An empty ROUTER_* environment plus the bad value: the test must not depend on the caller's shell.
  const clean = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith("ROUTER_") && key !== "DATABASE_URL"));
  return spawnSync(process.execPath, ["scripts/start.mjs"], {
    cwd: root,
    env: { ...clean, NODE_ENV: "production", ...env },
    encoding: "utf8",
    timeout: 20_000,
  });
}

describe("npm start with bad configuration", () => {
  it.each([
    [{ ROUTER_PORT: "abc" }, 'smarterrouter: Invalid setting ROUTER_PORT="abc": expected an integer from 0 to 65535.'],
    [{ ROUTER_QUALITY_PREFERENCE: "7" }, 'smarterrouter: Invalid setting ROUTER_QUALITY_PREFERENCE="7": expected a number from 0 to 1.'],
  ])("%j stops with one clear line and a non-zero exit code", (env, line) => {
    const result = start(env);
    expect(result.status).not.toBe(0);
    expect(result.stderr.trim()).toBe(line);
    expect(result.stdout).not.toContain("building");
  });

  it("never prints a secret it rejects", () => {
    const result = start({ DATABASE_URL: "mysql://root:hunter2@db/app" });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toContain("DATABASE_URL");
    expect(result.stderr).not.toContain("hunter2");
    expect(result.stderr.trim().split("\n")).toHaveLength(1);
  });
});
