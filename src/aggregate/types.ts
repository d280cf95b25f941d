/**
 * The shape of the post-run summary. Every field's definition is exact (see `docs/aggregate.md`); fields
 * marked "extra" go beyond the seed's `MetricsAggregate` and are defined here.
 *
 * Map-like fields are plain objects with a `null` prototype (so agent names such as `__proto__` are safe
 * keys), whose keys are inserted in sorted order: agent, model, tier and error-class names in UTF-16
 * code-unit order (JavaScript's default `sort()`), phases numerically. Note that JavaScript always
 * enumerates integer-like keys (an agent named `"7"`) first and in numeric order, whatever the insertion
 * order; `JSON.stringify` follows that enumeration.
 *
 * Which keys a map holds: maps of records (`invocationsBy*`, `tokensBy*`, `costBy*`, `successesByAgent`,
 * `avgDurationByAgent`, `durationByAgent`) hold every agent, phase or model that has at least one record,
 * zero values included. Maps of events (`retriesBy*`, `failuresByErrorClass`, `escalationsByTier`) hold
 * only keys with at least one event; `infraRetriesByAgent` and `codeRetriesByAgent` hold exactly the keys
 * of `retriesByAgent`, zero values included, so that they add up to it.
 *
 * Sums of floating-point fields (`cost`, `durationMs`) are accumulated in input order (records of a merged
 * shard come after those already added), so an aggregate computed from merged shards is bit-identical to
 * one computed over the concatenated input.
 *
 * @module
 */
import type { InvocationMetric } from '../record.js';

/** A map from a name (agent, model, ...) or a phase number to a number. */
export type CountMap = Record<string, number>;

/** One bucket of the parallelism series. */
export interface ParallelismBucket {
  /** Start of the bucket, ISO 8601 UTC as `Date.prototype.toISOString()` writes it. */
  bucketStart: string;
  /** Largest number of invocation intervals that contain one instant inside the bucket. */
  concurrent: number;
}

/**
 * Duration statistics of a group of invocations, in milliseconds. Percentiles use the nearest-rank
 * method: the p-th percentile of n sorted durations is the value at 1-based rank `ceil(p / 100 * n)`
 * (so it is always one of the observed durations, and exact and mergeable).
 */
export interface DurationStats {
  /** Number of invocations. */
  count: number;
  /** Smallest duration. */
  min: number;
  /** Nearest-rank 50th percentile (median). */
  p50: number;
  /** Nearest-rank 90th percentile. */
  p90: number;
  /** Nearest-rank 95th percentile. */
  p95: number;
  /** Nearest-rank 99th percentile. */
  p99: number;
  /** Largest duration. */
  max: number;
  /** Arithmetic mean. */
  mean: number;
}

/** The post-run summary computed by `computeAggregate()` and by an `Aggregator`. */
export interface MetricsAggregate {
  /** Number of records. */
  totalInvocations: number;
  /** Records per agent. */
  invocationsByAgent: CountMap;
  /** Records per phase (keys are phase numbers). */
  invocationsByPhase: CountMap;
  /** Retries: records with `attempt > 1`. */
  totalRetries: number;
  /** Retries per agent; only agents with at least one retry. */
  retriesByAgent: CountMap;
  /** Retries per phase; only phases with at least one retry. */
  retriesByPhase: CountMap;
  /**
   * Retries whose previous attempt exists and has a non-empty `errorClass`. The previous attempt of a
   * retry r: among records with the same `agent`, `phase` and `taskId` (a missing taskId is its own value)
   * and `attempt = r.attempt - 1`, the one that started latest at or before r started (ties: the later one
   * in input order).
   */
  infraRetries: number;
  /** Extra: `totalRetries - infraRetries`. */
  codeRetries: number;
  /**
   * Retries whose previous attempt exists and whose routing level differs from it: `tier` is compared
   * where both have one (a present `tier`, even empty, counts as having one); otherwise `model` where both
   * have one; otherwise not counted.
   */
  escalationCount: number;
  /**
   * Sum of `tokens`, exact (counts are safe integers, summed without rounding on every path); past
   * `Number.MAX_SAFE_INTEGER` it is the `Number` nearest to the exact sum. Likewise every token sum.
   */
  totalTokens: number;
  /** Sum of `cost` (USD). */
  totalCost: number;
  /** Sum of `cachedTokens` (missing = 0). */
  totalCachedTokens: number;
  /** Sum of `tokens` per agent. */
  tokensByAgent: CountMap;
  /** Sum of `cost` per agent. */
  costByAgent: CountMap;
  /** Sum of `durationMs` (busy time, not wall time). */
  totalDurationMs: number;
  /** Mean `durationMs` per agent: the agent's sum of `durationMs` (in input order) / its record count. */
  avgDurationByAgent: CountMap;
  /** Successes / totalInvocations; 0 when there are no records. */
  successRate: number;
  /**
   * Largest number of half-open intervals [start, start + durationMs) that contain one instant; 0 when
   * none. A zero-length interval contains no instant.
   */
  peakParallelInvocations: number;
  /**
   * Buckets of `bucketMs`, aligned to multiples of `bucketMs` since the Unix epoch, contiguous from the
   * bucket holding the earliest start through the bucket holding the latest instant any invocation covers
   * (the last instant before its end; a zero-length invocation covers its start instant). Empty when there
   * are no records.
   */
  parallelismOverTime: ParallelismBucket[];

