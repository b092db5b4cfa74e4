import { handleFeedback } from "@/server/gateway/feedback";
import { getRuntime } from "@/server/runtime";

export const dynamic = "force-dynamic";

export async function POST(request: Request) {
  return handleFeedback(request, await getRuntime());
}
