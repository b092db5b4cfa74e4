// Parsers for environment strings. Each knows how to describe what it accepts, so a bad value
// produces one line an operator can act on ("expected an integer from 0 to 65535").

import { parseTrustedProxies } from "../limits/client-ip";

export type Parser<T> = {
  parse: (raw: string) => T | undefined;
  /** What the parser accepts, for error messages. */
  allowed: string;
};

const TRUE_WORDS = new Set(["1", "true", "yes", "on", "y", "t"]);
const FALSE_WORDS = new Set(["0", "false", "no", "off", "n", "f"]);

export const bool: Parser<boolean> = {
  parse: (raw) => {
    const word = raw.trim().toLowerCase();
    if (TRUE_WORDS.has(word)) return true;
    if (FALSE_WORDS.has(word)) return false;
    return undefined;
  },
  allowed: "true or false",
};

export function int(min: number, max: number): Parser<number> {
  return {
    parse: (raw) => {
      if (!/^\s*-?\d+\s*$/.test(raw)) return undefined;
      const value = Number(raw);
      return value >= min && value <= max ? value : undefined;
    },
    allowed: `an integer from ${min} to ${max}`,
  };
}

export function num(min: number, max: number): Parser<number> {
  return {
    parse: (raw) => {
      if (raw.trim() === "") return undefined;
      const value = Number(raw);
      return Number.isFinite(value) && value >= min && value <= max ? value : undefined;
    },
    allowed: `a number from ${min} to ${max}`,
  };
}

export function oneOf<const T extends string>(values: readonly T[], aliases: Record<string, T> = {}): Parser<T> {
  return {
    parse: (raw) => {
      const word = raw.trim().toLowerCase();
      if ((values as readonly string[]).includes(word)) return word as T;
      return aliases[word];
    },
    allowed: `one of ${[...values, ...Object.keys(aliases)].join(", ")}`,
  };
}

export function listOf<const T extends string>(values: readonly T[]): Parser<T[]> {
  const item = oneOf(values);
  return {
    parse: (raw) => {
      const items = raw.split(",").map((part) => part.trim()).filter(Boolean);
      const parsed = items.map((part) => item.parse(part));
      return parsed.every((value) => value !== undefined) ? [...new Set(parsed as T[])] : undefined;
    },
    allowed: `a comma-separated list of ${values.join(", ")}`,
  };
}

export const text: Parser<string> = { parse: (raw) => raw, allowed: "any text" };

/** Turns the escapes `\n`, `\t`, `\r` into real characters, as SmarterRouter does for the signature. */
export const escapedText: Parser<string> = {
  parse: (raw) => raw.replace(/\\n/g, "\n").replace(/\\t/g, "\t").replace(/\\r/g, "\r"),
  allowed: "any text (\\n, \\t and \\r are turned into real characters)",
};

export const httpUrl: Parser<string> = {
  parse: (raw) => {
    const value = raw.trim();
    if (!/^https?:\/\//i.test(value)) return undefined;
    try {
      new URL(value);
    } catch {
      return undefined;
    }
    return value.replace(/\/+$/, "");
  },
  allowed: "an http:// or https:// URL",
};

const LOG_LEVELS = ["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] as const;
export type LogLevelName = (typeof LOG_LEVELS)[number];

/** Python-style level names (and their numeric values, which the original also accepted). */
export const logLevel: Parser<LogLevelName> = {
  parse: (raw) => {
    const word = raw.trim().toUpperCase();
    const numeric: Record<string, LogLevelName> = { "10": "DEBUG", "20": "INFO", "30": "WARNING", "40": "ERROR", "50": "CRITICAL" };
    if (numeric[word]) return numeric[word];
    if (word === "WARN") return "WARNING";
    return (LOG_LEVELS as readonly string[]).includes(word) ? (word as LogLevelName) : undefined;
  },
  allowed: `one of ${LOG_LEVELS.join(", ")} (or 10-50)`,
};

/** Ollama keep_alive: seconds as a number (-1 = forever, 0 = unload) or a Go duration like "5m". */
export const keepAlive: Parser<string | number> = {
  parse: (raw) => {
    const value = raw.trim();
    if (/^-?\d+(\.\d+)?$/.test(value)) return Number(value);
    return /^(\d+(\.\d+)?(ms|s|m|h))+$/.test(value) ? value : undefined;
  },
  allowed: 'seconds (-1 keeps models loaded, 0 unloads) or a duration such as "5m"',
};

/** Comma-separated IP addresses and CIDR ranges ("10.0.0.0/8, ::1"); kept as the raw string. */
export const ipRangeList: Parser<string> = {
  parse: (raw) => {
    try {
      parseTrustedProxies(raw);
      return raw.trim();
    } catch {
      return undefined;
    }
  },
  allowed: "comma-separated IP addresses or CIDR ranges",
};

/** "https://app.example.com, http://localhost:3000" or "*": browser origins (scheme://host[:port]). */
export const originList: Parser<string[]> = {
  parse: (raw) => {
    const items = [...new Set(raw.split(",").map((part) => part.trim()).filter(Boolean))];
    if (items.includes("*")) return items.length === 1 ? ["*"] : undefined;
    const valid = items.every((item) => {
      if (!URL.canParse(item)) return false;
      const url = new URL(item);
      return /^https?:$/.test(url.protocol) && url.origin === item.toLowerCase().replace(/\/$/, "");
    });
    return valid ? items.map((item) => new URL(item).origin) : undefined;
  },
  allowed: 'a comma-separated list of origins like https://app.example.com (no path), or "*"',
};
