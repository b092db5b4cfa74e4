import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseConfig } from "../config/env";
import { createLogger } from "../observability/logger";
import { checkAdminKey, resolveAdminKey } from "./admin-key";

function capture() {
  const lines: string[] = [];
  return { lines, logger: createLogger({ level: "INFO", format: "text", write: (line) => lines.push(line) }) };
}
const forgetKey = () => delete (globalThis as { __smarterrouterGeneratedAdminKey?: unknown }).__smarterrouterGeneratedAdminKey; // as at process start
const bearer = (token?: string) => new Request("http://router/admin/explain", { headers: token === undefined ? {} : { authorization: `Bearer ${token}` } });

describe("the admin key", () => {
  it("is ROUTER_ADMIN_API_KEY when set, and nothing is logged", () => {
    const { lines, logger } = capture();
    expect(resolveAdminKey(parseConfig({ ROUTER_ADMIN_API_KEY: "configured-key" }), logger)).toEqual({ key: "configured-key", generated: false });
    expect(lines).toEqual([]);
  });

  it("without one, is generated once per process, strong, printed once and the same for every caller", () => {
    forgetKey();
    const first = capture();
    const second = capture();
    const a = resolveAdminKey(parseConfig({}), first.logger);
    const b = resolveAdminKey(parseConfig({}), second.logger);
    expect(a.generated).toBe(true);
    expect(b.key).toBe(a.key);
    expect(a.key.length).toBeGreaterThanOrEqual(40);
    expect(first.lines).toHaveLength(1);
    expect(first.lines[0]).toMatch(/WARNING .*ROUTER_ADMIN_API_KEY is not set/);
    expect(first.lines[0]).toContain(a.key);
    expect(second.lines).toEqual([]);
  });

  it("/admin/* accepts exactly the key as a bearer token", () => {
    const { key } = resolveAdminKey(parseConfig({}), capture().logger);
    expect(checkAdminKey(bearer(key), key)).toEqual({ ok: true });
    expect(checkAdminKey(bearer(`${key}x`), key)).toMatchObject({ ok: false, status: 401, message: "Invalid admin API key" });
    expect(checkAdminKey(bearer(), key)).toMatchObject({ ok: false, status: 401 });
  });
});

describe("the generated admin key's file", () => {
  let dir: string;
  beforeEach(() => {
    forgetKey();
    dir = mkdtempSync(path.join(os.tmpdir(), "admin-key-"));
  });
  afterEach(() => {
    forgetKey();
    rmSync(dir, { recursive: true, force: true });
  });

  it("is created readable by its owner only, named in the log without the key, and reused after a restart", () => {
    const file = path.join(dir, "data", "admin-api-key");
    const first = capture();
    const made = resolveAdminKey(parseConfig({}), first.logger, file);
    expect(made).toMatchObject({ generated: true, file });
    expect(made.key.length).toBeGreaterThanOrEqual(40);
    expect(readFileSync(file, "utf8").trim()).toBe(made.key);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    expect(first.lines.join("\n")).toContain(file);
    expect(first.lines.join("\n")).not.toContain(made.key);

    forgetKey(); // a restart
    const second = capture();
    expect(resolveAdminKey(parseConfig({}), second.logger, file)).toEqual(made);
    expect(second.lines.join("\n")).not.toContain(made.key);
  });

  it("is left alone when ROUTER_ADMIN_API_KEY is set", () => {
    const file = path.join(dir, "admin-api-key");
    expect(resolveAdminKey(parseConfig({ ROUTER_ADMIN_API_KEY: "configured-key" }), capture().logger, file).key).toBe("configured-key");
    expect(() => statSync(file)).toThrow();
  });

  it("holding an operator's own key: that key is used, with a warning when others can read the file", () => {
    const file = path.join(dir, "admin-api-key");
    const own = "my-own-admin-key-0123456789abcdefghijklmnop";
    writeFileSync(file, `${own}\n`, { mode: 0o644 });
    const { lines, logger } = capture();
    expect(resolveAdminKey(parseConfig({}), logger, file)).toMatchObject({ key: own, file });
    expect(lines.join("\n")).toMatch(/can be read by other users: chmod 600/);
  });

  it("holding something that is not a usable key stops the start instead of accepting a weak key", () => {
    const file = path.join(dir, "admin-api-key");
    writeFileSync(file, "admin\n", { mode: 0o600 });
    expect(() => resolveAdminKey(parseConfig({}), capture().logger, file)).toThrow(/does not hold a usable admin key.*delete it/);
    expect(readFileSync(file, "utf8")).toBe("admin\n"); // not overwritten
  });

  it("that cannot be written falls back to a key printed in the log, so the console is not locked", () => {
    // /proc takes no new files, even from root (the tests may run as root, whom permissions do not stop).
    const { lines, logger } = capture();
    const key = resolveAdminKey(parseConfig({}), logger, "/proc/smarterrouter-admin-api-key");
    expect(key.file).toBeUndefined();
    expect(lines.join("\n")).toMatch(/could not save a generated admin key/);
    expect(lines.join("\n")).toContain(key.key);
  });

  it("that is a directory (cannot be read) falls back to a key printed in the log", () => {
    const file = path.join(dir, "admin-api-key");
    mkdirSync(file);
    const { lines, logger } = capture();
    const key = resolveAdminKey(parseConfig({}), logger, file);
    expect(key.file).toBeUndefined();
    expect(lines.join("\n")).toContain(key.key);
  });
});
