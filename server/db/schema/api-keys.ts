import { bigint, integer, pgTable, text, uuid } from "drizzle-orm/pg-core";
import { timestamptz } from "./columns";

/** Client API keys. Only a SHA-256 hex digest of the key is stored; `prefix` is for display. */
export const apiKeys = pgTable("api_keys", {
  id: uuid("id").primaryKey().defaultRandom(),
  name: text("name").notNull(),
  keyHash: text("key_hash").notNull().unique("api_keys_key_hash_unique"),
  /** First 8 characters of the key, so an operator can tell keys apart. */
  prefix: text("prefix").notNull(),
  createdAt: timestamptz("created_at").notNull().defaultNow(),
  lastUsedAt: timestamptz("last_used_at"),
  revokedAt: timestamptz("revoked_at"),
  /** Per-key override; null means the global limit applies. */
  rateLimitPerMinute: integer("rate_limit_per_minute"),
  /** Usage totals, added to in batches off the request path. */
  requestCount: bigint("request_count", { mode: "number" }).notNull().default(0),
  promptTokens: bigint("prompt_tokens", { mode: "number" }).notNull().default(0),
  completionTokens: bigint("completion_tokens", { mode: "number" }).notNull().default(0),
});

export type ApiKey = typeof apiKeys.$inferSelect;
export type NewApiKey = typeof apiKeys.$inferInsert;
