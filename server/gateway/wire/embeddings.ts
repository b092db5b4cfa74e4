// /v1/embeddings request and response. Unlike the original, encoding_format "base64" is honoured
// (little-endian float32, as OpenAI sends it) and token-array inputs get a clear 400.
import { z } from "zod";
import { WireError } from "./errors";
import { parseWith, requireObject, unknownKeys } from "./validation";

export type EmbeddingEncoding = "float" | "base64";

export type ParsedEmbeddingsRequest = {
  /** Absent means the default embedding model, chosen by the gateway. */
  model?: string;
  input: string[];
  encoding_format: EmbeddingEncoding;
  dimensions?: number;
  user?: string;
  ignoredFields: string[];
};

const embeddingsSchema = z.object({
  model: z.string().max(256).nullish(),
  input: z.union([z.string(), z.array(z.string()).min(1)]),
  encoding_format: z.enum(["float", "base64"]).nullish(),
  dimensions: z.int().min(1).nullish(),
  user: z.string().max(256).nullish(),
});

const KNOWN_FIELDS: ReadonlySet<string> = new Set(Object.keys(embeddingsSchema.shape));

function isTokenArray(input: unknown): boolean {
  if (!Array.isArray(input) || input.length === 0) return false;
  return input.every((item) => typeof item === "number" || (Array.isArray(item) && item.every((t) => typeof t === "number")));
}

export function parseEmbeddingsRequest(body: unknown, limits: { maxInputs: number; maxChars: number }): ParsedEmbeddingsRequest {
  const object = requireObject(body);
  if (isTokenArray(object.input)) {
    const message = "Invalid 'input': token arrays are not supported; send a string or an array of strings.";
    throw new WireError(400, message, "input", "invalid_type");
  }
  const raw = parseWith(embeddingsSchema, object);
  const list = typeof raw.input === "string" ? [raw.input] : raw.input;
  if (list.length > limits.maxInputs) {
    const message = `Invalid 'input': ${list.length} inputs, above the limit of ${limits.maxInputs}.`;
    throw new WireError(400, message, "input", "array_above_max_length");
  }
  const input = list.map((text, i) => {
    const param = typeof raw.input === "string" ? "input" : `input[${i}]`;
    const clean = text.replaceAll("\0", "");
    if (clean === "") throw new WireError(400, `Invalid '${param}': input cannot be an empty string.`, param, "invalid_value");
    if (clean.length > limits.maxChars) {
      const message = `Invalid '${param}': text is ${clean.length} characters, above the limit of ${limits.maxChars}.`;
      throw new WireError(400, message, param, "string_above_max_length");
    }
    return clean;
  });
  const model = raw.model?.trim();
  return {
    ...(model ? { model } : {}),
    input,
    encoding_format: raw.encoding_format ?? "float",
    ...(raw.dimensions ? { dimensions: raw.dimensions } : {}),
    ...(raw.user ? { user: raw.user } : {}),
    ignoredFields: unknownKeys(object, KNOWN_FIELDS),
  };
}

const BASE64_ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/** Standard padded base64, without Node's Buffer (this module is runtime-neutral). */
export function bytesToBase64(bytes: Uint8Array): string {
  const out: string[] = [];
  let i = 0;
  for (; i + 2 < bytes.length; i += 3) {
    const n = (bytes[i] << 16) | (bytes[i + 1] << 8) | bytes[i + 2];
    out.push(BASE64_ALPHABET[n >> 18], BASE64_ALPHABET[(n >> 12) & 63], BASE64_ALPHABET[(n >> 6) & 63], BASE64_ALPHABET[n & 63]);
  }
  const rest = bytes.length - i;
  if (rest > 0) {
    const n = (bytes[i] << 16) | (rest === 2 ? bytes[i + 1] << 8 : 0);
    out.push(BASE64_ALPHABET[n >> 18], BASE64_ALPHABET[(n >> 12) & 63], rest === 2 ? BASE64_ALPHABET[(n >> 6) & 63] : "=", "=");
  }
  return out.join("");
}

/** OpenAI's base64 embedding: the vector as little-endian float32 bytes. */
export function float32Base64(vector: readonly number[]): string {
  const view = new DataView(new ArrayBuffer(vector.length * 4));
  vector.forEach((value, i) => view.setFloat32(i * 4, value, true));
  return bytesToBase64(new Uint8Array(view.buffer));
}

export type EmbeddingsResponse = {
  object: "list";
  data: { object: "embedding"; index: number; embedding: number[] | string }[];
  model: string;
  usage: { prompt_tokens: number; total_tokens: number };
};

export function buildEmbeddingsResponse(input: {
  model: string;
  embeddings: readonly (readonly number[])[];
  encoding: EmbeddingEncoding;
  /** Absent when the backend did not count (Ollama); reported as 0. */
  promptTokens?: number;
}): EmbeddingsResponse {
  const tokens = input.promptTokens ?? 0;
  return {
    object: "list",
    data: input.embeddings.map((vector, index) => ({
      object: "embedding",
      index,
      embedding: input.encoding === "base64" ? float32Base64(vector) : [...vector],
    })),
    model: input.model,
    usage: { prompt_tokens: tokens, total_tokens: tokens },
  };
}
