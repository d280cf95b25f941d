/**
 * The OpenTelemetry mirror: every recorded invocation updates live metrics (GenAI semantic conventions
 * where they fit, `invocation_metrics.*` for the rest; see `names.ts`). It pre-aggregates exactly in its
 * own store and never throws into the caller: `record()` must not fail because telemetry did.
 *
 * Two paths:
 * - `telemetry` (from `createTelemetry`): the store is registered as a source that the provider's
 *   readers collect at scrape or push time. No SDK call per record.
 * - a bare `meter`: counters are observable instruments reading the store at collection time; the
 *   histograms are SDK histograms, one call per value (duration, and input / output tokens per token
 *   histogram of the naming mode).
 *
 * @module
 */
import type { Meter, MeterProvider } from '@opentelemetry/api';
import { InvalidOptionError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { InvocationMetric } from '../record.js';
import { createMeterInstruments, type MeterInstruments } from './meter-path.js';
import { SCOPE_NAME, SEMCONV_OPT_IN_ENV, namingModeFromEnv, type NamingMode } from './names.js';
import type { SnapshotSink } from './snapshot.js';
import { checkProviderOption, type ProviderOption } from './provider.js';
import { MetricStore, type SeriesFields } from './store.js';
import { warnOnce } from './warn-once.js';

/** Options of {@link createMirror}. */
export interface MirrorOptions {
  /**
   * A user's OTel `Meter` (or `MeterProvider`, whose meter `invocation-metrics` is then used): counters
   * become observable instruments, histograms SDK histograms. Ignored when `telemetry` is given.
   *
   * The user's SDK applies its own cardinality limit per instrument (sdk-metrics: 2000 attribute sets by
   * default, the rest folded into `otel.metric.overflow=true`). Every series has two
   * `invocation_metrics.retries` points (`invocation_metrics.retry.kind` infra and code), so past 1000 (agent, phase, model,
   * tier) combinations that instrument overflows first; raise the limit with a view
   * (`aggregationCardinalityLimit`) or use `telemetry`, which has no such limit.
   * @default undefined
   */
  meter?: Meter | MeterProvider;
  /**
   * A bundle from `createTelemetry()` (or anything with `addSource`): the fast path, no SDK call per record.
   * @default undefined
   */
  telemetry?: SnapshotSink;
  /**
   * Distinct values each attribute (agent, phase, model, tier, error.type, provider) keeps; later new values are
   * exported as `_OTHER`, with one warning per attribute.
   * @default 100
   */
  maxAttributeValues?: number;
  /**
   * Distinct taskIds (and, separately, agents of records without a taskId) remembered to classify retries
   * (infra or code) and escalations online, each with its last few records (see `retries.ts`); the key
   * that appeared first is forgotten first. A retry whose previous attempt was forgotten counts as `code`.
   * @default 10000
   */
  maxTrackedAttempts?: number;
  /**
   * Which GenAI metric names to export: `default` (the names shipped first: `gen_ai.client.token.usage`),
   * `latest` (the current inference usage metrics), or `both` side by side. Our own
   * `invocation_metrics.*` names and `gen_ai.invoke_agent.duration` are the same in every mode.
   * @default from `OTEL_SEMCONV_STABILITY_OPT_IN` at creation: `gen_ai_latest_experimental` → `latest`,
   * `gen_ai_latest_experimental/dup` → `both`, else `default`
   */
  naming?: NamingMode;
  /**
   * The `gen_ai.provider.name` of the token metrics for records without their own `provider` field: one
   * name (`openai`, `anthropic`, `aws.bedrock`, ...), or a function of the record's agent and model
   * returning `undefined` when it cannot tell. When neither names one, `_OTHER` is sent.
   * @default undefined
   */
  provider?: ProviderOption;
  /** Where the mirror's warnings go (at most one per kind of problem). */
  logger: Logger;
}

/** The mirror of one collector. */
export interface Mirror {
  /** Which path the mirror takes: `telemetry`, `meter`, or `none` (nothing exported). */
  readonly path: 'telemetry' | 'meter' | 'none';
  /** The naming mode in force (see {@link MirrorOptions.naming}). */
  readonly naming: NamingMode;
  /**
   * Mirrors one record. Never throws: a failure is warned about once per kind and the record is dropped
   * from the metrics (never from the log).
   *
   * @param metric - A record that passed validation.
   */
  record(metric: InvocationMetric): void;
  /**
   * Counts one invocation in flight (`invocation_metrics.active` + 1). Never throws.
   *
   * @param fields - Agent, phase, and model / tier when known.
   * @returns A function that ends it: the first call subtracts 1, later calls do nothing.
   */
  begin(fields: SeriesFields): () => void;
  /** Stops exporting (unregisters from the telemetry or the meter). Idempotent; `record()` still never throws. */
  shutdown(): void;
}

const positiveInt = (name: string, value: unknown, fallback: number): number => {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 1) throw new InvalidOptionError(name, 'an integer >= 1', value);
  return value;
};

