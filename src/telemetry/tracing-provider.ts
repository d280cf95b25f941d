/**
 * Assembles the SDK side of `createTracing()`. Loaded lazily by `tracing.ts`, after it checked that the
 * trace SDK packages are installed.
 *
 * @module
 */
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { SCOPE_NAME } from '../otel/names.js';
import { resourceOf } from './resource.js';
import type { ResolvedTracingOptions, Tracing } from './tracing.js';

/** The OTLP request timeout: also bounds how long `shutdown()` waits for the last export. */
const OTLP_TIMEOUT_MS = 10_000;

/**
 * @param o - Resolved options.
 * @returns The tracing bundle.
 */
export function buildTracing(o: ResolvedTracingOptions): Tracing {
  const exporter = new OTLPTraceExporter({
    ...(o.url === undefined ? {} : { url: o.url }),
    ...(o.headers === undefined ? {} : { headers: o.headers }),
    timeoutMillis: OTLP_TIMEOUT_MS,
  });
  const processor = new BatchSpanProcessor({ exporter, ...(o.scheduledDelayMs === undefined ? {} : { scheduledDelayMillis: o.scheduledDelayMs }) });
  const tracerProvider = new TracerProvider({ resource: resourceOf(o.serviceName), spanProcessors: [processor] });
  let stopped: Promise<void> | undefined;
  return {
    tracerProvider,
    tracer: tracerProvider.getTracer(SCOPE_NAME),
    forceFlush: () => tracerProvider.forceFlush(),
    shutdown() {
      stopped ??= tracerProvider.shutdown();
      return stopped;
    },
  };
}
