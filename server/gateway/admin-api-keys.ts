import { z } from "zod";
import { createApiKey, listApiKeys, revokeApiKey, type ApiKeyView } from "../auth/api-keys";
import type { Runtime } from "../runtime";
import { adminEndpoint } from "./admin-endpoint";
import { readJsonBody } from "./request-input";
import { WireError } from "./wire/errors";
import { parseWith, requireObject } from "./wire/validation";

// REST admin API for client API keys (Bearer ROUTER_ADMIN_API_KEY). The console calls the same
// domain functions (server/auth/api-keys.ts) through tRPC.

const createSchema = z.object({
  name: z.string().trim().min(1).max(100),
  rate_limit_per_minute: z.number().int().min(1).max(1_000_000).nullish(),
});

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function keyJson(key: ApiKeyView) {
  return {
    id: key.id,
    object: "api_key",
    name: key.name,
    prefix: key.prefix,
    created_at: key.createdAt.toISOString(),
    last_used_at: key.lastUsedAt?.toISOString() ?? null,
    revoked_at: key.revokedAt?.toISOString() ?? null,
    rate_limit_per_minute: key.rateLimitPerMinute,
    usage: { requests: key.usage.requests, prompt_tokens: key.usage.promptTokens, completion_tokens: key.usage.completionTokens },
  };
}

/** POST /admin/api-keys {name, rate_limit_per_minute?}: 201 with the secret `key`, shown this once. */
export const handleCreateApiKey = adminEndpoint("/admin/api-keys", async (request, runtime) => {
    const input = parseWith(createSchema, requireObject(await readJsonBody(request, 16 * 1024)));
    const { key, secret } = await createApiKey(runtime.database, { name: input.name, rateLimitPerMinute: input.rate_limit_per_minute });
    return Response.json({ ...keyJson(key), key: secret }, { status: 201, headers: { "cache-control": "no-store" } });
});

/** GET /admin/api-keys: every key with its usage totals; never a secret or hash. */
export const handleListApiKeys = adminEndpoint("/admin/api-keys", async (_request, runtime) => {
    await runtime.apiKeyUsage.flush(); // totals include what this instance has not written yet
    const keys = await listApiKeys(runtime.database);
    return Response.json({ object: "list", data: keys.map(keyJson) });
});

/** DELETE /admin/api-keys/{id}: revokes the key (here at once, on other instances within seconds). */
export function handleRevokeApiKey(request: Request, runtime: Runtime, id: string): Promise<Response> {
  return adminEndpoint("/admin/api-keys/{id}", async () => {
    const key = UUID.test(id) ? await revokeApiKey(runtime.database, id) : undefined;
    if (!key) throw new WireError(404, `No API key with id '${id.slice(0, 64)}'`, "id");
    runtime.apiKeys.invalidate();
    return Response.json(keyJson(key));
  })(request, runtime);
}
