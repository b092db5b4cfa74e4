import { DEFAULT_HISTORY_MINUTES, vramReport } from "../vram/report";
import { adminEndpoint } from "./admin-endpoint";
import { errorResponse } from "./responses";

const MAX_HISTORY_MINUTES = 24 * 60;

/** GET /admin/vram?history_minutes=10: GPUs, loaded models, budget, history and warnings. */
export const handleVram = adminEndpoint("/admin/vram", async (request, runtime, requestId) => {
    const raw = new URL(request.url).searchParams.get("history_minutes");
    const minutes = raw === null ? DEFAULT_HISTORY_MINUTES : Number(raw);
    if (!Number.isFinite(minutes) || minutes <= 0 || minutes > MAX_HISTORY_MINUTES) {
      return errorResponse(400, `'history_minutes' must be a number of minutes above 0 and at most ${MAX_HISTORY_MINUTES}`, { requestId, param: "history_minutes" });
    }
    return Response.json(vramReport(runtime, minutes));
});
