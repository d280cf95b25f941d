/**
 * `invocation-metrics/telemetry`: the OpenTelemetry SDK helper. `createTelemetry()` builds a
 * `MeterProvider` that serves Prometheus and/or pushes OTLP (and, with `logs`, a `LoggerProvider` that
 * pushes every record as an OTLP log event), and `createTracing()` a `TracerProvider` that pushes spans
 * over OTLP, for users who have no provider of their own.
 * Its SDK packages are optional peer dependencies of the library (install them to use this subpath; a
 * missing one is named, with its `npm i` line, by a {@link MissingPeerDependencyError}). The core
 * (`invocation-metrics`) needs none of them.
 *
 * @example
 * ```ts
 * import { InvocationMetricsCollector } from 'invocation-metrics';
 * import { createTelemetry } from 'invocation-metrics/telemetry';
 *
 * const telemetry = await createTelemetry({ prometheus: { port: 9464 } });
 * const collector = new InvocationMetricsCollector('./metrics', console, { telemetry });
 * ```
 *
 * @module
 */
export { createTelemetry } from './telemetry.js';
export type { Telemetry, TelemetryOptions, PrometheusOptions, OtlpOptions, LogsOptions } from './telemetry.js';
export { createTracing } from './tracing.js';
export type { Tracing, TracingOptions } from './tracing.js';
export { MissingPeerDependencyError } from './peers.js';
