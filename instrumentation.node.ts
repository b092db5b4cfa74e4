import { OTLPTraceExporter } from "@opentelemetry/exporter-trace-otlp-http";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { NodeSDK, tracing } from "@opentelemetry/sdk-node";
import { ATTR_SERVICE_NAME, ATTR_SERVICE_VERSION } from "@opentelemetry/semantic-conventions";
import { getConfig, isBuildPhase } from "./server/config/env";
import { setTracingHandle, tracingHandle, type TracingHandle } from "./server/observability/tracing";
import { VERSION } from "./server/version";

// The only place the OpenTelemetry SDK is loaded. With it registered, Next emits its own HTTP
// server spans and server/observability/tracing.ts adds the route and gen_ai spans under them.

export type TracingOptions = {
  /** OTLP/HTTP collector root, e.g. http://127.0.0.1:4318 (/v1/traces is appended). */
  endpoint: string;
  serviceName: string;
  serviceVersion: string;
  exportDelayMs?: number;
};

export type { TracingHandle };

export function startTracing(options: TracingOptions): TracingHandle {
  const exporter = new OTLPTraceExporter({ url: `${options.endpoint.replace(/\/+$/, "")}/v1/traces` });
  const processor = new tracing.BatchSpanProcessor(exporter, { scheduledDelayMillis: options.exportDelayMs ?? 1000 });
  const sdk = new NodeSDK({
    resource: resourceFromAttributes({ [ATTR_SERVICE_NAME]: options.serviceName, [ATTR_SERVICE_VERSION]: options.serviceVersion }),
    spanProcessors: [processor],
    // No auto-instrumentation; metrics are prom-client's (/metrics) and logs go to stderr, so the
    // SDK must not start its default OTLP metric and log exporters.
    instrumentations: [],
    metricReaders: [],
    logRecordProcessors: [],
  });
  sdk.start();
  return { flush: () => processor.forceFlush(), shutdown: () => sdk.shutdown() };
}

/**
 * Starts tracing once per process, only when OTEL_EXPORTER_OTLP_ENDPOINT is configured. The
 * server (server/http/serve.ts) calls shutdownTracing() after draining, so spans of requests
 * that finish during the drain are exported too.
 */
export function startTracingFromConfig(): void {
  if (isBuildPhase() || tracingHandle()) return;
  const config = getConfig();
  if (!config.OTEL_EXPORTER_OTLP_ENDPOINT) return;
  setTracingHandle(startTracing({ endpoint: config.OTEL_EXPORTER_OTLP_ENDPOINT, serviceName: config.OTEL_SERVICE_NAME, serviceVersion: VERSION }));
}
