import { sql } from "drizzle-orm";
import { bigint, boolean, check, index, integer, jsonb, pgTable, real, text, uniqueIndex, uuid } from "drizzle-orm/pg-core";
import type { TaskCategory } from "../../routing/categories";
import { apiKeys } from "./api-keys";
import { oneOf, timestamptz } from "./columns";

export const DECISION_STATUSES = ["ok", "error"] as const;
export type DecisionStatus = (typeof DECISION_STATUSES)[number];

/** One scored candidate, as the router saw it; `parts` is the named breakdown that sums to `score`. */
export type DecisionCandidate = {
  model: string;
  score: number;
  parts?: Record<string, number>;
  excluded?: string;
};

/** One try in the fallback chain, in order. */
export type DecisionAttempt = { model: string; backend: string; ok: boolean; error?: string; ms: number };

/** Audit log: one row per served request (final model after fallbacks). */
export const routingDecisions = pgTable(
  "routing_decisions",
  {
    id: bigint("id", { mode: "number" }).primaryKey().generatedAlwaysAsIdentity(),
    createdAt: timestamptz("created_at").notNull().defaultNow(),
    requestId: text("request_id"),
    /** The OpenTelemetry trace of the request, when tracing is on: links the row to its spans. */
    traceId: text("trace_id"),
    /** The `chatcmpl-…` id returned to the client; feedback links through it. */
    responseId: text("response_id"),
    /** SHA-256 prefix of the prompt; the prompt itself is never stored. */
    promptHash: text("prompt_hash"),
    category: text("category").$type<TaskCategory>(),
    categoryConfidence: real("category_confidence"),
    complexity: real("complexity"),
    tier: text("tier").$type<"simple" | "medium" | "hard">(),
    selectedModel: text("selected_model").notNull(),
    backend: text("backend"),
    confidence: real("confidence"),
    reason: text("reason"),
    candidates: jsonb("candidates").$type<DecisionCandidate[]>().notNull().default([]),
    fallbackCount: integer("fallback_count").notNull().default(0),
    attempts: jsonb("attempts").$type<DecisionAttempt[]>().notNull().default([]),
    cacheHit: boolean("cache_hit").notNull().default(false),
    status: text("status", { enum: DECISION_STATUSES }).notNull().default("ok"),
    error: text("error"),
    latencyMs: real("latency_ms"),
    ttftMs: real("ttft_ms"),
    promptTokens: integer("prompt_tokens"),
    completionTokens: integer("completion_tokens"),
    /** True when token counts were estimated because the backend did not report usage. */
    tokensEstimated: boolean("tokens_estimated").notNull().default(false),
    /** The conversation text; stored only when the operator sets ROUTER_LOG_PROMPTS=true. */
    prompt: text("prompt"),
    clientKeyId: uuid("client_key_id").references(() => apiKeys.id, { onDelete: "set null" }),
    /**
     * Set when the row is queued (DecisionLog): a batch retried after a lost connection whose first
     * attempt had been stored after all (the answer lost with it) then inserts nothing twice.
     */
    writeKey: uuid("write_key"),
  },
  (t) => [
    index("routing_decisions_created_at_idx").on(t.createdAt),
    index("routing_decisions_response_id_idx").on(t.responseId),
    index("routing_decisions_prompt_hash_idx").on(t.promptHash),
    index("routing_decisions_selected_model_created_at_idx").on(t.selectedModel, t.createdAt),
    index("routing_decisions_client_key_id_idx").on(t.clientKeyId),
    uniqueIndex("routing_decisions_write_key_idx").on(t.writeKey),
    check("routing_decisions_status_valid", oneOf(t.status, DECISION_STATUSES)),
    check("routing_decisions_confidence_range", sql`${t.confidence} is null or (${t.confidence} >= 0 and ${t.confidence} <= 1)`),
    check("routing_decisions_complexity_range", sql`${t.complexity} is null or (${t.complexity} >= 0 and ${t.complexity} <= 1)`),
  ],
);

export type RoutingDecision = typeof routingDecisions.$inferSelect;
export type NewRoutingDecision = typeof routingDecisions.$inferInsert;
