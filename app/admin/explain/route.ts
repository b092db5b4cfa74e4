import { handleExplain } from "@/server/gateway/explain";
import { withObservability } from "@/server/observability/http";
import { getRuntime } from "@/server/runtime";

export const dynamic = "force-dynamic";

const explain = withObservability("/admin/explain", async (request) => handleExplain(request, await getRuntime()));

export { explain as GET, explain as POST };
