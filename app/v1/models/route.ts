import { handleListModels } from "@/server/gateway/models";
import { withObservability } from "@/server/observability/http";
import { getRuntime } from "@/server/runtime";

export const dynamic = "force-dynamic";

export const GET = withObservability("/v1/models", async (request) => handleListModels(request, await getRuntime()));
