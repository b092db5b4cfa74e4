// The OpenAI error body every /v1/* failure uses (DESIGN §4). OpenAI SDKs branch on the HTTP
// status, so `type` is informative; it follows OpenAI's own names where OpenAI has one.

export type OpenAIErrorBody = {
  error: { message: string; type: string; param: string | null; code: string | null };
};

export type OpenAIErrorOptions = { param?: string | null; code?: string | null; type?: string };

export type OpenAIErrorResponse = { status: number; body: OpenAIErrorBody };

const TYPE_BY_STATUS: Record<number, string> = {
  400: "invalid_request_error",
  401: "authentication_error",
  403: "permission_error",
  404: "not_found_error",
  409: "invalid_request_error",
  413: "invalid_request_error",
  415: "invalid_request_error",
  422: "invalid_request_error",
  429: "rate_limit_error",
  500: "server_error",
  502: "service_unavailable",
  503: "service_unavailable",
  504: "timeout",
};

export function errorTypeFor(status: number): string {
  return TYPE_BY_STATUS[status] ?? (status >= 500 ? "server_error" : "invalid_request_error");
}

export function openAIError(status: number, message: string, options: OpenAIErrorOptions = {}): OpenAIErrorResponse {
  return {
    status,
    body: {
      error: {
        message,
        type: options.type ?? errorTypeFor(status),
        param: options.param ?? null,
        code: options.code ?? null,
      },
    },
  };
}

/** Thrown by the wire parsers (and the gateway edge); rendered with `toResponse()`. */
export class WireError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly param?: string,
    readonly code?: string,
  ) {
    super(message);
    this.name = "WireError";
  }

  toResponse(): OpenAIErrorResponse {
    return openAIError(this.status, this.message, { param: this.param, code: this.code });
  }
}
