import { eq } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrateDatabase, openDatabase, type DatabaseHandle } from "../db";
import { routingDecisions } from "../db/schema";
import { sampleValue } from "../observability/test-metrics";
import { startHarness, type Harness } from "./test-harness";

// ROUTER_REQUIRE_API_KEY over real HTTP: keys made through the admin API, a 401 in the OpenAI
// shape without one, a bucket per key, usage totals, and revocation.

const ADMIN = { authorization: "Bearer admin-secret" };
type KeyJson = { id: string; key?: string; prefix: string; revoked_at: string | null; usage: { requests: number; prompt_tokens: number; completion_tokens: number } };

let database: DatabaseHandle;
let harness: Harness;
beforeAll(async () => {
  database = await openDatabase("memory://");
  await migrateDatabase(database);
  harness = await startHarness({ database, env: (url) => ({ ROUTER_OLLAMA_URL: url, ROUTER_ADMIN_API_KEY: "admin-secret", ROUTER_REQUIRE_API_KEY: "true" }) });
});
afterAll(async () => {
  await harness?.close();
  await database?.close();
});

const chat = (headers: Record<string, string> = {}, requestId?: string) =>
  fetch(`${harness.url}/v1/chat/completions`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(requestId ? { "x-request-id": requestId } : {}), ...headers },
    body: JSON.stringify({ messages: [{ role: "user", content: "Say hi." }] }),
  });
