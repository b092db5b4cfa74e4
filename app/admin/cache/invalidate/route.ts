import { handleCacheInvalidate } from "@/server/gateway/admin-cache";
import { withObservability } from "@/server/observability/http";
import { getRuntime } from "@/server/runtime";

export const dynamic = "force-dynamic";

export const POST = withObservability("/admin/cache/invalidate", async (request) => handleCacheInvalidate(request, await getRuntime()));
