import type { ChatRequest } from "../backends/types";
import type { Runtime } from "../runtime";
import { adminEndpoint } from "./admin-endpoint";
import { readJsonBody } from "./request-input";
import { explainDecision, routeChat } from "./route-request";
import { parseChatRequest } from "./wire/chat-request";
import { WireError } from "./wire/errors";
import { stripSignaturesFromHistory } from "./wire/signature";

const MAX_PROMPT_CHARS = 100_000;

/**
 * GET /admin/explain?prompt=… and POST /admin/explain (a chat request): what routing would do and
 * why, with no side effects (no cache reads or writes, no decision row, nothing sent to a model).
 */
export const handleExplain = adminEndpoint("/admin/explain", async (request, runtime) => {
  const chat = request.method === "GET" ? chatFromQuery(new URL(request.url)) : await chatFromBody(request, runtime);
  await runtime.registry.ensureFresh(runtime.config.ROUTER_POLLING_INTERVAL * 1000);
  const { decision } = await routeChat(runtime, { ...chat, messages: stripSignaturesFromHistory(chat.messages, runtime.config.ROUTER_SIGNATURE_FORMAT) }, { writeCache: false });
  return Response.json(explainDecision(decision));
});

function chatFromQuery(url: URL): Omit<ChatRequest, "model"> {
  const prompt = url.searchParams.get("prompt");
  if (!prompt?.trim()) throw new WireError(400, "Missing required parameter: 'prompt'.", "prompt");
  if (prompt.length > MAX_PROMPT_CHARS) throw new WireError(400, `'prompt' is longer than ${MAX_PROMPT_CHARS} characters`, "prompt");
  return { messages: [{ role: "user", content: prompt }], stream: false, includeUsage: false };
}

async function chatFromBody(request: Request, runtime: Runtime): Promise<Omit<ChatRequest, "model">> {
  const parsed = parseChatRequest(await readJsonBody(request, runtime.config.ROUTER_MAX_BODY_BYTES), { maxMessages: runtime.config.ROUTER_MAX_MESSAGES, maxContentChars: 4_000_000 });
  return parsed.request;
}
