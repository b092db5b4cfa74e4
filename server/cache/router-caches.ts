import { createHash } from "node:crypto";
import type { ChatMessage, ChatRequest, FinishReason, Usage } from "../backends/types";
import type { Redis } from "ioredis";
import type { Config } from "../config/settings";
import type { Logger } from "../observability/logger";
import type { RoutingDecision, RoutingSettings } from "../routing/types";
import { MemoryStore, RedisStore, type CacheStore } from "./store";

export type CachedAnswer = { content: string | null; reasoning?: string; finishReason: FinishReason; usage: Usage };
export type CacheCounters = { hits: number; misses: number };

/**
 * The routing cache (same conversation + same routing inputs → same decision) and the response
 * cache (same deterministic request to the same model → same answer). Keys cover the whole
 * conversation, not the last message, so different conversations never share an entry.
 */
export class RouterCaches {
  readonly routingStats: CacheCounters = { hits: 0, misses: 0 };
  readonly responseStats: CacheCounters = { hits: 0, misses: 0 };

  private on: boolean;
  private ttlMs: number;
  /** Answers being stored (setResponse), for settled(). */
  private readonly writes = new Set<Promise<void>>();

  /** `enabled` and `ttlSeconds` are the environment's values until `apply` is given live settings. */
  constructor(
    readonly routing: CacheStore,
    readonly responses: CacheStore,
    private readonly defaults: { enabled: boolean; ttlSeconds: number },
  ) {
    this.on = defaults.enabled;
    this.ttlMs = defaults.ttlSeconds * 1000;
  }

  get enabled(): boolean {
    return this.on;
  }

  /**
   * Takes the on/off switch and the TTL from the live settings (the knowledge snapshot the request
   * reads), so a change saved in the console applies to the next request on every instance. A new
   * TTL applies to entries written from then on; the stores' sizes stay the environment's.
   */
  apply(settings: Pick<RoutingSettings, "cacheEnabled" | "cacheTtlSeconds">): void {
    this.on = settings.cacheEnabled ?? this.defaults.enabled;
    this.ttlMs = (settings.cacheTtlSeconds ?? this.defaults.ttlSeconds) * 1000;
  }

  /** `context` is whatever else decides routing (settings, the model list) so a change misses. */
  routingKey(chat: Omit<ChatRequest, "model">, context: string): string {
    return digest({ m: chat.messages.map(normalizeMessage), t: chat.tools?.map((tool) => tool.function.name) ?? [], f: chat.response_format?.type ?? "text", c: context });
  }

  async getRouting(key: string): Promise<RoutingDecision | undefined> {
    if (!this.enabled) return undefined;
    return this.count(this.routingStats, parse<RoutingDecision>(await this.routing.get(key)));
  }

  async setRouting(key: string, decision: RoutingDecision): Promise<void> {
    if (this.enabled) await this.routing.set(key, JSON.stringify(decision), this.ttlMs);
  }

  /** Undefined when reusing an answer would be wrong: sampling without a seed, tools, several choices. */
  responseKey(request: ChatRequest): string | undefined {
    if (!this.enabled) return undefined;
    const deterministic = request.temperature === 0 || request.seed !== undefined;
    if (!deterministic || request.tools?.length || (request.n ?? 1) > 1) return undefined;
    // Streaming or not, the answer is the same; keep_alive does not change it either. The model
    // leads the key so one model's answers can be removed (POST /admin/cache/invalidate?model=).
    return modelPrefix(request.model) + digest({ ...request, stream: undefined, includeUsage: undefined, keepAlive: undefined });
  }

  async getResponse(key: string): Promise<CachedAnswer | undefined> {
    return this.count(this.responseStats, parse<CachedAnswer>(await this.responses.get(key)));
  }

  /** Stores an answer; the request that produced it does not wait for the write (see settled). */
  async setResponse(key: string, answer: CachedAnswer): Promise<void> {
    if (!this.enabled) return;
    const write = this.responses.set(key, JSON.stringify(answer), this.ttlMs);
    this.writes.add(write);
    try {
      await write;
    } finally {
      this.writes.delete(write);
    }
  }

  /** Resolves once every answer being stored now is stored (or has failed to be). */
  async settled(): Promise<void> {
    await Promise.allSettled([...this.writes]);
  }

  /** Removes cached answers: one model's, or every model's. Returns how many went. */
  invalidateResponses(model?: string): Promise<number> {
    return model === undefined ? this.responses.clear() : this.responses.deletePrefix(modelPrefix(model));
  }

  async clear(): Promise<{ routing: number; responses: number }> {
    const [routing, responses] = await Promise.all([this.routing.clear(), this.responses.clear()]);
    return { routing, responses };
  }

  private count<T>(stats: CacheCounters, value: T | undefined): T | undefined {
    if (value === undefined) stats.misses += 1;
    else stats.hits += 1;
    return value;
  }
}

/** Text and roles matter; an image counts by its length so megabytes of base64 are not rehashed. */
function normalizeMessage(message: ChatMessage): unknown {
  const content = message.content;
  const parts = typeof content === "string" || content === null ? content : content.map((part) => (part.type === "text" ? part.text : `[image:${part.image_url.url.length}]`));
  return [message.role, parts, "tool_calls" in message ? message.tool_calls : undefined, "tool_call_id" in message ? message.tool_call_id : undefined];
}

/** base64url has no "." and no glob characters, so one model's prefix never matches another's. */
function modelPrefix(model: string): string {
  return `${Buffer.from(model).toString("base64url")}.`;
}

function digest(value: unknown): string {
  return createHash("sha256").update(JSON.stringify(value)).digest("base64url");
}

function parse<T>(text: string | undefined): T | undefined {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as T;
  } catch {
    return undefined;
  }
}

/** In process memory, or in Redis (shared by every instance) when REDIS_URL is set. */
export function createRouterCaches(config: Config, logger: Logger, redis?: Redis): RouterCaches {
  const store = (name: string, maxEntries: number): CacheStore => (redis ? new RedisStore(redis, `smarterrouter:${name}:`, logger) : new MemoryStore(maxEntries));
  return new RouterCaches(store("routing", config.ROUTER_CACHE_MAX_SIZE), store("response", config.ROUTER_CACHE_RESPONSE_MAX_SIZE), {
    enabled: config.ROUTER_CACHE_ENABLED,
    ttlSeconds: config.ROUTER_CACHE_TTL_SECONDS,
  });
}
