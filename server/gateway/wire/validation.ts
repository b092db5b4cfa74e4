// Turns the first zod issue into one OpenAI-style 400 naming the field (`messages[2].role`),
// phrased like OpenAI's own validation errors so clients see familiar text.
import type { z } from "zod";
import { WireError } from "./errors";

type Issue = z.core.$ZodIssue;
type Path = readonly PropertyKey[];

export function formatParam(path: Path): string {
  let out = "";
  for (const key of path) {
    if (typeof key === "number") out += `[${key}]`;
    else out += out === "" ? String(key) : `.${String(key)}`;
  }
  return out;
}

function valueAt(root: unknown, path: Path): unknown {
  let value = root;
  for (const key of path) {
    if (value === null || typeof value !== "object") return undefined;
    value = (value as Record<PropertyKey, unknown>)[key];
  }
  return value;
}

function describeType(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (typeof value === "number") return Number.isInteger(value) ? "an integer" : "a decimal";
  if (typeof value === "object") return "an object";
  if (typeof value === "string") return "a string";
  if (typeof value === "boolean") return "a boolean";
  return typeof value;
}

const EXPECTED_NAMES: Record<string, string> = {
  int: "an integer",
  number: "a number",
  string: "a string",
  boolean: "a boolean",
  array: "an array",
  object: "an object",
  record: "an object",
};

function nameExpected(expected: string): string {
  return EXPECTED_NAMES[expected] ?? expected;
}

function show(value: unknown): string {
  const text = typeof value === "string" ? `'${value}'` : (JSON.stringify(value) ?? String(value));
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function quoteAll(values: readonly unknown[]): string {
  return values.map((v) => (typeof v === "string" ? `'${v}'` : String(v))).join(", ");
}

/** A union fails in every branch; report the branch the input's shape actually matched. */
function pickUnionBranch(issue: Extract<Issue, { code: "invalid_union" }>): { issue: Issue; expected?: string } {
  const branches = issue.errors.filter((b) => b.length > 0);
  const matched =
    branches.find((b) => b[0].path.length > 0) ?? branches.find((b) => b[0].code !== "invalid_type");
  if (matched) return { issue: { ...matched[0], path: [...issue.path, ...matched[0].path] } as Issue };
  const expected = branches.map((b) => (b[0].code === "invalid_type" ? nameExpected(b[0].expected) : "")).filter(Boolean);
  return { issue, expected: [...new Set(expected)].join(" or ") };
}

export function wireErrorFromIssue(root: unknown, original: Issue): WireError {
  let issue = original;
  let expectedUnion: string | undefined;
  while (issue.code === "invalid_union" && issue.errors.length > 0) {
    const picked = pickUnionBranch(issue);
    if (picked.issue === issue) {
      expectedUnion = picked.expected;
      break;
    }
    issue = picked.issue;
  }
  const param = formatParam(issue.path);
  const value = valueAt(root, issue.path);
  const bad = (message: string, code = "invalid_value") => new WireError(400, message, param || undefined, code);

  if (value === undefined && (issue.code === "invalid_type" || issue.code === "invalid_union")) {
    return bad(`Missing required parameter: '${param}'.`, "missing_required_parameter");
  }
  switch (issue.code) {
    case "invalid_type":
      return bad(`Invalid type for '${param}': expected ${nameExpected(issue.expected)}, but got ${describeType(value)} instead.`, "invalid_type");
    case "invalid_union": {
      // zod reports an unknown discriminator (role, part type) as a union issue with its options.
      const { options } = issue as { options?: unknown[] };
      if (options) return bad(`Invalid value for '${param}': expected one of ${quoteAll(options)}, but got ${show(value)}.`);
      return bad(`Invalid type for '${param}': expected ${expectedUnion ?? "a valid value"}, but got ${describeType(value)} instead.`, "invalid_type");
    }
    case "invalid_value":
      return bad(`Invalid value for '${param}': expected one of ${quoteAll(issue.values)}, but got ${show(value)}.`);
    case "too_small":
    case "too_big": {
      const limit = issue.code === "too_small" ? issue.minimum : issue.maximum;
      const op = issue.code === "too_small" ? ">=" : "<=";
      if (issue.origin === "array") {
        if (issue.code === "too_small" && Array.isArray(value) && value.length === 0) {
          return bad(`Invalid '${param}': empty array. Expected an array with at least ${limit} item(s).`, "empty_array");
        }
        return bad(`Invalid '${param}': expected an array with ${op} ${limit} items, but got ${Array.isArray(value) ? value.length : "?"}.`);
      }
      if (issue.origin === "string") {
        const length = typeof value === "string" ? value.length : 0;
        return bad(`Invalid '${param}': expected a string with ${op} ${limit} characters, but got ${length}.`);
      }
      return bad(`Invalid '${param}': expected a value ${op} ${limit}, but got ${show(value)}.`);
    }
    case "invalid_format":
      return bad(`Invalid '${param}': expected a string matching ${issue.pattern ?? issue.format}, but got ${show(value)}.`);
    default:
      return bad(param ? `Invalid '${param}': ${issue.message}` : issue.message);
  }
}

export function parseWith<T>(schema: z.ZodType<T>, body: unknown): T {
  const result = schema.safeParse(body);
  if (!result.success) throw wireErrorFromIssue(body, result.error.issues[0]);
  return result.data;
}

export function requireObject(body: unknown): Record<string, unknown> {
  if (body === null || typeof body !== "object" || Array.isArray(body)) {
    throw new WireError(400, "The request body must be a JSON object.", undefined, "invalid_type");
  }
  return body as Record<string, unknown>;
}

/** Top-level keys we do not act on, for debug logging (clients send many extras). */
export function unknownKeys(body: Record<string, unknown>, known: ReadonlySet<string>): string[] {
  return Object.keys(body).filter((key) => !known.has(key));
}
