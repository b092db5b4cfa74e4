import { checkAdminKey } from "../auth/admin-key";
import type { Runtime } from "../runtime";
import { DEFAULT_HISTORY_MINUTES, vramReport } from "../vram/report";
import { withRateLimit } from "./rate-limit";
import { errorResponse, gatewayHeaders } from "./responses";
import { requestIdFor } from "./request-input";

const MAX_HISTORY_MINUTES = 24 * 60;

/** GET /admin/vram?history_minutes=10: GPUs, loaded models, budget, history and warnings. */
export function handleVram(request: Request, runtime: Runtime): Promise<Response> {
  return withRateLimit(request, runtime, { scope: "admin", endpoint: "/admin/vram" }, async () => {
    const requestId = requestIdFor(request);
    const auth = checkAdminKey(request, runtime.adminKey.key);
    if (!auth.ok) return errorResponse(auth.status, auth.message, { requestId, headers: { "www-authenticate": "Bearer" } });
    const raw = new URL(request.url).searchParams.get("history_minutes");
    const minutes = raw === null ? DEFAULT_HISTORY_MINUTES : Number(raw);
    if (!Number.isFinite(minutes) || minutes <= 0 || minutes > MAX_HISTORY_MINUTES) {
      return errorResponse(400, `'history_minutes' must be a number of minutes above 0 and at most ${MAX_HISTORY_MINUTES}`, { requestId, param: "history_minutes" });
    }
    return Response.json(vramReport(runtime, minutes), { headers: gatewayHeaders({ requestId }) });
  });
}
