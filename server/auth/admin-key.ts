import { randomBytes } from "node:crypto";
import { mkdirSync, readFileSync, statSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Config } from "../config/settings";
import type { Logger } from "../observability/logger";
import { bearerToken, secretMatches } from "./bearer";

export type AdminCheck = { ok: true } | { ok: false; status: 401; message: string };

/** `file`: where a generated key is kept (absent: it lives in this process only and was printed in the log). */
export type AdminKey = { key: string; generated: boolean; file?: string };

/** Where the server keeps the admin key it generates when ROUTER_ADMIN_API_KEY is unset (beside the embedded database). */
export const DEFAULT_ADMIN_KEY_FILE = "./data/admin-api-key";

// A key file must hold a key at least as strong as a generated one could reasonably be replaced by.
const USABLE_KEY = /^[A-Za-z0-9._~+/=-]{32,512}$/;

// On globalThis: Next loads server code in several module copies, and all of them must accept the
// same generated key.
const holder = globalThis as unknown as { __smarterrouterGeneratedAdminKey?: AdminKey };

/**
 * The admin key of this process: ROUTER_ADMIN_API_KEY, or (when unset) a random 256-bit key, so
 * /admin/* and the console are never open by accident nor locked for good. With `keyFile` (the
 * server passes DEFAULT_ADMIN_KEY_FILE) the generated key is kept there, readable by this user only,
 * and reused after a restart: the log says where it is and never shows it. Only where the file can be
 * neither read nor written (a read-only disk) is the key printed once in the log, as the last resort.
 * A key file that holds something other than a usable key stops the start with a clear error.
 */
export function resolveAdminKey(config: Config, logger: Logger, keyFile?: string): AdminKey {
  if (config.ROUTER_ADMIN_API_KEY) return { key: config.ROUTER_ADMIN_API_KEY, generated: false };
  holder.__smarterrouterGeneratedAdminKey ??= (keyFile ? keptKey(path.resolve(keyFile), logger) : undefined) ?? printedKey(logger);
  return holder.__smarterrouterGeneratedAdminKey;
}

const newKey = () => `sr-admin-${randomBytes(32).toString("base64url")}`;

function printedKey(logger: Logger): AdminKey {
  const key = newKey();
  logger.warn(
    `SECURITY: ROUTER_ADMIN_API_KEY is not set, so this process generated an admin key for /admin/* and the console: ${key} — it changes on every restart; set ROUTER_ADMIN_API_KEY to keep one.`,
  );
  return { key, generated: true };
}

/** The key in `file`, created there first when there is none; undefined when the file cannot be used at all. */
function keptKey(file: string, logger: Logger): AdminKey | undefined {
  const existing = readKeyFile(file, logger);
  if (existing !== null) return existing;
  const key = newKey();
  try {
    mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
    writeFileSync(file, `${key}\n`, { mode: 0o600, flag: "wx" }); // wx: never overwrite a key another process just wrote
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "EEXIST") return readKeyFile(file, logger) ?? undefined;
    logger.warn(`could not save a generated admin key in ${file} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
    return undefined;
  }
  logger.warn(
    `SECURITY: ROUTER_ADMIN_API_KEY is not set, so the router generated an admin key for /admin/* and the console and saved it in ${file} (readable by this user only); it is kept across restarts. Sign in with its content, or set ROUTER_ADMIN_API_KEY to use your own.`,
  );
  return { key, generated: true, file };
}

/** null: there is no key file yet; undefined: there is one, but it cannot be read. */
function readKeyFile(file: string, logger: Logger): AdminKey | null | undefined {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    logger.warn(`could not read the admin key file ${file} (${(error as NodeJS.ErrnoException).code ?? String(error)})`);
    return undefined;
  }
  const key = text.trim();
  if (!USABLE_KEY.test(key)) {
    throw new Error(`${file} does not hold a usable admin key (32 to 512 characters, letters, digits and . _ ~ + / = -): delete it to have a new key generated, or set ROUTER_ADMIN_API_KEY`);
  }
  if ((statSync(file).mode & 0o077) !== 0) logger.warn(`the admin key file ${file} can be read by other users: chmod 600 it`);
  logger.info(`ROUTER_ADMIN_API_KEY is not set: /admin/* and the console use the admin key kept in ${file}`);
  return { key, generated: true, file };
}

/** Bearer check for /admin/*, compared in constant time. */
export function checkAdminKey(request: Request, adminKey: string): AdminCheck {
  const token = bearerToken(request);
  if (token === undefined) return { ok: false, status: 401, message: "Admin authentication required: send Authorization: Bearer <ROUTER_ADMIN_API_KEY>" };
  return secretMatches(token, adminKey) ? { ok: true } : { ok: false, status: 401, message: "Invalid admin API key" };
}
