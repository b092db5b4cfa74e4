import { handleVram } from "@/server/gateway/admin-vram";
import { withObservability } from "@/server/observability/http";
import { getRuntime } from "@/server/runtime";

export const dynamic = "force-dynamic";

export const GET = withObservability("/admin/vram", async (request) => handleVram(request, await getRuntime()));
