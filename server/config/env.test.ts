import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { parseEnv } from "node:util";
import { describe, expect, it } from "vitest";
import { configuredBackends } from "./backends";
import { databaseTarget } from "./database";
import { ConfigError, currentEnv, parseConfig, readDotEnv } from "./env";
import { SETTINGS } from "./settings";

const envDefault = fs.readFileSync(new URL("../../ENV_DEFAULT", import.meta.url), "utf8");

function problemsFor(env: Record<string, string>): string[] {
  try {
    parseConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  return [];
}

describe("ENV_DEFAULT", () => {
  const listed = parseEnv(envDefault);

  it("lists exactly the variables of the schema", () => {
    expect(Object.keys(listed).sort()).toEqual(Object.keys(SETTINGS).sort());
  });

  it("gives each variable the schema's default and a comment line above it", () => {
    const lines = envDefault.split("\n");
    for (const [name, spec] of Object.entries(SETTINGS)) {
      expect(listed[name], name).toBe(spec.default ?? "");
      const at = lines.findIndex((line) => line.startsWith(`${name}=`));
      expect(lines[at - 1], `comment above ${name}`).toMatch(/^# \S/);
    }
  });

  it("parses to the same configuration as an empty environment", () => {
    expect(parseConfig(listed)).toEqual(parseConfig({}));
  });
});

describe("parseConfig", () => {
  it("applies SmarterRouter's defaults", () => {
    const config = parseConfig({});
    expect(config.ROUTER_PORT).toBe(11436);
    expect(config.ROUTER_HOST).toBe("127.0.0.1");
    expect(config.ROUTER_EXTERNAL_MODEL_NAME).toBe("smarterrouter/main");
    expect(config.ROUTER_QUALITY_PREFERENCE).toBe(0.5);
    expect(config.ROUTER_SIGNATURE_FORMAT).toBe("\nModel: {model}");
    expect(config.ROUTER_BENCHMARK_SOURCES).toEqual(["huggingface", "lmsys"]);
    expect(config.ROUTER_ADMIN_API_KEY).toBeUndefined();
  });

  it.each([
    ["ROUTER_PORT", "abc", "expected an integer from 0 to 65535"],
    ["ROUTER_PORT", "70000", "expected an integer from 0 to 65535"],
    ["ROUTER_QUALITY_PREFERENCE", "7", "expected a number from 0 to 1"],
    ["ROUTER_CACHE_ENABLED", "maybe", "expected true or false"],
    ["ROUTER_PROVIDER", "vllm", "expected one of ollama, llamacpp, openai"],
    ["ROUTER_OLLAMA_URL", "localhost:11434", "expected an http:// or https:// URL"],
    ["ROUTER_BENCHMARK_SOURCES", "huggingface,arena", "expected a comma-separated list"],
    ["ROUTER_LOG_LEVEL", "LOUD", "expected one of DEBUG"],
    ["ROUTER_MODEL_KEEP_ALIVE", "soon", "expected seconds"],
  ])("rejects %s=%s with one line naming it", (name, value, allowed) => {
    const problems = problemsFor({ [name]: value });
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(`${name}=`);
    expect(problems[0]).toContain(allowed);
    expect(problems[0]).not.toContain("\n");
  });

  it("never echoes a secret in the error", () => {
    const [problem] = problemsFor({ ROUTER_BACKENDS: '[{"name":"x","kind":"ollama","url":"ftp://a","apiKey":"sk-secret-123"}]' });
    expect(problem).toContain("ROUTER_BACKENDS");
    expect(problem).not.toContain("sk-secret-123");
    const [dbProblem] = problemsFor({ DATABASE_URL: "mysql://root:hunter2@db/app" });
    expect(dbProblem).toContain("DATABASE_URL");
    expect(dbProblem).not.toContain("hunter2");
  });

  it("reports every invalid variable", () => {
    expect(problemsFor({ ROUTER_PORT: "x", ROUTER_QUALITY_PREFERENCE: "-1" })).toHaveLength(2);
  });

  it("treats an empty value as unset", () => {
    const config = parseConfig({ ROUTER_PORT: "", ROUTER_ADMIN_API_KEY: "  " });
    expect(config.ROUTER_PORT).toBe(11436);
    expect(config.ROUTER_ADMIN_API_KEY).toBeUndefined();
  });

  it("accepts the original's spellings", () => {
    const config = parseConfig({ ROUTER_PROVIDER: "llama.cpp", ROUTER_LOG_LEVEL: "10", ROUTER_CACHE_ENABLED: "0" });
    expect(config.ROUTER_PROVIDER).toBe("llamacpp");
    expect(config.ROUTER_LOG_LEVEL).toBe("DEBUG");
    expect(config.ROUTER_CACHE_ENABLED).toBe(false);
  });
});

describe("configuredBackends", () => {
  it("describes the single ROUTER_PROVIDER backend", () => {
    expect(configuredBackends(parseConfig({ ROUTER_OLLAMA_URL: "http://127.0.0.1:11434/" }))).toEqual([
      { name: "ollama", kind: "ollama", url: "http://127.0.0.1:11434", modelPrefix: "", fetchImageUrls: false },
    ]);
    const [openai] = configuredBackends(parseConfig({ ROUTER_PROVIDER: "openai", ROUTER_OPENAI_API_KEY: "k" }));
    expect(openai).toMatchObject({ kind: "openai", url: "https://api.openai.com/v1", apiKey: "k" });
    const [llama] = configuredBackends(parseConfig({ ROUTER_PROVIDER: "llama-swap" }));
    expect(llama).toMatchObject({ kind: "llamacpp", url: "http://localhost:8080" });
  });

  it("lets ROUTER_BACKENDS list several and rejects duplicate names", () => {
    const list = '[{"name":"gpu","kind":"ollama","url":"http://10.0.0.5:11434"},{"name":"cloud","kind":"openai","url":"https://x.example/v1","apiKey":"k"}]';
    expect(configuredBackends(parseConfig({ ROUTER_BACKENDS: list })).map((b) => b.name)).toEqual(["gpu", "cloud"]);
    const dup = '[{"name":"a","kind":"ollama","url":"http://h:1"},{"name":"a","kind":"openai","url":"http://h:2/v1"}]';
    expect(problemsFor({ ROUTER_BACKENDS: dup })).toHaveLength(1);
  });
});

describe("databaseTarget", () => {
  it("uses embedded PGlite under ./data unless a Postgres URL is given", () => {
    expect(databaseTarget(parseConfig({}), "/srv/app")).toEqual({ url: "/srv/app/data/pglite", kind: "pglite" });
    const pg = "postgres://u:p@127.0.0.1:5432/db";
    expect(databaseTarget(parseConfig({ ROUTER_DATABASE_URL: pg }))).toEqual({ url: pg, kind: "postgres" });
    expect(databaseTarget(parseConfig({ DATABASE_URL: pg, ROUTER_DATABASE_URL: "memory://" })).kind).toBe("postgres");
    expect(databaseTarget(parseConfig({ DATABASE_URL: "file:///var/lib/sr" }))).toEqual({ url: "file:///var/lib/sr", kind: "pglite" });
    expect(databaseTarget(parseConfig({ DATABASE_URL: "state/db" }), "/srv/app")).toEqual({ url: "/srv/app/state/db", kind: "pglite" });
  });

  it("falls back from the original's SQLite URL with a warning", () => {
    const target = databaseTarget(parseConfig({ ROUTER_DATABASE_URL: "sqlite:///data/router.db" }), "/srv/app");
    expect(target.kind).toBe("pglite");
    expect(target.warning).toMatch(/SQLite is not supported/);
  });
});

describe("readDotEnv", () => {
  it("reads .env when present and nothing when absent", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sr-env-"));
    try {
      expect(readDotEnv(dir)).toEqual({});
      fs.writeFileSync(path.join(dir, ".env"), "# local settings\nROUTER_PORT=11500\nROUTER_SIGNATURE_ENABLED=false\n");
      const config = parseConfig(currentEnv(dir, { ROUTER_SIGNATURE_ENABLED: "true" }));
      expect(config.ROUTER_PORT).toBe(11500);
      expect(config.ROUTER_SIGNATURE_ENABLED).toBe(true); // the real environment wins over .env
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("ROUTER_CORS_ALLOWED_ORIGINS", () => {
  it.each([
    ["", []],
    ["*", ["*"]],
    ["https://app.example.com, http://localhost:3000", ["https://app.example.com", "http://localhost:3000"]],
    ["https://APP.example.com", ["https://app.example.com"]],
  ])("accepts %j", (raw, expected) => {
    expect(parseConfig({ ROUTER_CORS_ALLOWED_ORIGINS: raw }).ROUTER_CORS_ALLOWED_ORIGINS).toEqual(expected);
  });

  it.each(["https://app.example.com/path", "ftp://x.example", "*, https://a.example", "app.example.com"])("refuses %j", (raw) => {
    expect(() => parseConfig({ ROUTER_CORS_ALLOWED_ORIGINS: raw })).toThrow(/ROUTER_CORS_ALLOWED_ORIGINS/);
  });
});
