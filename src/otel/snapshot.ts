/**
 * The plain-data snapshot the mirror's pre-aggregated store hands to exporters: cumulative sums and
 * explicit-bucket histograms per attribute set. No SDK types here, so that the core depends on
 * `@opentelemetry/api` alone; the telemetry helper turns snapshots into SDK `ResourceMetrics`.
 *
 * @module
 */
import type { InstrumentSpec } from './names.js';

/** Attribute set of one point: bounded string values only. */
export type PointAttributes = Readonly<Record<string, string>>;

/** One point of a counter or up-down counter: the cumulative value since the store began. */
export interface SumPoint {
  /** Attributes. */
  readonly attributes: PointAttributes;
  /** Cumulative value. */
  readonly value: number;
}

/** One point of an explicit-bucket histogram, cumulative since the store began. */
export interface HistogramPoint {
  /** Attributes. */
  readonly attributes: PointAttributes;
  /** Number of values. */
  readonly count: number;
  /** Sum of values. */
  readonly sum: number;
  /** Smallest value (`Infinity` when `count` is 0). */
  readonly min: number;
  /** Largest value (`-Infinity` when `count` is 0). */
  readonly max: number;
  /** Inclusive upper bounds of the finite buckets. */
  readonly boundaries: readonly number[];
  /** Counts per bucket: `boundaries.length + 1` entries, the last one for values above every bound. */
  readonly counts: readonly number[];
}

/** One instrument's points. */
export type MetricSnapshot =
  | { readonly spec: InstrumentSpec & { readonly kind: 'counter' | 'updowncounter' }; readonly points: readonly SumPoint[] }
  | { readonly spec: InstrumentSpec & { readonly kind: 'histogram' }; readonly points: readonly HistogramPoint[] };

/** Something that can be asked for a snapshot at collection time (the mirror's store). */
export interface SnapshotSource {
  /** Epoch milliseconds when the source began accumulating (the start time of cumulative points). */
  readonly startTimeMs: number;
  /** The current cumulative state; called once per collection, never on the record path. */
  collect(): MetricSnapshot[];
}

/**
 * What the mirror needs from a telemetry bundle to take the fast path: a place to register its source.
 * `Telemetry` (from `createTelemetry`) implements it.
 */
export interface SnapshotSink {
  /**
   * Registers a source whose snapshots every reader of the provider collects (Prometheus scrapes, OTLP
   * pushes) beside the SDK's own instruments.
   *
   * @param source - The source.
   * @returns A function that unregisters it (idempotent).
   */
  addSource(source: SnapshotSource): () => void;
}
