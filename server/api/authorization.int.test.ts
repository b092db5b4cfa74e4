import { TRPCError } from "@trpc/server";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createConsoleSession, revokeConsoleSession, SESSION_COOKIE, SESSION_TTL_MS } from "../auth/sessions";
import { migrateDatabase, type DatabaseHandle } from "../db";
import { TEST_DATABASE_KINDS } from "../db/test-databases";
import { startHarness, type Harness } from "../gateway/test-harness";
import { appRouter, createCaller } from "./root";
import { createTrpcContext } from "./trpc";

// Every console procedure refuses callers without a live session, and every mutation refuses a
// foreign or missing Origin. The list comes from the router itself, so new procedures are covered.

const procedures = Object.entries(appRouter._def.procedures as unknown as Record<string, { _def: { type: "query" | "mutation" | "subscription" } }>).map(([path, procedure]) => ({
  path,
  type: procedure._def.type,
}));
const mutations = procedures.filter((procedure) => procedure.type === "mutation");

const HOST = "console.test:11436";

async function call(harness: Harness, path: string, headers: Record<string, string>): Promise<unknown> {
  const caller = createCaller(createTrpcContext(new Headers({ host: HOST, ...headers }), async () => harness.runtime));
  const procedure = path.split(".").reduce<unknown>((node, key) => (node as Record<string, unknown>)[key], caller) as (input: unknown) => Promise<unknown>;
  return procedure(undefined);
}

async function refusal(promise: Promise<unknown>): Promise<string> {
  try {
    await promise;
  } catch (error) {
    return error instanceof TRPCError ? error.code : `not a TRPCError: ${String(error)}`;
  }
  return "allowed";
}

it("the router has queries and mutations to check", () => {
  expect(procedures.length).toBeGreaterThanOrEqual(10);
  expect(mutations.length).toBeGreaterThanOrEqual(3);
});

describe.each(TEST_DATABASE_KINDS)("console procedures on $kind", ({ open }) => {
  let database: DatabaseHandle;
  let drop: () => Promise<void>;
  let harness: Harness;

  beforeAll(async () => {
    ({ database, drop } = await open());
    await migrateDatabase(database);
    harness = await startHarness({ database });
  });
  afterAll(async () => {
    await harness?.close();
    await database?.close();
    await drop?.();
  });

  it.each(procedures)("$path refuses a caller without a session cookie", async ({ path }) => {
    expect(await refusal(call(harness, path, {}))).toBe("UNAUTHORIZED");
  });

  it.each(procedures)("$path refuses an unknown session token", async ({ path }) => {
    expect(await refusal(call(harness, path, { cookie: `${SESSION_COOKIE}=forged-token` }))).toBe("UNAUTHORIZED");
  });

  it("every procedure refuses an expired and a revoked session", async () => {
    const expired = await createConsoleSession(database, {}, new Date(Date.now() - SESSION_TTL_MS - 1000));
    const revoked = await createConsoleSession(database, {});
    await revokeConsoleSession(database, revoked.token);
    for (const { path } of procedures) {
      expect(await refusal(call(harness, path, { cookie: `${SESSION_COOKIE}=${expired.token}` })), path).toBe("UNAUTHORIZED");
      expect(await refusal(call(harness, path, { cookie: `${SESSION_COOKIE}=${revoked.token}` })), path).toBe("UNAUTHORIZED");
    }
  });

  it("every mutation refuses a valid session from another origin or with no Origin", async () => {
    const { token } = await createConsoleSession(database, {});
    for (const { path } of mutations) {
      expect(await refusal(call(harness, path, { cookie: `${SESSION_COOKIE}=${token}`, origin: "https://evil.example" })), path).toBe("FORBIDDEN");
      expect(await refusal(call(harness, path, { cookie: `${SESSION_COOKIE}=${token}` })), path).toBe("FORBIDDEN");
    }
  });

  it("a valid session from the console's origin gets through to input validation and the data", async () => {
    const { token } = await createConsoleSession(database, {});
    const headers = { cookie: `${SESSION_COOKIE}=${token}`, origin: `http://${HOST}` };
    // Past authorization, a missing input is a validation error, never a 500.
    for (const { path } of mutations) expect(await refusal(call(harness, path, headers)), path).toBe("BAD_REQUEST");
    const caller = createCaller(createTrpcContext(new Headers({ host: HOST, ...headers }), async () => harness.runtime));
    const settings = await caller.settings.effective();
    expect(settings.find((setting) => setting.name === "ROUTER_ADMIN_API_KEY")).toMatchObject({ source: "generated", secret: true });
    expect(JSON.stringify(settings)).not.toContain(harness.runtime.adminKey.key);
    // The VRAM page's procedure: GET /admin/vram's report over the asked window, validated.
    expect((await caller.vram.report({ historyMinutes: 5 })).history.window_minutes).toBe(5);
    expect((await caller.vram.report({})).budget).toMatchObject({ max_gb: null, source: "none" });
    await expect(caller.vram.report({ historyMinutes: 0 })).rejects.toMatchObject({ code: "BAD_REQUEST" });
    await expect(caller.vram.report({ historyMinutes: 1.5 })).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });
});
