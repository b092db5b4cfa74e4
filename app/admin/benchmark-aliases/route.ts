import { handleBenchmarkAliases } from "@/server/gateway/admin-benchmarks";
import { withObservability } from "@/server/observability/http";
import { getRuntime } from "@/server/runtime";

export const dynamic = "force-dynamic";

const aliases = withObservability("/admin/benchmark-aliases", async (request) => handleBenchmarkAliases(request, await getRuntime()));

export { aliases as GET, aliases as PUT, aliases as DELETE };
