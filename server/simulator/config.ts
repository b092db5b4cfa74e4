import { readFileSync } from "node:fs";
import { extname } from "node:path";
import { fileURLToPath } from "node:url";
import { parse as parseYaml } from "yaml";
import { z } from "zod";

export const CATEGORIES = ["coding", "math", "reasoning", "creative", "extraction", "factual", "general"] as const;
export type Category = (typeof CATEGORIES)[number];

export const CAPABILITIES = ["completion", "vision", "tools", "embedding", "thinking"] as const;
export type Capability = (typeof CAPABILITIES)[number];

export const DEFAULT_FLEET_PATH = fileURLToPath(new URL("./fleet.default.yaml", import.meta.url));

const unit = z.number().min(0).max(1);

// A single number applies to every category; a partial map falls back to `general`, then 0.5.
const qualitySchema = z
  .union([unit, z.strictObject(Object.fromEntries(CATEGORIES.map((c) => [c, unit.optional()])))])
  .default(0.5)
  .transform((value): Record<Category, number> => {
    const map: Partial<Record<string, number | undefined>> = typeof value === "number" ? {} : value;
    const fallback = typeof value === "number" ? value : (map.general ?? 0.5);
    return Object.fromEntries(CATEGORIES.map((c) => [c, map[c] ?? fallback])) as Record<Category, number>;
  });

/** Ollama accepts "5m"/"1h30m"/"250ms", a number of seconds, and any negative value for "forever". */
export const keepAliveSchema = z.union([z.number(), z.string()]);
export type KeepAlive = z.infer<typeof keepAliveSchema>;

const modelSchema = z
  .strictObject({
    name: z.string().min(1),
    role: z.enum(["model", "judge"]).default("model"),
    family: z.string().min(1).default("llama"),
    parameterSize: z.string().regex(/^\d+(\.\d+)?[KMBT]$/i, 'expected a size like "8B" or "137M"').default("8B"),
    quantization: z.string().min(1).default("Q4_K_M"),
    contextLength: z.number().int().positive().default(8192),
    quality: qualitySchema,
    ttftMs: z.number().nonnegative().default(100),
    tokensPerSecond: z.number().positive().default(50),
    vramGb: z.number().positive().default(4),
    loadMs: z.number().nonnegative().default(1000),
    capabilities: z.array(z.enum(CAPABILITIES)).min(1).default(["completion"]),
    embeddingDim: z.number().int().positive().optional(),
  })
  .superRefine((model, ctx) => {
    if (model.capabilities.includes("embedding") && model.embeddingDim === undefined) {
      ctx.addIssue({ code: "custom", path: ["embeddingDim"], message: "required for a model with the embedding capability" });
    }
  });
export type ModelSpec = z.infer<typeof modelSchema>;

/**
 * A fault applies to requests that match its scope. Without `path` it targets model requests
 * (chat, generate, embeddings, show); with `path` it targets that exact path (e.g. "/api/tags").
 * Fault delays (stallMs, slowLoadMs) are real milliseconds, not scaled by timeScale.
 */
export const faultSchema = z
  .strictObject({
    model: z.string().min(1).optional(), // absent or "*" = every model
    api: z.enum(["ollama", "openai"]).optional(),
    path: z.string().startsWith("/").optional(),
    rate: unit.default(1),
    count: z.number().int().positive().optional(), // apply only to the next N matching requests
    status: z.number().int().min(400).max(599).optional(),
    message: z.string().optional(),
    retryAfterS: z.number().nonnegative().default(1),
    stallMs: z.union([z.number().nonnegative(), z.literal("forever")]).optional(),
    cutAfterChunks: z.number().int().nonnegative().optional(),
    malformedChunk: z.number().int().positive().optional(), // an invalid frame is inserted before chunk N (1-based)
    slowLoadMs: z.number().nonnegative().optional(),
  })
  .refine(
    (f) => [f.status, f.stallMs, f.cutAfterChunks, f.malformedChunk, f.slowLoadMs].some((v) => v !== undefined),
    "a fault needs one of status, stallMs, cutAfterChunks, malformedChunk, slowLoadMs",
  );
