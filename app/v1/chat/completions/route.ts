import { handleChatCompletions } from "@/server/gateway/chat";
import { getRuntime } from "@/server/runtime";

export const dynamic = "force-dynamic";

export async function POST(request: Request) {
  return handleChatCompletions(request, await getRuntime());
}