  /** Extra: the bucket width used for `parallelismOverTime`, in ms. */
  bucketMs: number;
  /** Extra: records with `success === true`. */
  totalSuccesses: number;
  /** Extra: records with `success === true`, per agent; every agent with records (0 included). */
  successesByAgent: CountMap;
  /** Extra: infra retries per agent (the retry's agent); the keys of `retriesByAgent`, 0 included. */
  infraRetriesByAgent: CountMap;
  /** Extra: code retries per agent (`retriesByAgent - infraRetriesByAgent`); the keys of `retriesByAgent`. */
  codeRetriesByAgent: CountMap;
  /** Extra: duration statistics per agent (a null-prototype map, keys as `invocationsByAgent`). */
  durationByAgent: Record<string, DurationStats>;
  /** Extra: duration statistics over all records; `null` when there are none. */
  duration: DurationStats | null;
  /** Extra: sum of `cost` per phase. */
  costByPhase: CountMap;
  /** Extra: sum of `tokens` per phase. */
  tokensByPhase: CountMap;
  /**
   * Extra: records per model. A record without `model` counts under `(none)`; a present `model`, even
   * `""`, counts under itself (so a model literally named `(none)` shares that key with records without one).
   */
  invocationsByModel: CountMap;
  /** Extra: sum of `cost` per model, keyed as `invocationsByModel`. */
  costByModel: CountMap;
  /** Extra: sum of `tokens` per model, keyed as `invocationsByModel`. */
  tokensByModel: CountMap;
  /** Extra: sum of `inputTokens` (missing = 0). */
  totalInputTokens: number;
  /** Extra: sum of `outputTokens` (missing = 0). */
  totalOutputTokens: number;
  /**
   * Extra: cache-hit share of input tokens: sum of `cachedTokens` over records that have `inputTokens`,
   * divided by the sum of their `inputTokens`; 0 when that sum is 0. Not clamped: records whose
   * `cachedTokens` exceed their `inputTokens` can push it above 1.
   */
  cacheHitShare: number;
  /**
   * Extra: records with `success === false`, per `errorClass`; a failure without a non-empty errorClass
   * counts under `(none)` (shared with an error class literally named `(none)`). Only classes with failures.
   */
  failuresByErrorClass: CountMap;
  /** Extra: records with `outputParsed === false`. */
  outputParseFailures: number;
  /**
   * Extra: escalations per transition, keyed `"<from> -> <to>"` where `<from>` is the previous attempt's
   * routing level and `<to>` the retry's: the tiers, or the models where the tiers were not comparable (tier
   * and model transitions share this one key space). Values add up to `escalationCount`.
   */
  escalationsByTier: CountMap;
  /** Extra: earliest start, ISO 8601 UTC; `null` when there are no records. */
  firstStart: string | null;
  /**
   * Extra: latest end (start + durationMs), ISO 8601 UTC; `null` when there are no records. A fractional
   * end is written as the millisecond that holds it (rounded down).
   */
  lastEnd: string | null;
  /**
   * Extra: wall-clock span of the run in ms: latest end - earliest start, with the exact (possibly
   * fractional) end; 0 when there are no records.
   */
  wallClockSpanMs: number;
}

/** Options of `computeAggregate()` and `createAggregator()`. */
export interface AggregateOptions {
  /**
   * Width of the `parallelismOverTime` buckets in milliseconds; a positive safe integer. The series
   * holds at most `MAX_BUCKETS` (100,000) buckets, and every bucket must start at a valid date (at or
   * after -8.64e15 ms): a width that breaks either for the records' span makes `result()` throw a
   * `BucketLimitError` (an `InvalidOptionError`) that names the span and a width that fits.
   * @default 60000
   */
  bucketMs?: number;
}

/**
 * Per-record columns of an {@link AggregatorState}, all of length `count`, row i being the i-th record in
 * input order. Id columns index the state's tables; `-1` means the optional field is absent.
 */
export interface AggregatorColumns {
  /** `Date.parse(timestamp)`, epoch ms. */
  start: Float64Array;
  /** `durationMs`. */
  durationMs: Float64Array;
  /** `cost` (kept per record so that cost sums follow input order across merges). */
  cost: Float64Array;
  /** `attempt`. */
  attempt: Float64Array;
  /** Index into `agents`. */
  agent: Int32Array;
  /** Index into `phases`. */
  phase: Int32Array;
  /** Index into `taskIds`, or -1. */
  taskId: Int32Array;
  /** Index into `models`, or -1. */
  model: Int32Array;
  /** Index into `tiers`, or -1. */
  tier: Int32Array;
  /** Index into `errorClasses`, or -1. */
  errorClass: Int32Array;
  /** Bit 0: `success`; bit 1: `outputParsed`. */
  flags: Uint8Array;
}