const createKey = async (body: Record<string, unknown>, headers: Record<string, string> = ADMIN) =>
  fetch(`${harness.url}/admin/api-keys`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
const bearer = (key: string) => ({ authorization: `Bearer ${key}` });
const listKeys = async () => ((await (await fetch(`${harness.url}/admin/api-keys`, { headers: ADMIN })).json()) as { data: KeyJson[] }).data;

describe("client API keys", () => {
  it("refuses /v1 without a valid key with an OpenAI-shaped 401", async () => {
    const before = sampleValue(await (await fetch(`${harness.url}/metrics`)).text(), "smarterrouter_api_key_rejections_total", { reason: "missing" });
    for (const [headers, message] of [
      [{}, /didn't provide an API key/],
      [bearer("sr-made-up"), /Incorrect API key/],
      [ADMIN, /Incorrect API key/], // the admin key is not a client key
    ] as const) {
      const response = await chat(headers);
      expect(response.status).toBe(401);
      expect(response.headers.get("www-authenticate")).toMatch(/^Bearer/);
      const body = (await response.json()) as { error: { message: string; type: string; code: string; param: unknown } };
      expect(body.error).toMatchObject({ type: "authentication_error", code: "invalid_api_key", param: null });
      expect(body.error.message).toMatch(message);
    }
    expect((await fetch(`${harness.url}/v1/models`)).status).toBe(401);
    const after = sampleValue(await (await fetch(`${harness.url}/metrics`)).text(), "smarterrouter_api_key_rejections_total", { reason: "missing" });
    expect(after - before).toBe(2);
  });

  it("manages keys only with the admin key and validates what it is sent", async () => {
    expect((await createKey({ name: "x" }, {})).status).toBe(401);
    expect((await fetch(`${harness.url}/admin/api-keys`)).status).toBe(401);
    expect((await createKey({ name: "" })).status).toBe(400);
    expect((await createKey({ name: "x", rate_limit_per_minute: 0 })).status).toBe(400);
    expect((await fetch(`${harness.url}/admin/api-keys/not-a-uuid`, { method: "DELETE", headers: ADMIN })).status).toBe(404);
    expect((await fetch(`${harness.url}/admin/api-keys/00000000-0000-4000-8000-000000000000`, { method: "DELETE", headers: ADMIN })).status).toBe(404);
  });

  it("serves a valid key, counts its usage, links its decisions, and stops it once revoked", async () => {
    const created = await createKey({ name: "app" });
    expect(created.status).toBe(201);
    const key = (await created.json()) as KeyJson;
    expect(key.key).toMatch(/^sr-/);
    expect(key.prefix).toBe(key.key!.slice(0, 12));

    const requestId = `keyed-${process.pid}`;
    const answer = await chat(bearer(key.key!), requestId);
    expect(answer.status).toBe(200);
    const { usage } = (await answer.json()) as { usage: { prompt_tokens: number; completion_tokens: number } };
    expect((await fetch(`${harness.url}/v1/models`, { headers: bearer(key.key!) })).status).toBe(200);

    await harness.runtime.decisions.flush();
    const [row] = await database.db.select({ clientKeyId: routingDecisions.clientKeyId }).from(routingDecisions).where(eq(routingDecisions.requestId, requestId));
    expect(row?.clientKeyId).toBe(key.id);
    const listed = (await listKeys()).find((k) => k.id === key.id)!;
    expect(listed.usage).toEqual({ requests: 2, prompt_tokens: usage.prompt_tokens, completion_tokens: usage.completion_tokens });
    expect(JSON.stringify(await listKeys())).not.toContain(key.key);

    const revoked = await fetch(`${harness.url}/admin/api-keys/${key.id}`, { method: "DELETE", headers: ADMIN });
    expect(revoked.status).toBe(200);
    expect(((await revoked.json()) as KeyJson).revoked_at).not.toBeNull();
    const refused = await chat(bearer(key.key!));
    expect(refused.status).toBe(401);
    expect(((await refused.json()) as { error: { message: string } }).error.message).toMatch(/revoked/);
  });

  it("gives each key its own rate-limit bucket", async () => {
    const limited = (await (await createKey({ name: "limited", rate_limit_per_minute: 2 })).json()) as KeyJson;
    const other = (await (await createKey({ name: "other" })).json()) as KeyJson;
    const statuses = [];
    for (let i = 0; i < 3; i++) {
      const response = await chat(bearer(limited.key!));
      statuses.push(response.status);
      if (response.status === 429) {
        expect(Number(response.headers.get("retry-after"))).toBeGreaterThanOrEqual(1);
        expect(((await response.json()) as { error: { type: string; code: string } }).error).toMatchObject({ type: "rate_limit_error", code: "rate_limit_exceeded" });
      } else await response.text();
    }
    expect(statuses).toEqual([200, 200, 429]);
    expect((await chat(bearer(other.key!))).status).toBe(200); // same client IP, another key: not limited
    expect(sampleValue(await (await fetch(`${harness.url}/metrics`)).text(), "smarterrouter_rate_limit_hits_total", { scope: "api_key", endpoint: "/v1/chat/completions" })).toBeGreaterThanOrEqual(1);
  });
});

describe("client API keys when not required", () => {
  let open: Harness;
  beforeAll(async () => {
    open = await startHarness({ database, env: (url) => ({ ROUTER_OLLAMA_URL: url, ROUTER_ADMIN_API_KEY: "admin-secret" }) });
  });
  afterAll(() => open?.close());

  const openChat = (headers: Record<string, string> = {}) =>
    fetch(`${open.url}/v1/chat/completions`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify({ messages: [{ role: "user", content: "Say hi." }] }) });
  const usageOf = async (id: string) => {
    await open.runtime.apiKeyUsage.flush();
    const response = await fetch(`${open.url}/admin/api-keys`, { headers: ADMIN });
    return ((await response.json()) as { data: KeyJson[] }).data.find((key) => key.id === id)!.usage.requests;
  };

  it("serves requests without a key or with a placeholder, and still counts and limits a valid key", async () => {
    const made = await fetch(`${open.url}/admin/api-keys`, { method: "POST", headers: { "content-type": "application/json", ...ADMIN }, body: JSON.stringify({ name: "optional", rate_limit_per_minute: 2 }) });
    const key = (await made.json()) as KeyJson;
    expect((await openChat()).status).toBe(200);
    expect((await openChat(bearer("sk-placeholder"))).status).toBe(200);
    expect((await openChat(bearer("sr-not-a-real-key"))).status).toBe(200);
    expect((await openChat(bearer(key.key!))).status).toBe(200);
    expect(await usageOf(key.id)).toBe(1);
    expect((await openChat(bearer(key.key!))).status).toBe(200);
    expect((await openChat(bearer(key.key!))).status).toBe(429); // its own limit applies
    expect((await openChat()).status).toBe(200);
    // revoked: no longer counted (and, keys not being required, served like a request without one)
    expect((await fetch(`${open.url}/admin/api-keys/${key.id}`, { method: "DELETE", headers: ADMIN })).status).toBe(200);
    expect((await openChat(bearer(key.key!))).status).toBe(200);
    expect(await usageOf(key.id)).toBe(2);
  });
});
