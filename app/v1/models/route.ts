import { listModels } from "@/server/gateway/models";
import { getRuntime } from "@/server/runtime";

export const dynamic = "force-dynamic";

export async function GET() {
  return listModels(await getRuntime());
}
