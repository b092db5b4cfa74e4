import { describe, expect, it } from "vitest";
import { backendRequest, describeFetchError } from "./http";

const base = { name: "b", kind: "ollama" as const, modelPrefix: "" };

describe("backendRequest", () => {
  it("moves URL credentials into a Basic header", () => {
    const { url, headers } = backendRequest({ ...base, url: "http://alice:s%3Acret@gpu.lan:11434" }, "/api/tags");
    expect(url).toBe("http://gpu.lan:11434/api/tags");
    expect(headers.authorization).toBe(`Basic ${Buffer.from("alice:s:cret").toString("base64")}`);
  });

  it("sends an API key as a Bearer token", () => {
    expect(backendRequest({ ...base, url: "https://api.example/v1", apiKey: "k1" }, "/models")).toEqual({
      url: "https://api.example/v1/models",
      headers: { authorization: "Bearer k1" },
    });
  });
});

describe("describeFetchError", () => {
  it.each([
    [new TypeError("fetch failed", { cause: Object.assign(new Error("x"), { code: "ECONNREFUSED" }) }), "connection refused"],
    [new TypeError("fetch failed", { cause: Object.assign(new Error("x"), { code: "ENOTFOUND" }) }), "host not found"],
    [new DOMException("timed out", "TimeoutError"), "no answer within 3000 ms"],
    [new SyntaxError("Unexpected token"), "invalid JSON from backend"],
    [new TypeError("fetch failed", { cause: new Error("bad port") }), "bad port"],
  ])("%s → %s", (error, text) => {
    expect(describeFetchError(error, 3000)).toBe(text);
  });
});