export type Fault = z.infer<typeof faultSchema>;
export type FaultInput = z.input<typeof faultSchema>;

export const configSchema = z
  .strictObject({
    seed: z.number().int().default(42),
    timeScale: z.number().nonnegative().default(1), // multiplies every simulated delay; 0 = none
    keepAlive: keepAliveSchema
      .refine((value) => {
        try {
          parseKeepAlive(value);
          return true;
        } catch {
          return false;
        }
      }, 'expected a duration like "5m", a number of seconds, or -1')
      .default("5m"),
    gpuVramGb: z.number().positive().optional(), // when set, loading past it evicts idle models (LRU)
    apiKey: z.string().min(1).optional(), // required as a bearer token on /v1/* when set
    requestLogSize: z.number().int().positive().default(500),
    models: z.array(modelSchema).min(1),
    faults: z.array(faultSchema).default([]),
  })
  .superRefine((config, ctx) => {
    const seen = new Set<string>();
    config.models.forEach((model, index) => {
      if (seen.has(model.name)) ctx.addIssue({ code: "custom", path: ["models", index, "name"], message: `duplicate model "${model.name}"` });
      seen.add(model.name);
    });
  });
export type SimConfig = z.infer<typeof configSchema>;
export type SimConfigInput = z.input<typeof configSchema>;

export class ConfigError extends Error {}

/** One line per config, naming each bad field (and the model it belongs to). */
export function formatIssues(error: z.ZodError, raw: unknown, source: string): string {
  const models = (raw as { models?: Array<{ name?: unknown }> } | null)?.models;
  const parts = error.issues.map((issue) => {
    let where = issue.path.map(String).join(".") || "(root)";
    if (issue.path[0] === "models" && typeof issue.path[1] === "number") {
      const name = models?.[issue.path[1]]?.name;
      if (typeof name === "string") where = where.replace(/^models\.\d+/, `models[${name}]`);
    }
    return `${where}: ${issue.message}`;
  });
  return `invalid simulator config (${source}): ${parts.join("; ")}`;
}

export function parseConfig(raw: unknown, source = "inline"): SimConfig {
  const result = configSchema.safeParse(raw);
  if (!result.success) throw new ConfigError(formatIssues(result.error, raw, source));
  return result.data;
}

export function loadConfigFile(path: string): SimConfig {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    throw new ConfigError(`cannot read simulator config ${path}: ${(error as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = extname(path) === ".json" ? JSON.parse(text) : parseYaml(text);
  } catch (error) {
    throw new ConfigError(`cannot parse simulator config ${path}: ${(error as Error).message.split("\n")[0]}`);
  }
  return parseConfig(raw, path);
}

const UNIT_MS: Record<string, number> = { ns: 1e-6, us: 1e-3, "µs": 1e-3, ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/** Milliseconds to keep a model loaded: Infinity for forever, 0 to unload now. Throws on garbage. */
export function parseKeepAlive(value: KeepAlive): number {
  if (typeof value === "number") return value < 0 ? Infinity : value * 1000;
  const text = value.trim();
  if (/^-?\d+(\.\d+)?$/.test(text)) return parseKeepAlive(Number(text));
  const match = /^(-)?((?:\d+(?:\.\d+)?(?:ns|us|µs|ms|s|m|h))+)$/.exec(text);
  if (!match) throw new Error(`time: invalid duration "${value}"`);
  if (match[1]) return Infinity;
  let total = 0;
  for (const [, amount, unitName] of match[2].matchAll(/(\d+(?:\.\d+)?)(ns|us|µs|ms|s|m|h)/g)) {
    total += Number(amount) * UNIT_MS[unitName];
  }
  return total;
}

/** Ollama resolves a bare name to its `:latest` tag. */
export function findModel(models: ReadonlyMap<string, ModelSpec>, name: string): ModelSpec | undefined {
  return models.get(name) ?? (name.includes(":") ? undefined : models.get(`${name}:latest`));
}
