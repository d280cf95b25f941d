/**
 * `createTelemetry()`: a ready-made OpenTelemetry `MeterProvider` for users who have none, serving a
 * Prometheus endpoint on 127.0.0.1 and/or pushing OTLP (http/protobuf). It never registers a global
 * provider. It lives in the `invocation-metrics/telemetry` subpath: the SDK packages are optional peer
 * dependencies, loaded only when this is called, so the core needs `@opentelemetry/api` alone and costs
 * nothing more for users who bring their own `Meter` (or none).
 *
 * @module
 */
import type { Meter } from '@opentelemetry/api';
import type { MeterProvider } from '@opentelemetry/sdk-metrics';
import { InvalidOptionError } from '../errors.js';
import { checkOtlpHeaders, checkOtlpUrl, isObject, resolveServiceName } from './option-checks.js';
import { CORE_PEERS, LOGS_PEERS, OTLP_PEERS, PROMETHEUS_PEERS, requirePeers } from './peers.js';
import type { OtelLoggerProvider } from '../events/log-event-sink.js';
import type { SnapshotSink } from '../otel/snapshot.js';

/** Where and how to serve Prometheus metrics. */
export interface PrometheusOptions {
  /**
   * Port to listen on; `0` lets the OS choose a free port (read it back from `prometheusUrl`).
   * @default 9464
   */
  port?: number;
  /**
   * Interface to bind. Give `0.0.0.0` (or `::`) to be scraped from other hosts.
   * @default '127.0.0.1'
   */
  host?: string;
  /**
   * Path of the metrics.
   * @default '/metrics'
   */
  endpoint?: string;
}

/** Where and how often to push OTLP (http/protobuf). */
export interface OtlpOptions {
  /**
   * Full `http://` or `https://` URL of the metrics receiver, e.g. `http://collector:4318/v1/metrics`. When
   * absent, the standard variables apply: `OTEL_EXPORTER_OTLP_METRICS_ENDPOINT` (used as is), else
   * `OTEL_EXPORTER_OTLP_ENDPOINT` (+ `/v1/metrics`), else `http://localhost:4318/v1/metrics`.
   * @default undefined
   */
  url?: string;
  /**
   * Extra request headers (e.g. `Authorization`); merged over `OTEL_EXPORTER_OTLP_HEADERS` and
   * `OTEL_EXPORTER_OTLP_METRICS_HEADERS`, which apply either way.
   * @default undefined
   */
  headers?: Record<string, string>;
  /**
   * Milliseconds between pushes. `OTEL_METRIC_EXPORT_INTERVAL` applies when absent.
   * @default 60000
   */
  intervalMs?: number;
}

/** Where and how to push the records as OTLP log events (http/protobuf). */
export interface LogsOptions {
  /**
   * Full `http://` or `https://` URL of the logs receiver, e.g. `http://collector:4318/v1/logs`. When
   * absent, the standard variables apply: `OTEL_EXPORTER_OTLP_LOGS_ENDPOINT` (used as is), else
   * `OTEL_EXPORTER_OTLP_ENDPOINT` (+ `/v1/logs`), else `http://localhost:4318/v1/logs`.
   * @default undefined
   */
  url?: string;
  /**
   * Extra request headers (e.g. `Authorization`); merged over `OTEL_EXPORTER_OTLP_HEADERS` and
   * `OTEL_EXPORTER_OTLP_LOGS_HEADERS`, which apply either way.
   * @default undefined
   */
  headers?: Record<string, string>;
  /**
   * Milliseconds between two exports of the batch processor. `OTEL_BLRP_SCHEDULE_DELAY` applies when
   * absent (and `OTEL_BLRP_MAX_QUEUE_SIZE`, `OTEL_BLRP_MAX_EXPORT_BATCH_SIZE`, `OTEL_BLRP_EXPORT_TIMEOUT`
   * always). Past the queue size (2048 by default) the SDK drops events, never blocking `record()`: the
   * log file keeps every record.
   * @default 1000
   */
  scheduledDelayMs?: number;
}

