/**
 * The bare-`Meter` path: a user's own `Meter` (any OTel API implementation) gets the mirror's counters as
 * observable instruments whose callbacks read the pre-aggregated store at collection time, and the two
 * GenAI histograms as real histograms: the API has no way to hand over pre-aggregated buckets, so each
 * record costs one duration call and one call per token histogram of the naming mode and token figure present, with the few attributes the
 * conventions ask for.
 *
 * @module
 */
import { ValueType, type Histogram, type Meter, type Observable } from '@opentelemetry/api';
import { INSTRUMENTS, TOKEN_BUCKETS, DURATION_BUCKETS, instrumentsOf, type InstrumentSpec, type NamingMode } from './names.js';
import type { MetricSnapshot } from './snapshot.js';
import type { HistogramRecorder } from './store.js';
import type { WarnOnce } from './warn-once.js';

/** The instruments created on a user's `Meter`. */
export interface MeterInstruments {
  /** Takes the store's histogram values. */
  readonly recorder: HistogramRecorder;
  /**
   * Starts reporting the counters that `sums()` returns at each collection.
   *
   * @param sums - Reads the store's counters.
   * @returns A function that stops reporting (idempotent).
   */
  observe(sums: () => MetricSnapshot[]): () => void;
}

const options = (spec: InstrumentSpec, buckets?: readonly number[]) => ({
  description: spec.description,
  unit: spec.unit,
  valueType: spec.integer ? ValueType.INT : ValueType.DOUBLE,
  ...(buckets === undefined ? {} : { advice: { explicitBucketBoundaries: [...buckets] } }),
});

/**
 * Creates the mirror's instruments on `meter`.
 *
 * @param meter - The user's meter.
 * @param warn - Warns once per kind (a throwing callback).
 * @param naming - Which GenAI names to create (default: `default`).
 * @returns The histogram recorder and the hook for the observable counters.
 */
export function createMeterInstruments(meter: Meter, warn: WarnOnce, naming: NamingMode = 'default'): MeterInstruments {
  const duration = meter.createHistogram(INSTRUMENTS.duration.name, options(INSTRUMENTS.duration, DURATION_BUCKETS));
  const tokenHistograms = new Map<string, Histogram>();
  const observables = new Map<string, Observable>();
  for (const spec of instrumentsOf(naming)) {
    if (spec.kind === 'histogram' && spec !== INSTRUMENTS.duration) tokenHistograms.set(spec.name, meter.createHistogram(spec.name, options(spec, TOKEN_BUCKETS)));
    else if (spec.kind === 'counter') observables.set(spec.name, meter.createObservableCounter(spec.name, options(spec)));
    else if (spec.kind === 'updowncounter') observables.set(spec.name, meter.createObservableUpDownCounter(spec.name, options(spec)));
  }
  // The default names' one token histogram is taken without a Map lookup: two calls of every record go to it.
  const tokenUsage = tokenHistograms.get(INSTRUMENTS.tokenUsage.name);
  return {
    recorder: {
      duration: (seconds, attributes) => duration.record(seconds, attributes),
      tokens: (name, n, attributes) =>
        (name === INSTRUMENTS.tokenUsage.name && tokenUsage !== undefined ? tokenUsage : tokenHistograms.get(name)!).record(n, attributes),
    },
    observe(sums) {
      const callback = (result: { observe(o: Observable, value: number, attributes: Record<string, string>): void }) => {
        try {
          for (const snapshot of sums()) {
            const observable = observables.get(snapshot.spec.name)!;
            for (const p of snapshot.points) if ('value' in p) result.observe(observable, p.value, p.attributes);
          }
        } catch (err) {
          warn('observe', `invocation-metrics: reporting the mirror's counters failed: ${String(err)}`);
        }
      };
      const list = [...observables.values()];
      meter.addBatchObservableCallback(callback, list);
      let attached = true;
      return () => {
        if (!attached) return;
        attached = false;
        meter.removeBatchObservableCallback(callback, list);
      };
    },
  };
}
