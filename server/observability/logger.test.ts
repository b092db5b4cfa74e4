import { describe, expect, it } from "vitest";
import { createLogger } from "./logger";

function capture(level: "DEBUG" | "INFO" | "WARNING", format: "text" | "json") {
  const lines: string[] = [];
  return { lines, log: createLogger({ level, format, write: (line) => lines.push(line) }) };
}

describe("logger", () => {
  it("drops lines below the configured level", () => {
    const { lines, log } = capture("WARNING", "text");
    log.info("hidden");
    log.warn("shown", { model: "llama3.1:8b" });
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(/WARNING shown model=llama3.1:8b$/);
  });

  it("writes one JSON object per line in json format, with bound fields", () => {
    const { lines, log } = capture("DEBUG", "json");
    log.child({ component: "db" }).debug("migrated", { ms: 12 });
    expect(JSON.parse(lines[0])).toMatchObject({ level: "DEBUG", msg: "migrated", component: "db", ms: 12 });
  });

  it("never writes secret-looking fields", () => {
    const { lines, log } = capture("INFO", "json");
    log.info("backend", { apiKey: "sk-live-1", authorization: "Bearer x", url: "http://h" });
    expect(lines[0]).not.toContain("sk-live-1");
    expect(lines[0]).not.toContain("Bearer x");
    expect(JSON.parse(lines[0]).url).toBe("http://h");
  });
});

describe("scrubbing secrets out of whole lines", () => {
  it.each([
    ["a bearer token in a message", "upstream said: Authorization: Bearer abc.DEF-123_x~y", "abc.DEF-123_x~y", "Bearer [redacted]"],
    ["an sk- key in a value", "key rejected: sk-proj-AbC123xyz", "sk-proj-AbC123xyz", "sk-[redacted]"],
    ["a URL password", "connect to postgres://router:hunter2@db:5432/app failed", "hunter2", "postgres://router:[redacted]@db:5432/app"],
  ])("removes %s", (_name, text, secret, shown) => {
    for (const format of ["text", "json"] as const) {
      const { lines, log } = capture("INFO", format);
      log.info(text, { error: new Error(text), detail: text });
      expect(lines[0]).not.toContain(secret);
      expect(lines[0]).toContain(shown);
      if (format === "json") expect(() => JSON.parse(lines[0])).not.toThrow();
    }
  });

  it("leaves ordinary text alone", () => {
    const { lines, log } = capture("INFO", "text");
    log.info("task-sketch done", { url: "http://host:11434/api/chat", model: "qwen2.5-coder:14b" });
    expect(lines[0]).toMatch(/task-sketch done url=http:\/\/host:11434\/api\/chat model=qwen2\.5-coder:14b$/);
  });
});
