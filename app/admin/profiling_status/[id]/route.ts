import { withObservability } from "@/server/observability/http";
import { handleProfilingStatus } from "@/server/profiling/admin-api";
import { getRuntime } from "@/server/runtime";

export const dynamic = "force-dynamic";

export async function GET(request: Request, { params }: { params: Promise<{ id: string }> }): Promise<Response> {
  const { id } = await params;
  return withObservability("/admin/profiling_status/{id}", async (req) => handleProfilingStatus(req, await getRuntime(), id))(request);
}
