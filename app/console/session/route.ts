import { handleConsoleLogin } from "@/server/auth/console-login";
import { withObservability } from "@/server/observability/http";
import { getRuntime } from "@/server/runtime";

export const dynamic = "force-dynamic";

export const POST = withObservability("/console/session", async (request) => handleConsoleLogin(request, await getRuntime()));
