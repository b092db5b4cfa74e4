import { describe, expect, it } from "vitest";
import { errorMessageOf, fetchError, parseRetryAfter, redact } from "./errors";

const backend = { name: "gpu", kind: "openai" as const, url: "http://10.0.0.5:8000/v1", apiKey: "sk-1", modelPrefix: "" };

describe("errorMessageOf", () => {
  it.each([
    ['{"error":"model not found"}', "model not found"],
    ['{"error":{"message":"Rate limit","type":"requests"}}', "Rate limit"],
    ['{"object":"error","message":"vLLM says no"}', "vLLM says no"],
    ['{"detail":"Not Found"}', "Not Found"],
    ["  plain text\n", "plain text"],
  ])("%s → %s", (text, message) => {
    expect(errorMessageOf(text)).toBe(message);
  });
});

describe("parseRetryAfter", () => {
  const now = Date.parse("2025-06-01T00:00:00Z");
  it.each([
    [null, undefined],
    ["7", 7],
    ["1.5", 2],
    ["Sun, 01 Jun 2025 00:00:30 GMT", 30],
    ["Sat, 31 May 2025 00:00:00 GMT", 0],
    ["soon", undefined],
  ])("%s → %s", (value, seconds) => {
    expect(parseRetryAfter(value, now)).toBe(seconds);
  });
});

describe("fetchError", () => {
  const live = new AbortController().signal;
  const failed = (code: string) => new TypeError("fetch failed", { cause: Object.assign(new Error("x"), { code }) });

  it("tells a gateway timeout from a client abort by the signal's reason", () => {
    const timedOut = new AbortController();
    timedOut.abort(new DOMException("t", "TimeoutError"));
    const left = new AbortController();
    left.abort();
    expect(fetchError(new Error("aborted"), timedOut.signal, backend).kind).toBe("timeout");
    expect(fetchError(new Error("aborted"), left.signal, backend).kind).toBe("aborted");
  });

  it.each([
    ["ECONNREFUSED", { kind: "connect", message: "connection refused" }],
    ["ENOTFOUND", { kind: "connect", message: "host not found" }],
    ["UND_ERR_HEADERS_TIMEOUT", { kind: "timeout", message: "the backend stopped responding" }],
  ])("%s", (code, error) => {
    expect(fetchError(failed(code), live, backend)).toEqual(error);
  });
});

describe("redact", () => {
  it("removes the backend URL, its key and any other URL", () => {
    expect(redact("GET http://10.0.0.5:8000/v1/models with sk-1 failed, see https://docs.example/x", backend)).toBe("GET <gpu>/models with *** failed, see <url>");
  });
});
