/**
 * Assembles the logs part of `createTelemetry({ logs })`: a logs SDK `LoggerProvider` with a batch processor
 * and the OTLP http/protobuf log exporter, on the bundle's resource. Loaded lazily by `provider.ts`, only
 * when the part is on, after `telemetry.ts` checked that its packages are installed.
 *
 * @module
 */
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import type { Resource } from '@opentelemetry/resources';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import type { ResolvedTelemetryOptions } from './telemetry.js';

/** The OTLP request timeout: also bounds how long `shutdown()` waits for the last export. */
const OTLP_TIMEOUT_MS = 10_000;

/**
 * @param o - The resolved `logs` options.
 * @param resource - The bundle's resource (the metrics' own: one `service.instance.id` for both).
 * @returns The provider (not registered globally).
 */
export function buildLogs(o: NonNullable<ResolvedTelemetryOptions['logs']>, resource: Resource): LoggerProvider {
  const exporter = new OTLPLogExporter({
    ...(o.url === undefined ? {} : { url: o.url }),
    ...(o.headers === undefined ? {} : { headers: o.headers }),
    timeoutMillis: OTLP_TIMEOUT_MS,
  });
  const processor = new BatchLogRecordProcessor({ exporter, ...(o.scheduledDelayMs === undefined ? {} : { scheduledDelayMillis: o.scheduledDelayMs }) });
  return new LoggerProvider({ resource, processors: [processor] });
}
