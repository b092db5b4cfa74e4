import { describe, expect, it } from "vitest";
import { parseConfig } from "../config/env";
import { createLogger } from "../observability/logger";
import { checkAdminKey, resolveAdminKey } from "./admin-key";

function capture() {
  const lines: string[] = [];
  return { lines, logger: createLogger({ level: "INFO", format: "text", write: (line) => lines.push(line) }) };
}
const bearer = (token?: string) => new Request("http://router/admin/explain", { headers: token === undefined ? {} : { authorization: `Bearer ${token}` } });

describe("the admin key", () => {
  it("is ROUTER_ADMIN_API_KEY when set, and nothing is logged", () => {
    const { lines, logger } = capture();
    expect(resolveAdminKey(parseConfig({ ROUTER_ADMIN_API_KEY: "configured-key" }), logger)).toEqual({ key: "configured-key", generated: false });
    expect(lines).toEqual([]);
  });

  it("without one, is generated once per process, strong, printed once and the same for every caller", () => {
    delete (globalThis as { __smarterrouterGeneratedAdminKey?: string }).__smarterrouterGeneratedAdminKey; // as at process start
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