const noop = (): void => {};

// The library takes a `Meter` or a `MeterProvider` from its user.
const meterOf = (m: Meter | MeterProvider): Meter =>
  typeof (m as Partial<Meter>).createHistogram !== 'function' && typeof (m as Partial<MeterProvider>).getMeter === 'function'
    ? (m as MeterProvider).getMeter(SCOPE_NAME)
    : (m as Meter);

/**
 * Creates a mirror.
 *
 * @param options - See {@link MirrorOptions}.
 * @returns The mirror.
 * @throws {@link InvalidOptionError} for a bad option (never later).
 * @example
 * ```ts
 * const telemetry = await createTelemetry({ prometheus: { port: 9464 } });
 * const mirror = createMirror({ telemetry, logger: console });
 * mirror.record(metric);
 * ```
 */
export function createMirror(options: MirrorOptions): Mirror {
  const { logger, meter, telemetry } = options;
  if (typeof logger?.warn !== 'function') throw new InvalidOptionError('logger', 'an object with a `warn` method', logger);
  if (telemetry !== undefined && typeof telemetry?.addSource !== 'function')
    throw new InvalidOptionError('telemetry', 'the result of createTelemetry()', telemetry);
  const maxAttributeValues = positiveInt('maxAttributeValues', options.maxAttributeValues, 100);
  const maxTrackedAttempts = positiveInt('maxTrackedAttempts', options.maxTrackedAttempts, 10_000);
  const naming = options.naming ?? namingModeFromEnv(process.env[SEMCONV_OPT_IN_ENV]);
  if (naming !== 'default' && naming !== 'latest' && naming !== 'both') throw new InvalidOptionError('naming', '`default`, `latest` or `both`', naming);
  const provider = options.provider;
  checkProviderOption(provider);
  const warn = warnOnce(logger);

  let instruments: MeterInstruments | undefined;
  if (telemetry === undefined && meter !== undefined) {
    try {
      instruments = createMeterInstruments(meterOf(meter), warn, naming);
    } catch (err) {
      warn('instruments', `invocation-metrics: cannot create the mirror's instruments on the given meter: ${String(err)}; nothing is mirrored`);
    }
  }
  const store = new MetricStore({ maxAttributeValues, maxTrackedAttempts, warn, histograms: instruments?.recorder, naming, provider });
  let detach: () => void = noop;
  let path: Mirror['path'] = 'none';
  try {
    if (telemetry !== undefined) {
      detach = telemetry.addSource({ startTimeMs: store.startTimeMs, collect: () => store.collect() });
      path = 'telemetry';
    } else if (instruments !== undefined) {
      detach = instruments.observe(() => store.sums());
      path = 'meter';
    }
  } catch (err) {
    warn('attach', `invocation-metrics: cannot attach the mirror: ${String(err)}; nothing is mirrored`);
  }

  return {
    path,
    naming,
    record(metric) {
      try {
        store.record(metric);
      } catch (err) {
        warn('record', `invocation-metrics: the OpenTelemetry mirror failed to record: ${String(err)}; metrics may be incomplete`);
      }
    },
    begin(fields) {
      try {
        return store.begin(fields);
      } catch (err) {
        warn('begin', `invocation-metrics: the OpenTelemetry mirror failed to count an invocation in flight: ${String(err)}`);
        return noop;
      }
    },
    shutdown() {
      try {
        detach();
      } catch (err) {
        warn('detach', `invocation-metrics: detaching the mirror failed: ${String(err)}`);
      }
      detach = noop;
    },
  };
}