/**
 * The exact values of token sums that passed `Number.MAX_SAFE_INTEGER`, as `bigint` (which survives
 * `structuredClone` and `postMessage`).
 */
export interface ExactTokenSums {
  /** Sum of `tokens`. */
  total: bigint;
  /** Sum of `inputTokens`. */
  input: bigint;
  /** Sum of `outputTokens`. */
  output: bigint;
  /** Sum of `cachedTokens`. */
  cached: bigint;
  /** Sum of `cachedTokens` over records that have `inputTokens`. */
  cachedWithInput: bigint;
  /** `[agent id, exact sum]` of the per-agent sums past 2^53 (the others are exact in `byAgent`). */
  byAgent: [number, bigint][];
  /** Likewise per phase id. */
  byPhase: [number, bigint][];
  /** Likewise per `byModel` index. */
  byModel: [number, bigint][];
}

/**
 * Integer token sums, folded at `add()` time. They are exact: integer sums do not depend on order, so
 * shards simply add up; a sum past `Number.MAX_SAFE_INTEGER` is written as the nearest `Number`, and
 * exactly in `exact`.
 */
export interface AggregatorTokenSums {
  /** Sum of `tokens`. */
  total: number;
  /** Sum of `inputTokens` (missing = 0). */
  input: number;
  /** Sum of `outputTokens` (missing = 0). */
  output: number;
  /** Sum of `cachedTokens` (missing = 0). */
  cached: number;
  /** Sum of `cachedTokens` over records that have `inputTokens` (numerator of `cacheHitShare`). */
  cachedWithInput: number;
  /** Sum of `tokens` per agent id. */
  byAgent: Float64Array;
  /** Sum of `tokens` per phase id. */
  byPhase: Float64Array;
  /** Sum of `tokens` per model id + 1; index 0 holds records without a model. */
  byModel: Float64Array;
  /**
   * Present only when a sum passed `Number.MAX_SAFE_INTEGER`: every total exactly, and the per-id sums
   * that passed it. `mergeState()` adds these exact values instead of the rounded numbers.
   */
  exact?: ExactTokenSums;
}

/**
 * The plain-data form of an aggregator, from {@link Aggregator.serialize}: typed arrays, string arrays and
 * numbers only, so it survives `structuredClone` and `postMessage`. A worker thread folds its shard into an
 * aggregator and posts `serialize()` (its buffers are fresh copies, so they can be transferred:
 * `postMessage(state, stateTransferList(state))`); the main thread appends it with
 * {@link Aggregator.mergeState}. The state does not depend on `bucketMs`.
 */
export interface AggregatorState {
  /** Format tag; `mergeState()` rejects any other. */
  format: 'invocation-metrics/aggregator-state@1';
  /** Number of records. */
  count: number;
  /** Distinct agent names, by id. */
  agents: string[];
  /** Distinct phases, by id. */
  phases: Float64Array;
  /** Distinct task ids, by id. */
  taskIds: string[];
  /** Distinct models, by id. */
  models: string[];
  /** Distinct tiers, by id. */
  tiers: string[];
  /** Distinct error classes, by id. */
  errorClasses: string[];
  /** Per-record columns. */
  columns: AggregatorColumns;
  /** Token sums. */
  tokens: AggregatorTokenSums;
}

/**
 * A streaming fold over records: `add()` them in input order, `merge()` shards, read `result()`.
 * The result is the same as `computeAggregate()` over all the records in the order they were added
 * (records of a merged shard count as coming after those already added).
 */
export interface Aggregator {
  /** Adds one valid record. */
  add(record: InvocationMetric): void;
  /**
   * Appends all records of another aggregator after this one's. Its `bucketMs` does not matter: this
   * aggregator's applies to the result. `other` is left unchanged (merging an aggregator into itself
   * doubles it).
   */
  merge(other: Aggregator): void;
  /**
   * Appends the records of a serialized aggregator after this one's; same effect as `merge()`.
   * @throws `InvalidOptionError` when `state` is not a well-formed {@link AggregatorState}.
   */
  mergeState(state: AggregatorState): void;
  /** Returns this aggregator's records as plain data (fresh copies); see {@link AggregatorState}. */
  serialize(): AggregatorState;
  /**
   * Computes the aggregate of everything added so far; the aggregator stays usable.
   * @throws `BucketLimitError` when `bucketMs` does not fit the records' span (see `AggregateOptions`).
   */
  result(): MetricsAggregate;
  /** Number of records added (including merged ones). */
  readonly count: number;
}
