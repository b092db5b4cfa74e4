import { randomBytes } from "node:crypto";
import type { Config } from "../config/settings";
import type { Logger } from "../observability/logger";
import { bearerToken, secretMatches } from "./bearer";

export type AdminCheck = { ok: true } | { ok: false; status: 401; message: string };

export type AdminKey = { key: string; generated: boolean };

// On globalThis: Next loads server code in several module copies, and all of them must accept the
// same generated key (the one printed in the log).
const holder = globalThis as unknown as { __smarterrouterGeneratedAdminKey?: string };

/**
 * The admin key of this process: ROUTER_ADMIN_API_KEY, or (when unset) a random 256-bit key made
 * once and printed once, so /admin/* and the console are never open by accident nor locked for good.
 */
export function resolveAdminKey(config: Config, logger: Logger): AdminKey {
  if (config.ROUTER_ADMIN_API_KEY) return { key: config.ROUTER_ADMIN_API_KEY, generated: false };
  if (!holder.__smarterrouterGeneratedAdminKey) {
    holder.__smarterrouterGeneratedAdminKey = `sr-admin-${randomBytes(32).toString("base64url")}`;
    logger.warn(
      `SECURITY: ROUTER_ADMIN_API_KEY is not set, so this process generated an admin key for /admin/* and the console: ${holder.__smarterrouterGeneratedAdminKey} — it changes on every restart; set ROUTER_ADMIN_API_KEY to keep one.`,
    );
  }
  return { key: holder.__smarterrouterGeneratedAdminKey, generated: true };
}

/** Bearer check for /admin/*, compared in constant time. */
export function checkAdminKey(request: Request, adminKey: string): AdminCheck {
  const token = bearerToken(request);
  if (token === undefined) return { ok: false, status: 401, message: "Admin authentication required: send Authorization: Bearer <ROUTER_ADMIN_API_KEY>" };
  return secretMatches(token, adminKey) ? { ok: true } : { ok: false, status: 401, message: "Invalid admin API key" };
}
