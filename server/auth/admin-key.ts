import { bearerToken, secretMatches } from "./bearer";

export type AdminCheck = { ok: true } | { ok: false; status: 401; message: string };

/**
 * Bearer check for /admin/*. Without ROUTER_ADMIN_API_KEY there is no admin access at all (the
 * original left the admin API open when the key was empty). Compared in constant time.
 */
export function checkAdminKey(request: Request, adminKey: string | undefined): AdminCheck {
  if (!adminKey) return { ok: false, status: 401, message: "The admin API is disabled: set ROUTER_ADMIN_API_KEY to enable it" };
  const token = bearerToken(request);
  if (token === undefined) return { ok: false, status: 401, message: "Admin authentication required: send Authorization: Bearer <ROUTER_ADMIN_API_KEY>" };
  return secretMatches(token, adminKey) ? { ok: true } : { ok: false, status: 401, message: "Invalid admin API key" };
}
