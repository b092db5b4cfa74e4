import { withObservability } from "@/server/observability/http";
import { handleProfiles } from "@/server/profiling/admin-api";
import { getRuntime } from "@/server/runtime";

export const dynamic = "force-dynamic";

export const GET = withObservability("/admin/profiles", async (request) => handleProfiles(request, await getRuntime()));
