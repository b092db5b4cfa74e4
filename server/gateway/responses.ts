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

type DeferredInit = { status?: number; statusText?: string; headers?: HeadersInit };

/**
 * A web Response whose body, and headers, are built on demand. Constructing a Response with a
 * body builds a web ReadableStream at once (about 20 µs for a small JSON string, several times the
 * rest of the response), and its Headers validate and copy every header; the custom server
 * (server/http) needs neither: it writes `payload` or iterates `chunks` straight to the socket, with
 * the headers read through `header` and `headerEntries`. Everything else (Next's route pipeline,
 * tests) reads body and headers as from any Response: they are built on first use, and from then
 * on the Headers object is the only copy.
 */
export abstract class DeferredBodyResponse extends Response {
  #inner?: Response;
  /** The headers until something reads `headers` (names in lower case). */
  #record?: Record<string, string>;
  #headers?: Headers;

  constructor(init: DeferredInit) {
    super(null, { status: init.status, statusText: init.statusText });
    const given = init.headers;
    if (given === undefined || (typeof given === "object" && Object.getPrototypeOf(given) === Object.prototype)) {
      const record: Record<string, string> = {};
      for (const [name, value] of Object.entries((given ?? {}) as Record<string, string>)) record[name.toLowerCase()] = value;
      this.#record = record;
    } else {
      this.#headers = new Headers(given);
    }
  }

  static {
    // lib.dom declares body, bodyUsed and headers as data properties, so TypeScript refuses
    // accessor overrides; defined on the prototype they shadow Response's own accessors as intended.
    Object.defineProperty(this.prototype, "body", {
      get(this: DeferredBodyResponse) {
        return this.inner().body;
      },
    });
    Object.defineProperty(this.prototype, "bodyUsed", {
      get(this: DeferredBodyResponse) {
        return this.#inner?.bodyUsed ?? false;
      },
    });
    Object.defineProperty(this.prototype, "headers", {
      get(this: DeferredBodyResponse) {
        if (!this.#headers) {
          this.#headers = new Headers(this.#record);
          this.#record = undefined;
        }
        return this.#headers;
      },
    });
  }

  /** headers.get(name), without building the Headers. */
  header(name: string): string | null {
    return this.#record ? (this.#record[name.toLowerCase()] ?? null) : this.#headers!.get(name);
  }

  /** headers.set(name, value), without building the Headers. */
  setHeader(name: string, value: string): void {
    if (this.#record) this.#record[name.toLowerCase()] = value;
    else this.#headers!.set(name, value);
  }

  /** Every header (lower-case names), as headers.forEach gives them, without building the Headers. */
  headerEntries(): Iterable<[string, string]> {
    return this.#record ? Object.entries(this.#record) : this.#headers!.entries();
  }

  /** Init headers for a response that takes this one's place. */
  protected headerInit(): HeadersInit {
    return this.#record ? { ...this.#record } : this.#headers!;
  }

  protected abstract makeBody(): BodyInit;

  /** The Response every body read goes to, built once on the first read (its headers give blob() its type). */
  protected inner(): Response {
    this.#inner ??= new Response(this.makeBody(), { headers: this.headerInit() });
    return this.#inner;
  }

  override text(): Promise<string> {
    return this.inner().text();
  }

  override json(): Promise<unknown> {
    return this.inner().json();
  }

  override arrayBuffer(): Promise<ArrayBuffer> {
    return this.inner().arrayBuffer();
  }

  override blob(): Promise<Blob> {
    return this.inner().blob();
  }

  override formData(): Promise<FormData> {
    return this.inner().formData();
  }
}

/** A JSON answer: its text is kept for the custom server, which writes it as is. */
export class JsonResponse extends DeferredBodyResponse {
  constructor(
    readonly payload: string,
    init: DeferredInit,
  ) {
    super(init);
  }

  protected makeBody(): BodyInit {
    return this.payload;
  }

  override clone(): JsonResponse {
    if (this.bodyUsed) throw new TypeError("Response.clone: Body has already been consumed.");
    return new JsonResponse(this.payload, { status: this.status, statusText: this.statusText, headers: this.headerInit() });
  }
}

/**
 * A server-sent event stream given as an async iterable of its text chunks. The custom server
 * iterates it straight to the socket; a web body stream over the same iterable is built only when
 * `body` is read. When the client leaves, the consumer calls `cancel` at once (a pending read may
 * take a while to settle, and shutdown must not wait for it to have the request recorded), then
 * ends the iteration.
 */
export class EventStreamResponse extends DeferredBodyResponse {
  constructor(
    readonly chunks: AsyncIterable<string>,
    init: DeferredInit,
    readonly cancel: () => void = () => {},
  ) {
    super(init);
  }

  /** The same response over other chunks (an observer of the stream), its headers not copied into a Headers. */
  withChunks(chunks: AsyncIterable<string>, cancel: () => void): EventStreamResponse {
    return new EventStreamResponse(chunks, { status: this.status, statusText: this.statusText, headers: this.headerInit() }, cancel);
  }

  protected makeBody(): BodyInit {
    const iterator = this.chunks[Symbol.asyncIterator]();
    const cancel = this.cancel;
    const encoder = new TextEncoder();
    return new ReadableStream<Uint8Array>({
      async pull(controller) {
        const next = await iterator.next();
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(next.value));
      },
      async cancel() {
        cancel();
        await iterator.return?.();
      },
    });
  }

  override clone(): Response {
    throw new TypeError("An event stream cannot be cloned");
  }
}

/**
 * `response` with `headers` added. The router's own responses take them in place (a copy would
 * build a deferred body); a response with immutable headers (a fetched one) is copied.
 */
export function withHeaders(response: Response, headers: Record<string, string>): Response {
  if (response instanceof DeferredBodyResponse) {
    for (const name in headers) response.setHeader(name, headers[name]);
    return response;
  }
  const merged = new Headers(response.headers);
  for (const [name, value] of Object.entries(headers)) merged.set(name, value);
  return new Response(response.body, { status: response.status, statusText: response.statusText, headers: merged });
}

/** response.headers.get(name); the router's own responses answer without building their Headers. */
export function headerOf(response: Response, name: string): string | null {
  return response instanceof DeferredBodyResponse ? response.header(name) : response.headers.get(name);
}

/** Response.json, keeping the serialized body for the custom server. */
export function jsonResponse(value: unknown, init: { status?: number; headers?: Record<string, string> } = {}): Response {
  const text = JSON.stringify(value);
  const given = init.headers ?? {};
  // As Response.json: application/json unless the caller set a content type (one Headers, built by Response).
  const typed = Object.keys(given).some((name) => name.toLowerCase() === "content-type");
  return new JsonResponse(text, { status: init.status, headers: typed ? given : { "content-type": "application/json", ...given } });
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
