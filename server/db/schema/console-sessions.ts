import { index, pgTable, text } from "drizzle-orm/pg-core";
import { timestamptz } from "./columns";

export const consoleSessions = pgTable(
  "console_sessions",
  {
    /** SHA-256 of the session token: a database leak must not yield usable cookies. */
    id: text("id").primaryKey(),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
    expiresAt: timestamptz("expires_at").notNull(),
    lastSeenAt: timestamptz("last_seen_at").notNull().defaultNow(),
    ip: text("ip"),
    userAgent: text("user_agent"),
  },
  (t) => [index("console_sessions_expires_at_idx").on(t.expiresAt)],
);

export type ConsoleSession = typeof consoleSessions.$inferSelect;
export type NewConsoleSession = typeof consoleSessions.$inferInsert;