/** Options of {@link createTelemetry}. */
export interface TelemetryOptions {
  /**
   * Serve a Prometheus endpoint, or not (`false`).
   * @default {} (http://127.0.0.1:9464/metrics)
   */
  prometheus?: PrometheusOptions | false;
  /**
   * Push OTLP over http/protobuf: `true` for the defaults and the `OTEL_EXPORTER_OTLP_*` variables, or options.
   * @default false
   */
  otlp?: OtlpOptions | boolean;
  /**
   * Push every record as one OTLP log event (event name `invocation_metrics.invocation`, the record's JSON
   * line as its body): `true` for the defaults and the `OTEL_EXPORTER_OTLP_*` variables, or options. The
   * bundle's `loggerProvider` is then used by a collector given this bundle as `telemetry`.
   * @default false
   */
  logs?: LogsOptions | boolean;
  /**
   * The `service.name` resource attribute (Prometheus `target_info`, OTLP resource). The resource also
   * carries a random `service.instance.id` per bundle (so that the processes of a fleet stay apart in an
   * OTLP backend) and the attributes of `OTEL_RESOURCE_ATTRIBUTES`; this name wins over a `service.name` there.
   * @default process.env.OTEL_SERVICE_NAME ?? 'invocation-metrics'
   */
  serviceName?: string;
}

/** A provider with its exporters, from {@link createTelemetry}. Pass it as the collector's `telemetry`. */
export interface Telemetry extends SnapshotSink {
  /** The SDK provider (not registered globally). Use it for your own instruments if you like. */
  readonly meterProvider: MeterProvider;
  /** A meter of `meterProvider`, scope `invocation-metrics`. */
  readonly meter: Meter;
  /** The URL Prometheus scrapes, with the port actually bound; absent when `prometheus` is `false`. */
  readonly prometheusUrl?: string;
  /**
   * The logs SDK provider (not registered globally) when `logs` is on: a collector given this bundle as
   * `telemetry` sends its records' events through it (unless given its own `otelLogger`).
   */
  readonly loggerProvider?: OtelLoggerProvider;
  /**
   * Pushes the last OTLP export (metrics, and the queued log events), then stops the exporters and the HTTP server. Idempotent: later calls
   * return the same promise. Waits at most for the OTLP request timeout (10 s by default).
   */
  shutdown(): Promise<void>;
}

/** Options after defaults and validation. */
export interface ResolvedTelemetryOptions {
  /** Prometheus, or `undefined` for none. */
  prometheus: Required<PrometheusOptions> | undefined;
  /** OTLP, or `undefined` for none. */
  otlp: { url: string | undefined; headers: Record<string, string> | undefined; intervalMs: number } | undefined;
  /** Log events, or `undefined` for none. */
  logs: { url: string | undefined; headers: Record<string, string> | undefined; scheduledDelayMs: number | undefined } | undefined;
  /** `service.name`. */
  serviceName: string;
}

function resolveLogs(o: unknown): ResolvedTelemetryOptions['logs'] {
  if (o === undefined || o === false) return undefined;
  if (o !== true && !isObject(o)) throw new InvalidOptionError('logs', 'a boolean or an object', o);
  const { url, headers, scheduledDelayMs } = (o === true ? {} : o) as LogsOptions;
  checkOtlpUrl('logs.url', url);
  checkOtlpHeaders('logs.headers', headers);
  if (scheduledDelayMs !== undefined && (typeof scheduledDelayMs !== 'number' || !Number.isFinite(scheduledDelayMs) || scheduledDelayMs <= 0))
    throw new InvalidOptionError('logs.scheduledDelayMs', 'a finite number > 0', scheduledDelayMs);
  return { url, headers, scheduledDelayMs };
}

