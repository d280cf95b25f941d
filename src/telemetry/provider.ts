/**
 * Assembles the SDK side of `createTelemetry()`: the provider, the Prometheus exporter (collected by our
 * own handler, serialized by `prometheus-text.ts` and served by our own loopback server) and the OTLP
 * periodic reader, each collecting the mirror's snapshots through a `MetricProducer`. Loaded lazily by
 * `telemetry.ts`, after it checked that the SDK packages the requested parts need are installed; each
 * exporter is imported only when its part is on.
 *
 * @module
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { diag } from '@opentelemetry/api';
import type { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import {
  AggregationTemporality,
  InstrumentType,
  MeterProvider,
  PeriodicExportingMetricReader,
  type CollectionResult,
  type IMetricReader,
} from '@opentelemetry/sdk-metrics';
import { resourceOf } from './resource.js';
import { serveMetrics, type MetricsServer } from './prometheus-server.js';
import { PrometheusTextSerializer } from './prometheus-text.js';
import { SCOPE, SourceHub, createSnapshotProducer } from './producer.js';
import type { ResolvedTelemetryOptions, Telemetry } from './telemetry.js';

export { resourceOf } from './resource.js';

/** The OTLP request timeout: also bounds how long `shutdown()` waits for the last push. */
const OTLP_TIMEOUT_MS = 10_000;

/**
 * The `/metrics` response, as the exporter's `getMetricsRequestHandler` writes it (status 200,
 * `content-type: text/plain`, collection errors logged with `diag.error`, a rejected collection answered
 * with a `# failed to export metrics` comment) but serialized by {@link PrometheusTextSerializer}: the
 * exporter's own serializer took most of a large scrape's time. Unlike the exporter, a serialization
 * error (an attribute value JSON cannot encode) is answered too, instead of leaving the request open and
 * the rejection unhandled.
 *
 * @param reader - The Prometheus exporter (any reader bound to a provider).
 * @returns The request handler.
 */
export function metricsHandler(reader: { collect(): Promise<CollectionResult> }): (req: IncomingMessage, res: ServerResponse) => void {
  const serializer = new PrometheusTextSerializer();
  return (_req, res) => {
    res.statusCode = 200;
    res.setHeader('content-type', 'text/plain');
    reader.collect().then(
      ({ resourceMetrics, errors }) => {
        if (errors.length > 0) diag.error('PrometheusExporter: metrics collection errors', ...errors);
        let body: string;
        try {
          body = serializer.serialize(resourceMetrics);
        } catch (err) {
          diag.error('PrometheusExporter: metrics serialization failed', err);
          body = `# failed to export metrics: ${String(err)}`;
        }
        res.end(body);
      },
      (err: unknown) => res.end(`# failed to export metrics: ${String(err)}`),
    );
  };
}

/**
 * @param o - Resolved options.
 * @returns The telemetry bundle, once the Prometheus endpoint listens.
 */
export async function buildTelemetry(o: ResolvedTelemetryOptions): Promise<Telemetry> {
  const hub = new SourceHub();
  const readers: IMetricReader[] = [];
  let prometheus: PrometheusExporter | undefined;
  if (o.prometheus !== undefined) {
    // Each exporter is loaded only when its part is asked for: a Prometheus-only user needs no OTLP
    // exporter installed (it brings the OTLP transformer, with sdk-logs and sdk-trace: 4.4 MB more).
    const { PrometheusExporter } = await import('@opentelemetry/exporter-prometheus');
    prometheus = new PrometheusExporter({
      preventServerStart: true,
      metricProducers: [createSnapshotProducer(hub, AggregationTemporality.CUMULATIVE)],
    });
    readers.push(prometheus);
  }
  if (o.otlp !== undefined) {
    const { OTLPMetricExporter } = await import('@opentelemetry/exporter-metrics-otlp-proto');
    const exporter = new OTLPMetricExporter({
      ...(o.otlp.url === undefined ? {} : { url: o.otlp.url }),
      ...(o.otlp.headers === undefined ? {} : { headers: o.otlp.headers }),
      timeoutMillis: OTLP_TIMEOUT_MS,
    });
    readers.push(
      new PeriodicExportingMetricReader({
        exporter,
        exportIntervalMillis: o.otlp.intervalMs,
        exportTimeoutMillis: Math.min(o.otlp.intervalMs, OTLP_TIMEOUT_MS),
        // The exporter's temporality preference (OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE) applies
        // to the mirror's metrics as it does to SDK instruments.
        metricProducers: [createSnapshotProducer(hub, exporter.selectAggregationTemporality(InstrumentType.COUNTER))],
      }),
    );
  }
  const resource = resourceOf(o.serviceName);
  const meterProvider = new MeterProvider({ resource, readers });
  const loggerProvider = o.logs === undefined ? undefined : (await import('./logs-provider.js')).buildLogs(o.logs, resource);

  let server: MetricsServer | undefined;
  if (prometheus !== undefined && o.prometheus !== undefined) {
    const exporter = prometheus;
    try {
      server = await serveMetrics(metricsHandler(exporter), o.prometheus.host, o.prometheus.port, o.prometheus.endpoint);
    } catch (err) {
      await meterProvider.shutdown();
      await loggerProvider?.shutdown();
      throw err;
    }
  }

  let stopped: Promise<void> | undefined;
  return {
    meterProvider,
    meter: meterProvider.getMeter(SCOPE.name),
    ...(server === undefined ? {} : { prometheusUrl: server.url }),
    ...(loggerProvider === undefined ? {} : { loggerProvider }),
    addSource: (source) => hub.addSource(source),
    shutdown() {
      // Provider first: its shutdown collects and pushes the last OTLP export.
      stopped ??= (async () => {
        try {
          await Promise.all([meterProvider.shutdown(), loggerProvider?.shutdown()]);
        } finally {
          await server?.close();
        }
      })();
      return stopped;
    },
  };
}
