import path from "node:path";
import { describe, expect, it } from "vitest";
import { DEFAULT_PGLITE_DIR, resolveDatabaseTarget } from "./client";
import { postgresErrorCode } from "./errors";

describe("resolveDatabaseTarget", () => {
  it.each([
    ["postgres://u:p@db:5432/router", { kind: "postgres", url: "postgres://u:p@db:5432/router" }],
    ["postgresql://db/router", { kind: "postgres", url: "postgresql://db/router" }],
    ["memory://", { kind: "pglite", dataDir: undefined }],
    ["/var/lib/router/pglite", { kind: "pglite", dataDir: "/var/lib/router/pglite" }],
    ["file:///srv/pglite", { kind: "pglite", dataDir: "/srv/pglite" }],
    ["./data/x", { kind: "pglite", dataDir: path.resolve("data/x") }],
    [undefined, { kind: "pglite", dataDir: path.resolve(DEFAULT_PGLITE_DIR) }],
    ["  ", { kind: "pglite", dataDir: path.resolve(DEFAULT_PGLITE_DIR) }],
  ])("%s", (url, expected) => {
    expect(resolveDatabaseTarget(url)).toEqual(expected);
  });

  it("rejects other schemes without echoing credentials", () => {
    expect(() => resolveDatabaseTarget("sqlite:///data/router.db")).toThrow(/Unsupported database URL scheme/);
    expect(() => resolveDatabaseTarget("mysql://root:hunter2@db/x")).toThrow(/^(?!.*hunter2)/s);
  });
});

describe("postgresErrorCode", () => {
  it("finds the SQLSTATE on the error or its cause chain", () => {
    expect(postgresErrorCode(Object.assign(new Error("dup"), { code: "23505" }))).toBe("23505");
    expect(postgresErrorCode(new Error("wrapped", { cause: { code: "23514" } }))).toBe("23514");
    expect(postgresErrorCode(Object.assign(new Error("net"), { code: "ECONNREFUSED" }))).toBeUndefined();
    expect(postgresErrorCode("nope")).toBeUndefined();
  });
});
