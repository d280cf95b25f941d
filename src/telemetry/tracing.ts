/**
 * `createTracing()`: a ready-made OpenTelemetry `TracerProvider` for users who have none, exporting spans
 * over OTLP http/protobuf through a batch processor. Separate from `createTelemetry()` (metrics): each
 * needs its own SDK packages, and a user who wants only one signal installs only its packages. It never
 * registers a global provider. The SDK is loaded only when this is called.
 *
 * @module
 */
import type { Tracer, TracerProvider } from '@opentelemetry/api';
import { InvalidOptionError } from '../errors.js';
import { checkOtlpHeaders, checkOtlpUrl, isObject, resolveServiceName } from './option-checks.js';
import { requirePeers, TRACES_PEERS } from './peers.js';

/** Options of {@link createTracing}. */
export interface TracingOptions {
  /**
   * Full `http://` or `https://` URL of the traces receiver, e.g. `http://collector:4318/v1/traces`. When
   * absent, the standard variables apply: `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT` (used as is), else
   * `OTEL_EXPORTER_OTLP_ENDPOINT` (+ `/v1/traces`), else `http://localhost:4318/v1/traces`.
   * @default undefined
   */
  url?: string;
  /**
   * Extra request headers (e.g. `Authorization`); merged over `OTEL_EXPORTER_OTLP_HEADERS` and
   * `OTEL_EXPORTER_OTLP_TRACES_HEADERS`, which apply either way.
   * @default undefined
   */
  headers?: Record<string, string>;
  /**
   * The `service.name` resource attribute (with a random `service.instance.id` and the attributes of
   * `OTEL_RESOURCE_ATTRIBUTES`, as in `createTelemetry()`).
   * @default process.env.OTEL_SERVICE_NAME ?? 'invocation-metrics'
   */
  serviceName?: string;
  /**
   * Milliseconds between two exports of a batch. `OTEL_BSP_SCHEDULE_DELAY` applies when absent, and
   * `OTEL_BSP_MAX_QUEUE_SIZE` (default 2048) and `OTEL_BSP_MAX_EXPORT_BATCH_SIZE` (default 512) always:
   * read here, since the trace SDK 3.x no longer reads them itself; a variable that is not a positive
   * integer is ignored. Past the queue size spans are dropped (and counted through the OTel diag logger),
   * never blocking `record()`.
   * @default 5000
   */
  scheduledDelayMs?: number;
  /**
   * Whether the collector's spans of finished records (from `record()`; not `begin()`'s live spans, nor
   * your own) skip the SDK's span object: built as data by the collector and handed to a batch span
   * processor of their own (the SDK's, same limits, its own exporter), the same OTLP bytes at a fraction
   * of the cost (see BENCHMARKS.md). They then bypass the provider's span processors, which are this
   * bundle's own batch processor alone: nothing of yours runs on them either way. Sampling is the provider's (parent-based, always on at the root).
   * @default true
   */
  direct?: boolean;
}

/** A tracer provider with its OTLP exporter, from {@link createTracing}. Pass it as the collector's `tracer`. */
export interface Tracing {
  /** The SDK provider (not registered globally): the collector's `tracer` option, and yours if you like. */
  readonly tracerProvider: TracerProvider;
  /** A tracer of `tracerProvider`, scope `invocation-metrics`. */
  readonly tracer: Tracer;
  /** Exports every ended span now. */
  forceFlush(): Promise<void>;
  /** Exports the ended spans, then stops the exporter. Idempotent: later calls return the same promise. */
  shutdown(): Promise<void>;
}

/** Options after defaults and validation. */
export interface ResolvedTracingOptions {
  /** The receiver URL, or `undefined` for the exporter's own environment lookup. */
  url: string | undefined;
  /** Extra headers, or `undefined`. */
  headers: Record<string, string> | undefined;
  /** `service.name`. */
  serviceName: string;
  /** The batch delay, ms. */
  scheduledDelayMs: number;
  /** The batch queue's bound. */
  maxQueueSize: number;
  /** Spans per export. */
  maxExportBatchSize: number;
  /** Whether finished-record spans take the direct path. */
  direct: boolean;
}

/** A positive integer from the environment, else `fallback` (an unusable value is ignored, as OTel's env rules ask). */
function envInteger(name: string, fallback: number): number {
  const raw = process.env[name];
  const n = raw === undefined || raw.trim() === '' ? Number.NaN : Number(raw);
  return Number.isSafeInteger(n) && n > 0 ? n : fallback;
}

/**
 * Validates options and applies defaults. Pure apart from reading `OTEL_SERVICE_NAME`.
 *
 * @param options - What the caller gave.
 * @returns The resolved options.
 * @throws {@link InvalidOptionError} for a bad option.
 */
export function resolveTracingOptions(options: TracingOptions = {}): ResolvedTracingOptions {
  if (!isObject(options)) throw new InvalidOptionError('options', 'an object', options);
  const { url, headers, scheduledDelayMs, direct } = options;
  const serviceName = resolveServiceName(options.serviceName);
  checkOtlpUrl('url', url);
  checkOtlpHeaders('headers', headers);
  if (scheduledDelayMs !== undefined && (typeof scheduledDelayMs !== 'number' || !Number.isFinite(scheduledDelayMs) || scheduledDelayMs <= 0))
    throw new InvalidOptionError('scheduledDelayMs', 'a finite number > 0', scheduledDelayMs);
  if (direct !== undefined && typeof direct !== 'boolean') throw new InvalidOptionError('direct', 'a boolean', direct);
  const maxQueueSize = envInteger('OTEL_BSP_MAX_QUEUE_SIZE', 2048);
  return {
    url,
    headers,
    serviceName,
    scheduledDelayMs: scheduledDelayMs ?? envInteger('OTEL_BSP_SCHEDULE_DELAY', 5000),
    maxQueueSize,
    // The processor's own rule: a batch never larger than the queue.
    maxExportBatchSize: Math.min(envInteger('OTEL_BSP_MAX_EXPORT_BATCH_SIZE', 512), maxQueueSize),
    direct: direct ?? true,
  };
}

/**
 * Builds a `TracerProvider` (trace SDK) with a `BatchSpanProcessor` and the OTLP http/protobuf trace
 * exporter, for the collector's `tracer` option.
 *
 * @param options - See {@link TracingOptions}.
 * @returns The tracing bundle.
 * @throws {@link InvalidOptionError} for a bad option; {@link MissingPeerDependencyError}
 * (`ERR_MISSING_PEER_DEPENDENCY`) naming the `npm i` line when `@opentelemetry/sdk-trace`,
 * `@opentelemetry/resources` or `@opentelemetry/exporter-trace-otlp-proto` is not installed.
 * @example
 * ```ts
 * const tracing = await createTracing(); // OTEL_EXPORTER_OTLP_ENDPOINT, else http://localhost:4318
 * const collector = new InvocationMetricsCollector('metrics', console, { tracer: tracing.tracerProvider });
 * // ...
 * await collector.close();
 * await tracing.shutdown(); // exports the last spans
 * ```
 */
export async function createTracing(options?: TracingOptions): Promise<Tracing> {
  const resolved = resolveTracingOptions(options);
  requirePeers('createTracing()', TRACES_PEERS);
  const { buildTracing } = await import('./tracing-provider.js');
  return buildTracing(resolved);
}
