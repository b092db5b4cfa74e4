import type { LogLevelName } from "../config/parsers";

export type LogFields = Record<string, unknown>;
export type Logger = {
  debug: (message: string, fields?: LogFields) => void;
  info: (message: string, fields?: LogFields) => void;
  warn: (message: string, fields?: LogFields) => void;
  error: (message: string, fields?: LogFields) => void;
  child: (fields: LogFields) => Logger;
};

const RANK: Record<LogLevelName, number> = { DEBUG: 10, INFO: 20, WARNING: 30, ERROR: 40, CRITICAL: 50 };
// Field names whose values must never reach a log line.
const SECRET_FIELD = /(api[_-]?key|token|secret|password|authorization|cookie)/i;
// Secrets that slip in through values (an error message quoting a header, a URL with credentials):
// the finished line is scrubbed too, whatever field they came in.
const BEARER = /\b(Bearer)\s+[\w.~+/=-]+/gi;
const SK_KEY = /\bsk-[\w-]{4,}/g;
const URL_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^\s/:@"]+):[^\s/@"]+@/gi;

/** Removes bearer tokens, sk-… keys and URL passwords from a finished log line. */
export function scrubSecrets(line: string): string {
  return line.replace(BEARER, "$1 [redacted]").replace(SK_KEY, "sk-[redacted]").replace(URL_PASSWORD, "$1:[redacted]@");
}

type LoggerOptions = { level: LogLevelName; format: "text" | "json"; write?: (line: string) => void };

export function createLogger(options: LoggerOptions, bound: LogFields = {}): Logger {
  const threshold = RANK[options.level];
  const sink = options.write ?? ((line: string) => process.stderr.write(`${line}\n`));
  const write = (line: string) => sink(scrubSecrets(line));
  const emit = (level: LogLevelName, message: string, fields?: LogFields) => {
    if (RANK[level] < threshold) return;
    const all = redact({ ...bound, ...fields });
    if (options.format === "json") {
      write(JSON.stringify({ time: new Date().toISOString(), level, msg: message, ...all }));
      return;
    }
    const extra = Object.entries(all)
      .map(([key, value]) => `${key}=${typeof value === "string" ? value : JSON.stringify(value)}`)
      .join(" ");
    write(`${new Date().toISOString()} ${level.padEnd(7)} ${message}${extra ? ` ${extra}` : ""}`);
  };
  return {
    debug: (message, fields) => emit("DEBUG", message, fields),
    info: (message, fields) => emit("INFO", message, fields),
    warn: (message, fields) => emit("WARNING", message, fields),
    error: (message, fields) => emit("ERROR", message, fields),
    child: (fields) => createLogger(options, { ...bound, ...fields }),
  };
}

function redact(fields: LogFields): LogFields {
  const out: LogFields = {};
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    out[key] = SECRET_FIELD.test(key) ? "[redacted]" : value instanceof Error ? value.message : value;
  }
  return out;
}
