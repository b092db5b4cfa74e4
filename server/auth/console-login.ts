import { resolveClientIp } from "../limits/client-ip";
import type { Runtime } from "../runtime";
import { secretMatches } from "./bearer";
import { createConsoleSession, isHttps, isSameOrigin, revokeConsoleSession, SESSION_TTL_MS, sessionCookie, sessionTokenFrom } from "./sessions";

// POST /console/session (login, a plain HTML form: works without JavaScript) and
// POST /console/session/logout. Both answer with a 303 back to a console page.

/** Attempts per client per window, always on (even when ROUTER_RATE_LIMIT_ENABLED=false). */
export const LOGIN_ATTEMPTS = 20;
const LOGIN_WINDOW_MS = 5 * 60_000;
const MAX_FORM_BYTES = 4096;

// A relative Location: right behind any proxy, whatever host name the browser used.
const redirect = (path: string, headers: Record<string, string> = {}) => new Response(null, { status: 303, headers: { location: path, "cache-control": "no-store", ...headers } });

export async function handleConsoleLogin(request: Request, runtime: Runtime): Promise<Response> {
  if (!isSameOrigin(request.headers)) return new Response("Cross-origin login refused", { status: 403 });
  const client = resolveClientIp(request.headers.get("x-forwarded-for"), runtime.trustedProxies);
  const limit = await runtime.rateLimiter.hit(`console-login:${client}`, LOGIN_ATTEMPTS, LOGIN_WINDOW_MS);
  if (!limit.allowed) return redirect("/console/login?error=rate_limited", { "retry-after": String(Math.ceil(limit.resetMs / 1000)) });
  const key = await readKey(request);
  if (!key) return redirect("/console/login?error=missing");
  if (!secretMatches(key, runtime.adminKey.key)) {
    runtime.logger.warn("console login refused: wrong admin key", { client });
    return redirect("/console/login?error=invalid");
  }
  const session = await createConsoleSession(runtime.database, { ip: client, userAgent: request.headers.get("user-agent") ?? undefined });
  return redirect("/console", { "set-cookie": sessionCookie(session.token, { secure: isHttps(request), maxAgeSeconds: SESSION_TTL_MS / 1000 }) });
}

export async function handleConsoleLogout(request: Request, runtime: Runtime): Promise<Response> {
  if (!isSameOrigin(request.headers)) return new Response("Cross-origin logout refused", { status: 403 });
  await revokeConsoleSession(runtime.database, sessionTokenFrom(request.headers.get("cookie")));
  return redirect("/console/login?loggedOut=1", { "set-cookie": sessionCookie("", { secure: isHttps(request), maxAgeSeconds: 0 }) });
}

async function readKey(request: Request): Promise<string | undefined> {
  const length = Number(request.headers.get("content-length") ?? 0);
  if (length > MAX_FORM_BYTES) return undefined;
  try {
    const text = await request.text();
    if (text.length > MAX_FORM_BYTES) return undefined;
    const key = new URLSearchParams(text).get("key")?.trim();
    return key || undefined;
  } catch {
    return undefined;
  }
}
