import { handleRevokeApiKey } from "@/server/gateway/admin-api-keys";
import { withObservability } from "@/server/observability/http";
import { getRuntime } from "@/server/runtime";

export const dynamic = "force-dynamic";

export async function DELETE(request: Request, context: { params: Promise<{ id: string }> }): Promise<Response> {
  const { id } = await context.params;
  return withObservability("/admin/api-keys/{id}", async (inner) => handleRevokeApiKey(inner, await getRuntime(), id))(request);
}
