import { checkHealth, healthHttpStatus } from "@/server/health";
import { getRuntime } from "@/server/runtime";

export const dynamic = "force-dynamic";

export async function GET() {
  const report = await checkHealth(await getRuntime());
  return Response.json(report, { status: healthHttpStatus(report), headers: { "cache-control": "no-store" } });
}
