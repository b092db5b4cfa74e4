import type { Logger } from "../observability/logger";
import { openAIError, WireError } from "./wire/errors";

type HeaderFacts = { requestId: string; model?: string; category?: string; overheadMs?: number };

/** The headers every /v1 answer carries: who handled it and what the router cost. */
export function gatewayHeaders(facts: HeaderFacts): Record<string, string> {
  const headers: Record<string, string> = { "x-request-id": facts.requestId };
  if (facts.model) headers["x-smarterrouter-model"] = facts.model;
  if (facts.category) headers["x-smarterrouter-category"] = facts.category;
  if (facts.overheadMs !== undefined) headers["x-smarterrouter-overhead-ms"] = Math.max(0, facts.overheadMs).toFixed(2);
  return headers;
}

// The JSON text of responses made by jsonResponse: the custom server (server/http) writes it as is
// instead of reading the body stream back.
const jsonPayloads = new WeakMap<Response, string>();

/** Response.json, keeping the serialized body for the custom server. */
export function jsonResponse(value: unknown, init: { status?: number; headers?: Record<string, string> } = {}): Response {
  const text = JSON.stringify(value);
  const given = init.headers ?? {};
  // As Response.json: application/json unless the caller set a content type (one Headers, built by Response).
  const typed = Object.keys(given).some((name) => name.toLowerCase() === "content-type");
  const response = new Response(text, { status: init.status, headers: typed ? given : { "content-type": "application/json", ...given } });
  jsonPayloads.set(response, text);
  return response;
}

/** The JSON text of a jsonResponse (undefined for any other response). */
export function jsonPayload(response: Response): string | undefined {
  return jsonPayloads.get(response);
}

export function errorResponse(status: number, message: string, options: { param?: string; code?: string; requestId: string; headers?: Record<string, string> }): Response {
  const error = openAIError(status, message, { param: options.param, code: options.code });
  return jsonResponse(error.body, { status: error.status, headers: { ...gatewayHeaders({ requestId: options.requestId }), ...options.headers } });
}

export function backendErrorResponse(status: number, message: string, options: { requestId: string; retryAfterSeconds?: number }): Response {
  const headers: Record<string, string> = options.retryAfterSeconds !== undefined ? { "retry-after": String(Math.ceil(options.retryAfterSeconds)) } : {};
  return errorResponse(status, message, { requestId: options.requestId, headers });
}

/** The edge of every /v1 handler: client errors become their 4xx, anything else a logged 500. */
export function unexpectedErrorResponse(error: unknown, context: { requestId: string; logger: Logger; what: string }): Response {
  if (error instanceof WireError) return errorResponse(error.status, error.message, { param: error.param, code: error.code, requestId: context.requestId });
  context.logger.error(`${context.what} failed`, { requestId: context.requestId, error });
  return errorResponse(500, `The router failed to handle this ${context.what}`, { requestId: context.requestId });
}
