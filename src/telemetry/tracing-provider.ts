/**
 * Assembles the SDK side of `createTracing()`. Loaded lazily by `tracing.ts`, after it checked that the
 * trace SDK packages are installed.
 *
 * @module
 */
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { SCOPE_NAME } from '../otel/names.js';
import { DIRECT_SPANS } from '../traces/direct.js';
import { DirectExportQueue } from './direct-queue.js';
import { resourceOf } from './resource.js';
import type { ResolvedTracingOptions, Tracing } from './tracing.js';

/** The OTLP request timeout: also bounds how long `shutdown()` waits for the last export. */
const OTLP_TIMEOUT_MS = 10_000;

/**
 * @param o - Resolved options.
 * @returns The tracing bundle.
 */
export function buildTracing(o: ResolvedTracingOptions): Tracing {
  const exporterOf = (): OTLPTraceExporter =>
    new OTLPTraceExporter({
      ...(o.url === undefined ? {} : { url: o.url }),
      ...(o.headers === undefined ? {} : { headers: o.headers }),
      timeoutMillis: OTLP_TIMEOUT_MS,
    });
  const batch = { maxQueueSize: o.maxQueueSize, maxExportBatchSize: o.maxExportBatchSize, scheduledDelayMs: o.scheduledDelayMs };
  const processor = new BatchSpanProcessor({ exporter: exporterOf(), maxQueueSize: batch.maxQueueSize, maxExportBatchSize: batch.maxExportBatchSize, scheduledDelayMillis: batch.scheduledDelayMs });
  const resource = resourceOf(o.serviceName);
  const tracerProvider = new TracerProvider({ resource, spanProcessors: [processor] });
  const tracer = tracerProvider.getTracer(SCOPE_NAME);
  // The collector's finished-record spans skip the SDK's span object: see traces/direct.ts. Its own
  // exporter instance, so that exports on each stay one at a time.
  const direct = o.direct ? new DirectExportQueue(exporterOf(), resource, batch) : undefined;
  if (direct !== undefined) for (const target of [tracerProvider, tracer]) Object.defineProperty(target, DIRECT_SPANS, { value: direct });
  let stopped: Promise<void> | undefined;
  return {
    tracerProvider,
    tracer,
    forceFlush: async () => {
      await Promise.all([tracerProvider.forceFlush(), direct?.forceFlush()]);
    },
    shutdown() {
      stopped ??= Promise.all([tracerProvider.shutdown(), direct?.shutdown()]).then(() => undefined);
      return stopped;
    },
  };
}
