import { handleImportBenchmarks } from "@/server/gateway/admin-benchmarks";
import { withObservability } from "@/server/observability/http";
import { getRuntime } from "@/server/runtime";

export const dynamic = "force-dynamic";

export const POST = withObservability("/admin/benchmarks/import", async (request) => handleImportBenchmarks(request, await getRuntime()));
