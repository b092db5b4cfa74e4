import { handleEmbeddings } from "@/server/gateway/embeddings";
import { getRuntime } from "@/server/runtime";

export const dynamic = "force-dynamic";

export async function POST(request: Request) {
  return handleEmbeddings(request, await getRuntime());
}
