import { withObservability } from "@/server/observability/http";
import { handleReprofile } from "@/server/profiling/admin-api";
import { getRuntime } from "@/server/runtime";

export const dynamic = "force-dynamic";

export const POST = withObservability("/admin/reprofile", async (request) => handleReprofile(request, await getRuntime()));
