import { handleEmbeddings } from "@/server/gateway/embeddings";
import { withObservability } from "@/server/observability/http";
import { getRuntime } from "@/server/runtime";

export const dynamic = "force-dynamic";

export const POST = withObservability("/v1/embeddings", async (request) => handleEmbeddings(request, await getRuntime()));
