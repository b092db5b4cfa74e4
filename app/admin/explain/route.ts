import { handleExplain } from "@/server/gateway/explain";
import { getRuntime } from "@/server/runtime";

export const dynamic = "force-dynamic";

export async function GET(request: Request) {
  return handleExplain(request, await getRuntime());
}

export async function POST(request: Request) {
  return handleExplain(request, await getRuntime());
}