function resolvePrometheus(p: unknown): ResolvedTelemetryOptions['prometheus'] {
  if (p === false) return undefined;
  if (p !== undefined && !isObject(p)) throw new InvalidOptionError('prometheus', 'an object or false', p);
  const { port = 9464, host = '127.0.0.1', endpoint = '/metrics' } = (p ?? {}) as PrometheusOptions;
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 65535)
    throw new InvalidOptionError('prometheus.port', 'an integer from 0 to 65535', port);
  if (typeof host !== 'string' || host === '') throw new InvalidOptionError('prometheus.host', 'a non-empty string', host);
  if (typeof endpoint !== 'string' || !endpoint.startsWith('/')) throw new InvalidOptionError('prometheus.endpoint', 'a path starting with `/`', endpoint);
  return { port, host, endpoint };
}

function resolveOtlp(o: unknown): ResolvedTelemetryOptions['otlp'] {
  if (o === undefined || o === false) return undefined;
  if (o !== true && !isObject(o)) throw new InvalidOptionError('otlp', 'a boolean or an object', o);
  const { url, headers, intervalMs } = (o === true ? {} : o) as OtlpOptions;
  checkOtlpUrl('otlp.url', url);
  checkOtlpHeaders('otlp.headers', headers);
  const envInterval = Number(process.env.OTEL_METRIC_EXPORT_INTERVAL);
  const interval = intervalMs ?? (Number.isFinite(envInterval) && envInterval > 0 ? envInterval : 60_000);
  if (typeof interval !== 'number' || !Number.isFinite(interval) || interval <= 0)
    throw new InvalidOptionError('otlp.intervalMs', 'a finite number > 0', interval);
  return { url, headers, intervalMs: interval };
}

/**
 * Validates options and applies defaults. Pure apart from reading `OTEL_SERVICE_NAME` and
 * `OTEL_METRIC_EXPORT_INTERVAL`.
 *
 * @param options - What the caller gave.
 * @returns The resolved options.
 * @throws {@link InvalidOptionError} for a bad option.
 */
export function resolveTelemetryOptions(options: TelemetryOptions = {}): ResolvedTelemetryOptions {
  if (!isObject(options)) throw new InvalidOptionError('options', 'an object', options);
  const serviceName = resolveServiceName(options.serviceName);
  return { prometheus: resolvePrometheus(options.prometheus), otlp: resolveOtlp(options.otlp), logs: resolveLogs(options.logs), serviceName };
}

/**
 * Builds a `MeterProvider` with a Prometheus endpoint and/or an OTLP push, for the collector's `telemetry`
 * option (the mirror's fast path: no SDK call per record).
 *
 * @param options - See {@link TelemetryOptions}.
 * @returns The telemetry bundle, once the endpoint listens.
 * @throws {@link InvalidOptionError} for a bad option; {@link MissingPeerDependencyError}
 * (`ERR_MISSING_PEER_DEPENDENCY`) when an SDK package the requested parts need is not installed, naming the
 * `npm i` line; an `InvocationMetricsError` with code `ERR_METRICS_LISTEN` when the port cannot be bound.
 * @example
 * ```ts
 * const telemetry = await createTelemetry({ prometheus: { port: 0 }, otlp: true });
 * console.log(telemetry.prometheusUrl); // http://127.0.0.1:41237/metrics
 * const collector = new InvocationMetricsCollector('metrics', console, { telemetry });
 * // ...
 * await collector.close();
 * await telemetry.shutdown(); // pushes the last OTLP export
 * ```
 */
export async function createTelemetry(options?: TelemetryOptions): Promise<Telemetry> {
  const resolved = resolveTelemetryOptions(options);
  requirePeers('createTelemetry()', [
    ...CORE_PEERS,
    ...(resolved.prometheus === undefined ? [] : PROMETHEUS_PEERS),
    ...(resolved.otlp === undefined ? [] : OTLP_PEERS),
    ...(resolved.logs === undefined ? [] : LOGS_PEERS),
  ]);
  const { buildTelemetry } = await import('./provider.js');
  return buildTelemetry(resolved);
}
