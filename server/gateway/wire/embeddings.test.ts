import { Buffer } from "node:buffer";
import { describe, expect, it } from "vitest";
import { WireError } from "./errors";
import { buildEmbeddingsResponse, bytesToBase64, float32Base64, parseEmbeddingsRequest } from "./embeddings";

const LIMITS = { maxInputs: 3, maxChars: 20 };

function failure(body: unknown): WireError {
  try {
    parseEmbeddingsRequest(body, LIMITS);
  } catch (error) {
    if (error instanceof WireError) return error;
    throw error;
  }
  throw new Error("expected a WireError");
}

describe("parseEmbeddingsRequest", () => {
  it.each<[string, unknown, string | undefined, string]>([
    ["a non-object body", "text", undefined, "must be a JSON object"],
    ["missing input", { model: "e" }, "input", "Missing required parameter: 'input'"],
    ["input of wrong type", { input: { text: "x" } }, "input", "expected a string or an array"],
    ["empty input array", { input: [] }, "input", "empty array"],
    ["an empty string", { input: "" }, "input", "cannot be an empty string"],
    ["an empty string in a list", { input: ["a", ""] }, "input[1]", "cannot be an empty string"],
    ["a non-string in a list", { input: ["a", 3, "b"] }, "input[1]", "expected a string"],
    ["token array", { input: [1, 2, 3] }, "input", "token arrays are not supported"],
    ["array of token arrays", { input: [[1, 2], [3]] }, "input", "token arrays are not supported"],
    ["too many inputs", { input: ["a", "b", "c", "d"] }, "input", "4 inputs, above the limit of 3"],
    ["an input too long", { input: ["ok", "x".repeat(21)] }, "input[1]", "21 characters, above the limit of 20"],
    ["a single input too long", { input: "x".repeat(21) }, "input", "above the limit of 20"],
    ["unknown encoding", { input: "a", encoding_format: "int8" }, "encoding_format", "expected one of 'float', 'base64'"],
    ["zero dimensions", { input: "a", dimensions: 0 }, "dimensions", ">= 1"],
    ["decimal dimensions", { input: "a", dimensions: 1.5 }, "dimensions", "expected an integer"],
    ["model not a string", { input: "a", model: 1 }, "model", "expected a string"],
    ["user too long", { input: "a", user: "u".repeat(257) }, "user", "<= 256 characters"],
  ])("rejects %s", (_name, body, param, message) => {
    const error = failure(body);
    expect(error.status).toBe(400);
    expect(error.param).toBe(param);
    expect(error.message).toContain(message);
  });

  it("normalises a single string, defaults to float and no model", () => {
    expect(parseEmbeddingsRequest({ input: "hello" }, LIMITS)).toEqual({ input: ["hello"], encoding_format: "float", ignoredFields: [] });
  });

  it("keeps model, encoding, dimensions, user and lists unknown fields", () => {
    expect(
      parseEmbeddingsRequest({ model: " nomic-embed-text ", input: ["a", "b\0"], encoding_format: "base64", dimensions: 256, user: "u", extra: 1 }, LIMITS),
    ).toEqual({ model: "nomic-embed-text", input: ["a", "b"], encoding_format: "base64", dimensions: 256, user: "u", ignoredFields: ["extra"] });
  });

  it("treats null optional fields as absent", () => {
    expect(parseEmbeddingsRequest({ input: "a", model: null, encoding_format: null, dimensions: null }, LIMITS)).toEqual({
      input: ["a"],
      encoding_format: "float",
      ignoredFields: [],
    });
  });
});

describe("base64 encoding", () => {
  it.each([
    ["", ""],
    ["f", "Zg=="],
    ["fo", "Zm8="],
    ["foo", "Zm9v"],
    ["foob", "Zm9vYg=="],
    ["fooba", "Zm9vYmE="],
    ["foobar", "Zm9vYmFy"],
  ])("RFC 4648 vector %j → %s", (text, expected) => {
    expect(bytesToBase64(new TextEncoder().encode(text))).toBe(expected);
  });

  it("matches Node's Buffer on every byte value", () => {
    const bytes = Uint8Array.from({ length: 256 * 3 + 1 }, (_, i) => (i * 7) % 256);
    for (const length of [0, 1, 2, 3, 4, 255, 256, bytes.length]) {
      const slice = bytes.subarray(0, length);
      expect(bytesToBase64(slice)).toBe(Buffer.from(slice).toString("base64"));
    }
  });

  it("encodes a vector as little-endian float32", () => {
    // 1.0 = 0x3F800000 → bytes 00 00 80 3F; -2.0 = 0xC0000000 → 00 00 00 C0.
    expect(float32Base64([1, -2])).toBe("AACAPwAAAMA=");
    const vector = [0.1, -0.25, 3.5e-8, 1234.5678, 0];
    const expected = Buffer.alloc(vector.length * 4);
    vector.forEach((v, i) => expected.writeFloatLE(v, i * 4));
    expect(float32Base64(vector)).toBe(expected.toString("base64"));
  });

  it("round-trips through a client's decoding", () => {
    const vector = [0.5, -1.5, 42];
    const decoded = new Float32Array(new Uint8Array(Buffer.from(float32Base64(vector), "base64")).buffer);
    expect([...decoded]).toEqual(vector);
  });
});

describe("buildEmbeddingsResponse", () => {
  it("has OpenAI's list shape with floats", () => {
    expect(buildEmbeddingsResponse({ model: "nomic", embeddings: [[0.1, 0.2], [0.3, 0.4]], encoding: "float", promptTokens: 7 })).toEqual({
      object: "list",
      data: [
        { object: "embedding", index: 0, embedding: [0.1, 0.2] },
        { object: "embedding", index: 1, embedding: [0.3, 0.4] },
      ],
      model: "nomic",
      usage: { prompt_tokens: 7, total_tokens: 7 },
    });
  });

  it("encodes base64 when asked and reports 0 tokens when the backend did not count", () => {
    const response = buildEmbeddingsResponse({ model: "m", embeddings: [[1, -2]], encoding: "base64" });
    expect(response.data).toEqual([{ object: "embedding", index: 0, embedding: "AACAPwAAAMA=" }]);
    expect(response.usage).toEqual({ prompt_tokens: 0, total_tokens: 0 });
  });
});
