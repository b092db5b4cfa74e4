import { serveHealth } from "@/server/health";
import { withObservability } from "@/server/observability/http";
import { getRuntime } from "@/server/runtime";

export const dynamic = "force-dynamic";

export const GET = withObservability("/health", async () => serveHealth(await getRuntime()), { quiet: true });
