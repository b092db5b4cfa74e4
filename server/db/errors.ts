/** PostgreSQL SQLSTATE codes the app reacts to. */
export const PG_UNIQUE_VIOLATION = "23505";
export const PG_FOREIGN_KEY_VIOLATION = "23503";
export const PG_CHECK_VIOLATION = "23514";

/**
 * The SQLSTATE of a failed query, whichever driver raised it. drizzle wraps driver errors in
 * DrizzleQueryError (`cause`), and postgres.js and PGlite both put the code on `code`.
 */
export function postgresErrorCode(err: unknown): string | undefined {
  for (let e: unknown = err, depth = 0; e && typeof e === "object" && depth < 5; depth++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === "string" && /^[0-9A-Z]{5}$/.test(code)) return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

export const isUniqueViolation = (err: unknown): boolean => postgresErrorCode(err) === PG_UNIQUE_VIOLATION;
