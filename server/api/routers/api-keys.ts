import { TRPCError } from "@trpc/server";
import { z } from "zod";
import { countApiKeys, createApiKey, listApiKeys, revokeApiKey, type ApiKeyView } from "../../auth/api-keys";
import { adminProcedure, createTRPCRouter } from "../trpc";

// The console's API keys page: thin over server/auth/api-keys.ts, like /admin/api-keys. Only
// create returns a secret, and only that once; nothing here returns a secret or a hash again.

function keyJson(key: ApiKeyView) {
  return {
    id: key.id,
    name: key.name,
    prefix: key.prefix,
    createdAt: key.createdAt.toISOString(),
    lastUsedAt: key.lastUsedAt?.toISOString() ?? null,
    revokedAt: key.revokedAt?.toISOString() ?? null,
    rateLimitPerMinute: key.rateLimitPerMinute,
    usage: key.usage,
  };
}

export const apiKeysRouter = createTRPCRouter({
  /** A page of keys, newest first, with current usage totals, and whether /v1 requires a key. */
  list: adminProcedure
    .input(z.object({ page: z.number().int().min(1).max(100_000).default(1), pageSize: z.number().int().min(1).max(200).default(25) }))
    .query(async ({ ctx, input }) => {
      await ctx.runtime.apiKeyUsage.flush(); // totals include what this instance has not written yet
      const [keys, total] = await Promise.all([listApiKeys(ctx.runtime.database, { limit: input.pageSize, offset: (input.page - 1) * input.pageSize }), countApiKeys(ctx.runtime.database)]);
      return { page: input.page, pageSize: input.pageSize, total, keys: keys.map(keyJson), requireApiKey: ctx.runtime.config.ROUTER_REQUIRE_API_KEY };
    }),
  /** The new key and its secret, shown to the operator this once. */
  create: adminProcedure
    .input(
      z.object({
        name: z.string({ error: "Enter a name" }).trim().min(1, "Enter a name").max(100, "At most 100 characters"),
        rateLimitPerMinute: z.number({ error: "Enter a whole number from 1 to 1,000,000" }).int("Enter a whole number from 1 to 1,000,000").min(1, "At least 1").max(1_000_000, "At most 1,000,000").nullish(),
      }),
    )
    .mutation(async ({ ctx, input }) => {
      const { key, secret } = await createApiKey(ctx.runtime.database, { name: input.name, rateLimitPerMinute: input.rateLimitPerMinute });
      return { key: keyJson(key), secret };
    }),
  /** Revokes a key: refused on this instance at once, on others within the verifier's cache time. */
  revoke: adminProcedure.input(z.object({ id: z.uuid("Not a key id") })).mutation(async ({ ctx, input }) => {
    const key = await revokeApiKey(ctx.runtime.database, input.id);
    if (!key) throw new TRPCError({ code: "NOT_FOUND", message: "No such API key" });
    ctx.runtime.apiKeys.invalidate();
    return keyJson(key);
  }),
});
