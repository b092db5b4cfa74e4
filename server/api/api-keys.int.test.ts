import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createConsoleSession, SESSION_COOKIE } from "../auth/sessions";
import { migrateDatabase, type DatabaseHandle } from "../db";
import { apiKeys } from "../db/schema";
import { TEST_DATABASE_KINDS } from "../db/test-databases";
import { startHarness, type Harness } from "../gateway/test-harness";
import { createCaller } from "./root";
import { postTrpc } from "./test-trpc";
import { createTrpcContext } from "./trpc";

// The console's API keys procedures against a router that requires keys (ROUTER_REQUIRE_API_KEY):
// the secret comes back once, at creation; a revocation refuses the key on the next /v1 request.
// Invalid input is checked through tRPC's HTTP handler, as the browser sees it.

const HOST = "console.test:11436";

describe.each(TEST_DATABASE_KINDS)("console API keys on $kind", ({ open }) => {
  let database: DatabaseHandle;
  let drop: () => Promise<void>;
  let harness: Harness;
  let headers: Record<string, string>;
  let caller: ReturnType<typeof createCaller>;

  const post = (path: string, input: unknown) => postTrpc(harness.runtime, HOST, headers, path, input);
  const chat = (secret?: string) =>
    fetch(`${harness.url}/v1/chat/completions`, {
      method: "POST",
      headers: { "content-type": "application/json", ...(secret ? { authorization: `Bearer ${secret}` } : {}) },
      body: JSON.stringify({ messages: [{ role: "user", content: "Say hi." }] }),
    });

  beforeAll(async () => {
    ({ database, drop } = await open());
    await migrateDatabase(database);
    harness = await startHarness({ database, env: (url) => ({ ROUTER_OLLAMA_URL: url, ROUTER_REQUIRE_API_KEY: "true" }) });
    const { token } = await createConsoleSession(database, {});
    headers = { host: HOST, cookie: `${SESSION_COOKIE}=${token}`, origin: `http://${HOST}` };
    caller = createCaller(createTrpcContext(new Headers(headers), async () => harness.runtime));
  });
  afterAll(async () => {
    await harness?.close();
    await database?.close();
    await drop?.();
  });

  it("lists nothing before the first key, and says keys are required", async () => {
    expect(await caller.apiKeys.list({})).toEqual({ page: 1, pageSize: 25, total: 0, keys: [], requireApiKey: true });
  });

  it("returns the secret once at creation; the list never contains it or its hash", async () => {
    const created = await caller.apiKeys.create({ name: "  console app  ", rateLimitPerMinute: 600 });
    expect(created.secret).toMatch(/^sr-[\w-]{43}$/);
    expect(created.key).toMatchObject({ name: "console app", prefix: created.secret.slice(0, 12), rateLimitPerMinute: 600, revokedAt: null, lastUsedAt: null });
    expect(Object.keys(created.key)).not.toContain("secret");
    const [row] = await database.db.select({ keyHash: apiKeys.keyHash }).from(apiKeys);
    const listed = JSON.stringify(await caller.apiKeys.list({}));
    expect(listed).toContain(created.key.id);
    expect(listed).not.toContain(created.secret);
    expect(listed).not.toContain(row!.keyHash);
    // no key without a limit: the global one applies
    expect((await caller.apiKeys.create({ name: "unlimited" })).key.rateLimitPerMinute).toBeNull();
  });

  it("refuses bad input with a message per field, and unknown keys", async () => {
    const cases: [unknown, string, RegExp][] = [
      [{ name: "   " }, "name", /Enter a name/],
      [{ name: "x".repeat(101) }, "name", /At most 100 characters/],
      [{ name: "ok", rateLimitPerMinute: 0 }, "rateLimitPerMinute", /At least 1/],
      [{ name: "ok", rateLimitPerMinute: 1_000_001 }, "rateLimitPerMinute", /At most 1,000,000/],
      [{ name: "ok", rateLimitPerMinute: 2.5 }, "rateLimitPerMinute", /whole number/],
    ];
    for (const [input, field, message] of cases) {
      const { status, body } = await post("apiKeys.create", input);
      expect(status, JSON.stringify(input)).toBe(400);
      expect(body.error?.data.fieldErrors?.[field], JSON.stringify(input)).toMatch(message);
    }
    expect((await post("apiKeys.revoke", { id: "not-a-uuid" })).status).toBe(400);
    const unknown = await post("apiKeys.revoke", { id: "00000000-0000-4000-8000-000000000000" });
    expect([unknown.status, unknown.body.error?.data.code]).toEqual([404, "NOT_FOUND"]);
    expect((await caller.apiKeys.list({})).keys.map((key) => key.name)).not.toContain("ok");
  });

  it("pages the keys newest first", async () => {
    const total = (await caller.apiKeys.list({})).total;
    const newest = await caller.apiKeys.create({ name: "paged" });
    const first = await caller.apiKeys.list({ page: 1, pageSize: 1 });
    const second = await caller.apiKeys.list({ page: 2, pageSize: 1 });
    expect(first.total).toBe(total + 1);
    expect(first.keys.map((key) => key.id)).toEqual([newest.key.id]);
    expect(second.keys).toHaveLength(1);
    expect(second.keys[0].id).not.toBe(newest.key.id);
  });

  it("counts a key's usage, and a revocation refuses it on the next /v1 request", async () => {
    const { key, secret } = await caller.apiKeys.create({ name: "revoke me" });
    expect((await chat()).status).toBe(401);
    const served = await chat(secret);
    expect(served.status).toBe(200);
    const { usage } = (await served.json()) as { usage: { prompt_tokens: number; completion_tokens: number } };
    await harness.runtime.decisions.flush(); // token totals come from the decision row
    const before = (await caller.apiKeys.list({ pageSize: 200 })).keys.find((k) => k.id === key.id)!;
    expect(before.usage).toEqual({ requests: 1, promptTokens: usage.prompt_tokens, completionTokens: usage.completion_tokens });
    expect(before.lastUsedAt).not.toBeNull();

    const revoked = await caller.apiKeys.revoke({ id: key.id });
    expect(revoked.revokedAt).not.toBeNull();
    const refused = await chat(secret);
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { error: { message: string; code: string } }).error).toMatchObject({ code: "invalid_api_key", message: expect.stringMatching(/revoked/) });
    // revoking again changes nothing: the first revocation time stays
    expect((await caller.apiKeys.revoke({ id: key.id })).revokedAt).toBe(revoked.revokedAt);
    const after = (await caller.apiKeys.list({ pageSize: 200 })).keys.find((k) => k.id === key.id)!;
    expect([after.revokedAt, after.usage.requests]).toEqual([revoked.revokedAt, 1]);
  });
});
