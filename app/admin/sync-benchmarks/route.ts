import { handleSyncBenchmarks } from "@/server/gateway/admin-benchmarks";
import { withObservability } from "@/server/observability/http";
import { getRuntime } from "@/server/runtime";

export const dynamic = "force-dynamic";

export const POST = withObservability("/admin/sync-benchmarks", async (request) => handleSyncBenchmarks(request, await getRuntime()));
