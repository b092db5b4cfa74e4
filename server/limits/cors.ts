// CORS for /v1/*, off unless ROUTER_CORS_ALLOWED_ORIGINS lists origins (or "*"). Browsers then may
// call the API from those origins; every other origin gets no CORS headers, so the browser blocks
// it. Credentials (cookies) are never allowed: clients authenticate with a bearer key.

const ALLOW_METHODS = "GET, POST, OPTIONS";
const ALLOW_HEADERS = "Authorization, Content-Type, X-Request-ID";
const EXPOSE_HEADERS = "X-Request-ID, X-SmarterRouter-Model, X-SmarterRouter-Category, X-SmarterRouter-Overhead-Ms, Retry-After, X-RateLimit-Limit, X-RateLimit-Remaining, X-RateLimit-Reset";

function allowedOrigin(request: Request, allowed: readonly string[]): string | undefined {
  const origin = request.headers.get("origin");
  if (!origin || allowed.length === 0) return undefined;
  if (allowed.includes("*")) return "*";
  return allowed.includes(origin) ? origin : undefined;
}

/** Headers to add to a /v1 response for this request's Origin (none when it is not allowed). */
export function corsHeaders(request: Request, allowed: readonly string[]): Record<string, string> {
  const origin = allowedOrigin(request, allowed);
  if (!origin) return {};
  return { "access-control-allow-origin": origin, "access-control-expose-headers": EXPOSE_HEADERS, ...(origin === "*" ? {} : { vary: "Origin" }) };
}

/** The answer to a CORS preflight (OPTIONS with Access-Control-Request-Method), or undefined for other requests. */
export function corsPreflight(request: Request, allowed: readonly string[]): Response | undefined {
  if (request.method !== "OPTIONS" || !request.headers.get("access-control-request-method")) return undefined;
  const origin = allowedOrigin(request, allowed);
  // A refused preflight carries no CORS headers, which is how a browser learns it is refused.
  if (!origin) return new Response(null, { status: 204, headers: { vary: "Origin" } });
  return new Response(null, {
    status: 204,
    headers: { ...corsHeaders(request, allowed), "access-control-allow-methods": ALLOW_METHODS, "access-control-allow-headers": ALLOW_HEADERS, "access-control-max-age": "600" },
  });
}
