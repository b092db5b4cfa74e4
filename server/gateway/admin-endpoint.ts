import { checkAdminKey } from "../auth/admin-key";
import type { Runtime } from "../runtime";
import { withRateLimit } from "./rate-limit";
import { requestIdFor } from "./request-input";
import { errorResponse, gatewayHeaders, unexpectedErrorResponse } from "./responses";
import { WireError } from "./wire/errors";

export type AdminHandler = (request: Request, runtime: Runtime, requestId: string) => Promise<Response>;
/** Turns a domain's own input error into a 4xx response; undefined for anything else. */
export type AdminErrorMapper = (error: unknown, requestId: string) => Response | undefined;

/**
 * Every /admin/* endpoint: the admin rate-limit bucket, then the admin key (constant-time, 401 with
 * WWW-Authenticate), then the handler. WireErrors and mapped domain errors become 4xx, anything
 * else a logged 500; the response always carries the request id.
 */
export function adminEndpoint(endpoint: string, handler: AdminHandler, mapError?: AdminErrorMapper) {
  return (request: Request, runtime: Runtime): Promise<Response> =>
    withRateLimit(request, runtime, { scope: "admin", endpoint }, async () => {
      const requestId = requestIdFor(request);
      const auth = checkAdminKey(request, runtime.adminKey.key);
      if (!auth.ok) return errorResponse(auth.status, auth.message, { requestId, headers: { "www-authenticate": "Bearer" } });
      try {
        const response = await handler(request, runtime, requestId);
        for (const [name, value] of Object.entries(gatewayHeaders({ requestId }))) response.headers.set(name, value);
        return response;
      } catch (error) {
        return mapError?.(error, requestId) ?? unexpectedErrorResponse(error, { requestId, logger: runtime.logger, what: `${endpoint} request` });
      }
    });
}

/** An integer query parameter clamped to [min, max]; 400 when it is not an integer. */
export function intParam(url: URL, name: string, fallback: number, min: number, max: number): number {
  const raw = url.searchParams.get(name);
  if (raw === null || raw === "") return fallback;
  if (!/^-?\d+$/.test(raw.trim())) throw new WireError(400, `'${name}' must be an integer`, name);
  return Math.min(max, Math.max(min, Number(raw)));
}

/** A true/false query parameter (also 1/0); `fallback` when absent, 400 for anything else. */
export function boolParam(url: URL, name: string, fallback = false): boolean {
  const raw = url.searchParams.get(name);
  if (raw === null) return fallback;
  if (!/^(true|false|1|0)$/i.test(raw.trim())) throw new WireError(400, `'${name}' must be true or false`, name);
  return /^(true|1)$/i.test(raw.trim());
}
