import { createHash, randomBytes } from "node:crypto";
import { and, eq, gt, lt } from "drizzle-orm";
import type { DatabaseHandle } from "../db";
import { consoleSessions } from "../db/schema";

// Console sessions live in the database (every instance sees a logout at once). The cookie holds a
// random token; the table holds only its SHA-256, so a database leak yields no usable cookie.

export const SESSION_COOKIE = "smarterrouter_session";
export const SESSION_TTL_MS = 12 * 60 * 60 * 1000;

export type ConsoleSessionInfo = { id: string; createdAt: Date; expiresAt: Date };

const hashToken = (token: string) => createHash("sha256").update(token).digest("hex");

/** Creates a session and returns its token (for the cookie only; never stored). */
export async function createConsoleSession(database: DatabaseHandle, client: { ip?: string; userAgent?: string }, now = new Date()): Promise<{ token: string; expiresAt: Date }> {
  const token = randomBytes(32).toString("base64url");
  const expiresAt = new Date(now.getTime() + SESSION_TTL_MS);
  await database.db.insert(consoleSessions).values({ id: hashToken(token), createdAt: now, lastSeenAt: now, expiresAt, ip: client.ip, userAgent: client.userAgent?.slice(0, 300) });
  // Expired rows are only clutter; sweeping at login keeps the table small without a job.
  await database.db.delete(consoleSessions).where(lt(consoleSessions.expiresAt, now));
  return { token, expiresAt };
}

/** The live session for a cookie token, or undefined (unknown, expired or revoked). */
export async function findConsoleSession(database: DatabaseHandle, token: string | undefined, now = new Date()): Promise<ConsoleSessionInfo | undefined> {
  if (!token || token.length > 200) return undefined;
  const [row] = await database.db
    .select({ id: consoleSessions.id, createdAt: consoleSessions.createdAt, expiresAt: consoleSessions.expiresAt })
    .from(consoleSessions)
    .where(and(eq(consoleSessions.id, hashToken(token)), gt(consoleSessions.expiresAt, now)));
  return row;
}

/** Logout: the row goes, so the cookie is worthless even if someone kept a copy. */
export async function revokeConsoleSession(database: DatabaseHandle, token: string | undefined): Promise<void> {
  if (!token) return;
  await database.db.delete(consoleSessions).where(eq(consoleSessions.id, hashToken(token)));
}

/** The session token from a Cookie header. */
export function sessionTokenFrom(cookieHeader: string | null | undefined): string | undefined {
  for (const part of (cookieHeader ?? "").split(";")) {
    const [name, ...rest] = part.trim().split("=");
    if (name === SESSION_COOKIE) return decodeURIComponent(rest.join("="));
  }
  return undefined;
}

/**
 * Mutations must come from the console's own pages: the Origin header must name the host the
 * request was sent to (X-Forwarded-Host when a proxy sets it). A missing Origin is refused.
 */
export function isSameOrigin(headers: Headers): boolean {
  const origin = headers.get("origin");
  const host = headers.get("x-forwarded-host")?.split(",")[0]?.trim() || headers.get("host");
  if (!origin || !host) return false;
  try {
    return new URL(origin).host === host;
  } catch {
    return false;
  }
}

/** Cookies are Secure when the console is served over HTTPS (directly or behind a TLS proxy). */
export function isHttps(request: Request): boolean {
  return new URL(request.url).protocol === "https:" || request.headers.get("x-forwarded-proto")?.split(",")[0]?.trim() === "https";
}

export function sessionCookie(token: string, options: { secure: boolean; maxAgeSeconds: number }): string {
  return [`${SESSION_COOKIE}=${token}`, "Path=/", "HttpOnly", "SameSite=Strict", `Max-Age=${options.maxAgeSeconds}`, ...(options.secure ? ["Secure"] : [])].join("; ");
}
