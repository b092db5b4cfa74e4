import { bearerToken, secretMatches } from "../auth/bearer";
import { metricsFormatFor, renderMetrics } from "./metrics";

/** GET /metrics: open unless ROUTER_METRICS_TOKEN is set; OpenMetrics (with exemplars) when asked for. */
export async function serveMetrics(request: Request, token: string | undefined): Promise<Response> {
  if (token) {
    const given = bearerToken(request);
    if (given === undefined || !secretMatches(given, token)) {
      return new Response("Unauthorized: send Authorization: Bearer <ROUTER_METRICS_TOKEN>\n", {
        status: 401,
        headers: { "content-type": "text/plain; charset=utf-8", "www-authenticate": 'Bearer realm="metrics"' },
      });
    }
  }
  const { body, contentType } = await renderMetrics(metricsFormatFor(request.headers.get("accept")));
  return new Response(body, { headers: { "content-type": contentType, "cache-control": "no-store" } });
}
