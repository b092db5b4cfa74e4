import { handleChatCompletions } from "@/server/gateway/chat";
import { withObservability } from "@/server/observability/http";
import { getRuntime } from "@/server/runtime";

export const dynamic = "force-dynamic";

export const POST = withObservability("/v1/chat/completions", async (request) => handleChatCompletions(request, await getRuntime()));
