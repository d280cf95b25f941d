/**
 * Assembles the SDK side of `createTracing()`. Loaded lazily by `tracing.ts`, after it checked that the
 * trace SDK packages are installed.
 *
 * @module
 */
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { BatchSpanProcessor, TracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { SCOPE_NAME } from '../otel/names.js';
import { DIRECT_SPANS, type DirectSpanQueue } from '../traces/direct.js';
import { resourceOf } from './resource.js';
import type { ResolvedTracingOptions, Tracing } from './tracing.js';

/** The OTLP request timeout: also bounds how long `shutdown()` waits for the last export. */
const OTLP_TIMEOUT_MS = 10_000;

/** The OTLP exporter's own default of concurrent exports. */
const EXPORTER_CONCURRENCY = 30;

/**
 * Concurrent exports the exporter allows: its default, or more when the queue holds more batches. The
 * SDK's processor exports every queued batch at once at `forceFlush()`/`shutdown()`, and the exporter
 * fails each one past its limit ("Concurrent export limit reached": the flush rejects and those spans are
 * lost), so a queue of more than 30 batches (`OTEL_BSP_MAX_QUEUE_SIZE` far above its default) could not be
 * flushed whole. One more for the batch the timer may have in flight.
 *
 * @param o - Resolved options.
 * @returns The limit.
 */
function exportConcurrency(o: Pick<ResolvedTracingOptions, 'maxQueueSize' | 'maxExportBatchSize'>): number {
  return Math.max(EXPORTER_CONCURRENCY, Math.ceil(o.maxQueueSize / o.maxExportBatchSize) + 1);
}

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
      concurrencyLimit: exportConcurrency(o),
    });
  const batchProcessor = (): BatchSpanProcessor =>
    new BatchSpanProcessor({
      exporter: exporterOf(),
      maxQueueSize: o.maxQueueSize,
      maxExportBatchSize: o.maxExportBatchSize,
      scheduledDelayMillis: o.scheduledDelayMs,
    });
  const resource = resourceOf(o.serviceName);
  const tracerProvider = new TracerProvider({ resource, spanProcessors: [batchProcessor()] });
  const tracer = tracerProvider.getTracer(SCOPE_NAME);
  // The collector's finished-record spans skip the SDK's span object (see traces/direct.ts) but not its
  // batching: a batch processor of their own (bound, batches, delay, drops counted), with its own exporter.
  const direct = o.direct ? batchProcessor() : undefined;
  if (direct !== undefined) {
    const queue: DirectSpanQueue = { resource, push: (span) => direct.onEnd(span as unknown as ReadableSpan) };
    for (const target of [tracerProvider, tracer]) Object.defineProperty(target, DIRECT_SPANS, { value: queue });
  }
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
