/**
 * The shape of the post-run summary. Every field's definition is exact (see `shared/DESIGN.md`, "The
 * aggregate"); fields marked "extra" go beyond the seed's `MetricsAggregate` and are defined here.
 *
 * Map-like fields are plain objects with a `null` prototype (so agent names such as `__proto__` are safe
 * keys), whose keys are inserted in sorted order: agent, model, tier and error-class names in UTF-16
 * code-unit order (JavaScript's default `sort()`), phases numerically. Note that JavaScript always
 * enumerates integer-like keys (an agent named `"7"`) first and in numeric order, whatever the insertion
 * order; `JSON.stringify` follows that enumeration.
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
  /** Retries per agent. */
  retriesByAgent: CountMap;
  /** Retries per phase. */
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
  /** Sum of `tokens`. */
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
  /** Mean `durationMs` per agent. */
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
  /** Extra: records with `success === true`, per agent. */
  successesByAgent: CountMap;
  /** Extra: infra retries per agent (the retry's agent). */
  infraRetriesByAgent: CountMap;
  /** Extra: code retries per agent (`retriesByAgent - infraRetriesByAgent`). */
  codeRetriesByAgent: CountMap;
  /** Extra: duration statistics per agent. */
  durationByAgent: Record<string, DurationStats>;
  /** Extra: duration statistics over all records; `null` when there are none. */
  duration: DurationStats | null;
  /** Extra: sum of `cost` per phase. */
  costByPhase: CountMap;
  /** Extra: sum of `tokens` per phase. */
  tokensByPhase: CountMap;
  /** Extra: records per model; a record without `model` counts under `(none)`. */
  invocationsByModel: CountMap;
  /** Extra: sum of `cost` per model; a record without `model` counts under `(none)`. */
  costByModel: CountMap;
  /** Extra: sum of `tokens` per model; a record without `model` counts under `(none)`. */
  tokensByModel: CountMap;
  /** Extra: sum of `inputTokens` (missing = 0). */
  totalInputTokens: number;
  /** Extra: sum of `outputTokens` (missing = 0). */
  totalOutputTokens: number;
  /**
   * Extra: cache-hit share of input tokens: sum of `cachedTokens` over records that have `inputTokens`,
   * divided by the sum of their `inputTokens`; 0 when that sum is 0.
   */
  cacheHitShare: number;
  /** Extra: records with `success === false`, per `errorClass`; a failure without a non-empty errorClass counts under `(none)`. */
  failuresByErrorClass: CountMap;
  /** Extra: records with `outputParsed === false`. */
  outputParseFailures: number;
  /**
   * Extra: escalations per transition, keyed `"<from> -> <to>"` with the compared routing levels (tiers,
   * or models where the tier was not comparable).
   */
  escalationsByTier: CountMap;
  /** Extra: earliest start, ISO 8601 UTC; `null` when there are no records. */
  firstStart: string | null;
  /** Extra: latest end (start + durationMs), ISO 8601 UTC; `null` when there are no records. */
  lastEnd: string | null;
  /** Extra: wall-clock span of the run, `lastEnd - firstStart` in ms; 0 when there are no records. */
  wallClockSpanMs: number;
}

/** Options of `computeAggregate()` and `createAggregator()`. */
export interface AggregateOptions {
  /**
   * Width of the `parallelismOverTime` buckets in milliseconds; a positive safe integer.
   * @default 60000
   */
  bucketMs?: number;
}

/**
 * A streaming fold over records: `add()` them in input order, `merge()` shards, read `result()`.
 * The result is the same as `computeAggregate()` over all the records in the order they were added
 * (records of a merged shard count as coming after those already added).
 */
export interface Aggregator {
  /** Adds one valid record. */
  add(record: InvocationMetric): void;
  /** Appends all records of another aggregator (with the same `bucketMs`) after this one's. */
  merge(other: Aggregator): void;
  /** Computes the aggregate of everything added so far; the aggregator stays usable. */
  result(): MetricsAggregate;
  /** Number of records added (including merged ones). */
  readonly count: number;
}
