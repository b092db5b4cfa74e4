import { handleCreateApiKey, handleListApiKeys } from "@/server/gateway/admin-api-keys";
import { withObservability } from "@/server/observability/http";
import { getRuntime } from "@/server/runtime";

export const dynamic = "force-dynamic";

export const GET = withObservability("/admin/api-keys", async (request) => handleListApiKeys(request, await getRuntime()));
export const POST = withObservability("/admin/api-keys", async (request) => handleCreateApiKey(request, await getRuntime()));
