import { errorResponse } from "./responses";
import { requestIdFor } from "./request-input";

const MAX_SHOWN = 200;

/** Any path no route serves: an OpenAI-shaped 404, so SDK clients get an error they can read. */
export async function handleUnknownPath(request: Request): Promise<Response> {
  const path = new URL(request.url).pathname;
  const shown = path.length > MAX_SHOWN ? `${path.slice(0, MAX_SHOWN)}…` : path;
  return errorResponse(404, `Unknown path ${shown}: the API is under /v1 (chat/completions, embeddings, models, feedback)`, { code: "unknown_path", requestId: requestIdFor(request) });
}
