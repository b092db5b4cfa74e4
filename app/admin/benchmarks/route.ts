import { handleListBenchmarks } from "@/server/gateway/admin-benchmarks";
import { withObservability } from "@/server/observability/http";
import { getRuntime } from "@/server/runtime";

export const dynamic = "force-dynamic";

export const GET = withObservability("/admin/benchmarks", async (request) => handleListBenchmarks(request, await getRuntime()));
