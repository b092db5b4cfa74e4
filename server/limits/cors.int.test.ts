import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { migrateDatabase, openDatabase, type DatabaseHandle } from "../db";
import { startHarness } from "../gateway/test-harness";

// CORS over real HTTP: off by default; with ROUTER_CORS_ALLOWED_ORIGINS only the listed origins get
// CORS headers (a browser blocks every other one).

let database: DatabaseHandle;
beforeAll(async () => {
  database = await openDatabase("memory://");
  await migrateDatabase(database);
});
afterAll(async () => database?.close());

const preflight = (url: string, origin: string) =>
  fetch(`${url}/v1/chat/completions`, { method: "OPTIONS", headers: { origin, "access-control-request-method": "POST", "access-control-request-headers": "authorization, content-type" } });
const chat = (url: string, origin: string) =>
  fetch(`${url}/v1/chat/completions`, { method: "POST", headers: { origin, "content-type": "application/json" }, body: JSON.stringify({ messages: [{ role: "user", content: "hi" }] }) });

describe("CORS", () => {
  it("is off unless origins are configured", async () => {
    const harness = await startHarness({ database });
    try {
      const response = await chat(harness.url, "https://app.example.com");
      expect(response.status).toBe(200);
      expect(response.headers.get("access-control-allow-origin")).toBeNull();
      await response.text();
    } finally {
      await harness.close();
    }
  });

  it("answers preflights and requests from allowed origins only", async () => {
    const harness = await startHarness({ database, env: (url) => ({ ROUTER_OLLAMA_URL: url, ROUTER_CORS_ALLOWED_ORIGINS: "https://app.example.com, http://localhost:3000" }) });
    try {
      const allowed = await preflight(harness.url, "https://app.example.com");
      expect(allowed.status).toBe(204);
      expect(allowed.headers.get("access-control-allow-origin")).toBe("https://app.example.com");
      expect(allowed.headers.get("access-control-allow-methods")).toContain("POST");
      expect(allowed.headers.get("access-control-allow-headers")?.toLowerCase()).toContain("authorization");
      expect(allowed.headers.get("access-control-allow-credentials")).toBeNull();

      const refused = await preflight(harness.url, "https://evil.example");
      expect(refused.headers.get("access-control-allow-origin")).toBeNull();

      const served = await chat(harness.url, "http://localhost:3000");
      expect(served.status).toBe(200);
      expect(served.headers.get("access-control-allow-origin")).toBe("http://localhost:3000");
      expect(served.headers.get("access-control-expose-headers")).toContain("X-SmarterRouter-Model");
      await served.text();
      const foreign = await chat(harness.url, "https://evil.example");
      expect(foreign.headers.get("access-control-allow-origin")).toBeNull();
      await foreign.text();
    } finally {
      await harness.close();
    }
  });
});
