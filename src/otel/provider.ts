/**
 * Assembles the SDK side of `createTelemetry()`: the provider, the Prometheus exporter (served by our own
 * loopback server) and the OTLP periodic reader, each collecting the mirror's snapshots through a
 * `MetricProducer`. Loaded lazily by `telemetry.ts`.
 *
 * @module
 */
import { randomUUID } from 'node:crypto';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-proto';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { defaultResource, detectResources, envDetector, resourceFromAttributes, type Resource } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  InstrumentType,
  MeterProvider,
  PeriodicExportingMetricReader,
  type IMetricReader,
} from '@opentelemetry/sdk-metrics';
import { serveMetrics, type MetricsServer } from './prometheus-server.js';
import { SCOPE, SourceHub, createSnapshotProducer } from './producer.js';
import type { ResolvedTelemetryOptions, Telemetry } from './telemetry.js';

/** The OTLP request timeout: also bounds how long `shutdown()` waits for the last push. */
const OTLP_TIMEOUT_MS = 10_000;

/**
 * The resource of a bundle. Each bundle gets its own `service.instance.id`: a fleet's processes push the
 * same series, and without an instance id their cumulative points reach an OTLP backend as one series
 * that jumps back and forth. `OTEL_RESOURCE_ATTRIBUTES` applies (it may set the id itself), and
 * `serviceName` wins over a `service.name` there.
 *
 * @param serviceName - The resolved `service.name`.
 * @returns The resource.
 */
function resourceOf(serviceName: string): Resource {
  return defaultResource()
    .merge(resourceFromAttributes({ 'service.instance.id': randomUUID() }))
    .merge(detectResources({ detectors: [envDetector] }))
    .merge(resourceFromAttributes({ 'service.name': serviceName }));
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
    prometheus = new PrometheusExporter({
      preventServerStart: true,
      metricProducers: [createSnapshotProducer(hub, AggregationTemporality.CUMULATIVE)],
    });
    readers.push(prometheus);
  }
  if (o.otlp !== undefined) {
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
  const meterProvider = new MeterProvider({ resource: resourceOf(o.serviceName), readers });

  let server: MetricsServer | undefined;
  if (prometheus !== undefined && o.prometheus !== undefined) {
    const exporter = prometheus;
    try {
      server = await serveMetrics((req, res) => exporter.getMetricsRequestHandler(req, res), o.prometheus.host, o.prometheus.port, o.prometheus.endpoint);
    } catch (err) {
      await meterProvider.shutdown();
      throw err;
    }
  }

  let stopped: Promise<void> | undefined;
  return {
    meterProvider,
    meter: meterProvider.getMeter(SCOPE.name),
    ...(server === undefined ? {} : { prometheusUrl: server.url }),
    addSource: (source) => hub.addSource(source),
    shutdown() {
      // Provider first: its shutdown collects and pushes the last OTLP export.
      stopped ??= (async () => {
        try {
          await meterProvider.shutdown();
        } finally {
          await server?.close();
        }
      })();
      return stopped;
    },
  };
}
