import { handleFeedback } from "@/server/gateway/feedback";
import { withObservability } from "@/server/observability/http";
import { getRuntime } from "@/server/runtime";

export const dynamic = "force-dynamic";

export const POST = withObservability("/v1/feedback", async (request) => handleFeedback(request, await getRuntime()));
