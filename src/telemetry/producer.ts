/**
 * The bridge from the mirror's snapshots to the SDK: a `MetricProducer` that each reader of the
 * telemetry provider (the Prometheus exporter, the OTLP periodic reader) collects beside the SDK's own
 * instruments (sdk-metrics `MetricReaderOptions.metricProducers`). Runs at collection time only.
 *
 * @module
 */
import { ValueType, type HrTime } from '@opentelemetry/api';
import { emptyResource } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  DataPointType,
  type CollectionResult,
  type MetricData,
  type MetricProducer,
} from '@opentelemetry/sdk-metrics';
import { mergeSnapshots } from '../otel/merge.js';
import { SCOPE_NAME } from '../otel/names.js';
import type { HistogramPoint, MetricSnapshot, SnapshotSink, SnapshotSource, SumPoint } from '../otel/snapshot.js';

/** The instrumentation scope of the mirror's metrics. */
export const SCOPE = Object.freeze({ name: SCOPE_NAME });

/** The sources registered on one telemetry bundle. */
export class SourceHub implements SnapshotSink {
  readonly #sources = new Set<SnapshotSource>();

  /** @inheritDoc */
  addSource(source: SnapshotSource): () => void {
    this.#sources.add(source);
    return () => void this.#sources.delete(source);
  }

  /** @returns The earliest start of the registered sources and their merged snapshots. */
  collect(): { startTimeMs: number; metrics: MetricSnapshot[] } {
    const sources = [...this.#sources];
    if (sources.length === 0) return { startTimeMs: Date.now(), metrics: [] };
    return {
      startTimeMs: Math.min(...sources.map((s) => s.startTimeMs)),
      metrics: mergeSnapshots(sources.map((s) => s.collect())),
    };
  }
}

const hrTime = (ms: number): HrTime => [Math.floor(ms / 1000), Math.round((ms % 1000) * 1e6)];

const descriptorOf = (s: MetricSnapshot) => ({
  name: s.spec.name,
  description: s.spec.description,
  unit: s.spec.unit,
  valueType: s.spec.integer ? ValueType.INT : ValueType.DOUBLE,
});

const sub = (a: readonly number[], b: readonly number[] | undefined): number[] => a.map((n, i) => n - (b?.[i] ?? 0));

/**
 * Creates the producer one reader collects.
 *
 * @param hub - The sources.
 * @param temporality - What the reader's exporter prefers for counters and histograms. With `DELTA`, each
 * collection reports the change since this producer's previous collection (min and max are then left
 * out: they are not known per interval); the in-flight up-down counter stays cumulative, as the SDK's
 * delta preference keeps it.
 * @returns A `MetricProducer`.
 */
export function createSnapshotProducer(hub: SourceHub, temporality: AggregationTemporality): MetricProducer {
  const delta = temporality === AggregationTemporality.DELTA;
  const previous = new Map<string, SumPoint | HistogramPoint>();
  let lastMs: number | undefined;

  // Returns the point this producer reported last time for the same series, and remembers `p` for next time.
  const before = <P extends SumPoint | HistogramPoint>(name: string, p: P): P | undefined => {
    const key = `${name}\0${JSON.stringify(p.attributes)}`;
    const seen = previous.get(key) as P | undefined;
    previous.set(key, p);
    return seen;
  };

  const histogram = (s: MetricSnapshot, points: readonly HistogramPoint[], start: HrTime, end: HrTime): MetricData => ({
    descriptor: descriptorOf(s),
    aggregationTemporality: delta ? AggregationTemporality.DELTA : AggregationTemporality.CUMULATIVE,
    dataPointType: DataPointType.HISTOGRAM,
    dataPoints: points.map((p) => {
      const b = delta ? before(s.spec.name, p) : undefined;
      const value = delta
        ? { count: p.count - (b?.count ?? 0), sum: p.sum - (b?.sum ?? 0), buckets: { boundaries: [...p.boundaries], counts: sub(p.counts, b?.counts) } }
        : { count: p.count, sum: p.sum, min: p.min, max: p.max, buckets: { boundaries: [...p.boundaries], counts: [...p.counts] } };
      return { startTime: start, endTime: end, attributes: p.attributes, value };
    }),
  });

  const sum = (s: MetricSnapshot, points: readonly SumPoint[], start: HrTime, end: HrTime): MetricData => {
    const monotonic = s.spec.kind === 'counter';
    return {
      descriptor: descriptorOf(s),
      aggregationTemporality: delta && monotonic ? AggregationTemporality.DELTA : AggregationTemporality.CUMULATIVE,
      dataPointType: DataPointType.SUM,
      isMonotonic: monotonic,
      dataPoints: points.map((p) => ({
        startTime: start,
        endTime: end,
        attributes: p.attributes,
        value: delta && monotonic ? p.value - (before(s.spec.name, p)?.value ?? 0) : p.value,
      })),
    };
  };

  return {
    async collect(): Promise<CollectionResult> {
      try {
        const now = Date.now();
        const { startTimeMs, metrics } = hub.collect();
        const cumulativeStart = hrTime(startTimeMs);
        const intervalStart = hrTime(lastMs ?? startTimeMs);
        const end = hrTime(now);
        lastMs = now;
        const data = metrics
          .filter((m) => m.points.length > 0)
          .map((m) =>
            m.spec.kind === 'histogram'
              ? histogram(m, m.points as readonly HistogramPoint[], delta ? intervalStart : cumulativeStart, end)
              : sum(m, m.points as readonly SumPoint[], delta && m.spec.kind === 'counter' ? intervalStart : cumulativeStart, end),
          );
        return { resourceMetrics: { resource: emptyResource(), scopeMetrics: data.length === 0 ? [] : [{ scope: SCOPE, metrics: data }] }, errors: [] };
      } catch (err) {
        // A failing source must not fail the whole scrape: the SDK's own metrics are still served.
        return { resourceMetrics: { resource: emptyResource(), scopeMetrics: [] }, errors: [err] };
      }
    },
  };
}
