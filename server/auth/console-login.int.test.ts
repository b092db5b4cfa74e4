import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parseConfig } from "../config/env";
import { migrateDatabase, type DatabaseHandle } from "../db";
import { consoleSessions } from "../db/schema";
import { TEST_DATABASE_KINDS } from "../db/test-databases";
import { createLogger } from "../observability/logger";
import { assembleRuntime, type Runtime } from "../runtime";
import { handleConsoleLogin, handleConsoleLogout, LOGIN_ATTEMPTS } from "./console-login";
import { findConsoleSession, sessionTokenFrom } from "./sessions";

const KEY = "the-console-admin-key";
const silent = createLogger({ level: "CRITICAL", format: "text", write: () => {} });
let client = 0;

function login(key: string, headers: Record<string, string> = {}): Request {
  client += 1;
  return new Request("http://router.test/console/session", {
    method: "POST",
    headers: { host: "router.test", origin: "http://router.test", "content-type": "application/x-www-form-urlencoded", "x-forwarded-for": `10.0.0.${client}`, ...headers },
    body: new URLSearchParams({ key }).toString(),
  });
}
const cookieToken = (response: Response) => sessionTokenFrom(response.headers.get("set-cookie")?.split(";")[0]);

describe.each(TEST_DATABASE_KINDS)("console sign-in on $kind", ({ open }) => {
  let database: DatabaseHandle;
  let drop: () => Promise<void>;
  let runtime: Runtime;

  beforeAll(async () => {
    ({ database, drop } = await open());
    await migrateDatabase(database);
    runtime = assembleRuntime({ config: parseConfig({ ROUTER_ADMIN_API_KEY: KEY }), logger: silent, database });
  });
  afterAll(async () => {
    await database?.close();
    await drop?.();
  });

  it("refuses a wrong key: back to the form with an error, no cookie, no session", async () => {
    const before = (await database.db.select().from(consoleSessions)).length;
    const response = await handleConsoleLogin(login("wrong"), runtime);
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe("/console/login?error=invalid");
    expect(response.headers.get("set-cookie")).toBeNull();
    expect((await database.db.select().from(consoleSessions)).length).toBe(before);
  });

  it("accepts the right key with an HttpOnly, SameSite=Strict cookie; the database keeps only a hash", async () => {
    const response = await handleConsoleLogin(login(KEY), runtime);
    expect(response.status).toBe(303);
    expect(response.headers.get("location")).toBe("/console");
    const cookie = response.headers.get("set-cookie") ?? "";
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    expect(cookie).toMatch(/Max-Age=43200/);
    expect(cookie).not.toMatch(/Secure/);
    const token = cookieToken(response)!;
    expect(await findConsoleSession(database, token)).toBeDefined();
    const ids = (await database.db.select({ id: consoleSessions.id }).from(consoleSessions)).map((row) => row.id);
    expect(ids).not.toContain(token);
  });

  it("marks the cookie Secure behind an HTTPS proxy", async () => {
    const response = await handleConsoleLogin(login(KEY, { "x-forwarded-proto": "https", origin: "https://router.test" }), runtime);
    expect(response.headers.get("set-cookie")).toMatch(/; Secure/);
  });

  it("refuses a sign-in posted from another origin (login CSRF)", async () => {
    const response = await handleConsoleLogin(login(KEY, { origin: "https://evil.example" }), runtime);
    expect(response.status).toBe(403);
    expect(response.headers.get("set-cookie")).toBeNull();
  });

  it("limits sign-in attempts per client, even with rate limiting off", async () => {
    const headers = { "x-forwarded-for": "10.9.9.9" };
    for (let i = 0; i < LOGIN_ATTEMPTS; i++) expect((await handleConsoleLogin(login("guess", headers), runtime)).headers.get("location")).toBe("/console/login?error=invalid");
    const blocked = await handleConsoleLogin(login(KEY, headers), runtime);
    expect(blocked.headers.get("location")).toBe("/console/login?error=rate_limited");
    expect(blocked.headers.get("set-cookie")).toBeNull();
  });

  it("logout deletes the session, so a kept copy of the cookie is worthless", async () => {
    const token = cookieToken(await handleConsoleLogin(login(KEY), runtime))!;
    const response = await handleConsoleLogout(
      new Request("http://router.test/console/session/logout", { method: "POST", headers: { host: "router.test", origin: "http://router.test", cookie: `smarterrouter_session=${token}` } }),
      runtime,
    );
    expect(response.status).toBe(303);
    expect(response.headers.get("set-cookie")).toMatch(/Max-Age=0/);
    expect(await findConsoleSession(database, token)).toBeUndefined();
  });
});
