import { getConfig } from "@/server/config/env";
import { withObservability } from "@/server/observability/http";
import { serveMetrics } from "@/server/observability/metrics-endpoint";

export const dynamic = "force-dynamic";

export const GET = withObservability("/metrics", (request) => serveMetrics(request, getConfig().ROUTER_METRICS_TOKEN), { quiet: true });
