import { handleConsoleLogout } from "@/server/auth/console-login";
import { withObservability } from "@/server/observability/http";
import { getRuntime } from "@/server/runtime";

export const dynamic = "force-dynamic";

export const POST = withObservability("/console/session/logout", async (request) => handleConsoleLogout(request, await getRuntime()));
