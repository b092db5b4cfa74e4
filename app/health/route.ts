import { checkHealth, healthHttpStatus } from "@/server/health";
import { withObservability } from "@/server/observability/http";
import { getRuntime } from "@/server/runtime";

export const dynamic = "force-dynamic";

export const GET = withObservability(
  "/health",
  async () => {
    const report = await checkHealth(await getRuntime());
    return Response.json(report, { status: healthHttpStatus(report), headers: { "cache-control": "no-store" } });
  },
  { quiet: true },
);
