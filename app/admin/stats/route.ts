import { handleStats } from "@/server/gateway/admin-stats";
import { withObservability } from "@/server/observability/http";
import { getRuntime } from "@/server/runtime";

export const dynamic = "force-dynamic";

export const GET = withObservability("/admin/stats", async (request) => handleStats(request, await getRuntime()));
