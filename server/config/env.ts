import fs from "node:fs";
import path from "node:path";
import { parseEnv } from "node:util";
import { SETTINGS, type Config, type SettingName } from "./settings";

// The only module that reads the process environment.

export type Env = Record<string, string | undefined>;

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(problems.join("\n"));
    this.name = "ConfigError";
  }
}

const NAMES = Object.keys(SETTINGS) as SettingName[];

/** Parses every setting; throws ConfigError with one line per invalid variable. */
export function parseConfig(env: Env): Config {
  const values: Record<string, unknown> = {};
  const problems: string[] = [];
  for (const name of NAMES) {
    const spec = SETTINGS[name];
    const given = env[name];
    // An empty value means "unset" everywhere (the original treated it inconsistently).
    const raw = given === undefined || given.trim() === "" ? spec.default : given;
    if (raw === undefined) {
      values[name] = undefined;
      continue;
    }
    const value = spec.parser.parse(raw);
    if (value === undefined) {
      const shown = spec.secret ? "(value hidden)" : JSON.stringify(raw.length > 80 ? `${raw.slice(0, 80)}…` : raw);
      problems.push(`Invalid setting ${name}=${shown}: expected ${spec.parser.allowed}.`);
    }
    values[name] = value;
  }
  const database = env.DATABASE_URL?.trim() || env.ROUTER_DATABASE_URL?.trim();
  if (database && !isSupportedDatabaseUrl(database)) {
    const name = env.DATABASE_URL?.trim() ? "DATABASE_URL" : "ROUTER_DATABASE_URL";
    problems.push(`Invalid setting ${name} (value hidden): expected postgres://…, memory://, a directory (or file://) for embedded PGlite, or unset.`);
  }
  if (problems.length) throw new ConfigError(problems);
  return values as Config;
}

function isSupportedDatabaseUrl(url: string): boolean {
  if (/^sqlite:/i.test(url)) return true; // accepted for compatibility; see databaseTarget
  return /^(postgres(ql)?|file):\/\//i.test(url) || url === "memory://" || !/^[a-z][a-z0-9+.-]*:\/\//i.test(url);
}

/** Reads `.env` from the working directory when present; real environment variables win. */
export function readDotEnv(dir = process.cwd()): Env {
  const file = path.join(dir, ".env");
  if (!fs.existsSync(file)) return {};
  return parseEnv(fs.readFileSync(file, "utf8"));
}

export function currentEnv(dir = process.cwd(), env: Env = process.env): Env {
  return { ...readDotEnv(dir), ...env };
}

const cache = globalThis as unknown as { __smarterrouterConfig?: Config };

/** The configuration of this process, parsed once. Throws ConfigError when invalid. */
export function getConfig(): Config {
  return (cache.__smarterrouterConfig ??= parseConfig(currentEnv()));
}

/** True while `next build` is collecting pages: nothing should connect anywhere then. */
export function isBuildPhase(): boolean {
  return process.env.NEXT_PHASE === "phase-production-build";
}
