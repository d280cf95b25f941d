/**
 * The shape of a diff of two runs: plain data, the `--json` output of `invocation-metrics diff`.
 *
 * @module
 */

/** The format tag of a {@link DiffResult}; a change of shape gets a new tag. */
export const DIFF_FORMAT = 'invocation-metrics/diff@1' as const;

/**
 * What a row compares. Counts and sums are of the whole run (or of one agent or phase); `success-rate`
 * is successes / invocations; `duration.*` are nearest-rank percentiles and the mean of `durationMs`.
 */
export type DiffMetric =
  | 'invocations'
  | 'success-rate'
  | 'retries'
  | 'retries.infra'
  | 'retries.code'
  | 'escalations'
  | 'peak-parallelism'
  | 'cost'
  | 'tokens'
  | 'duration.p50'
  | 'duration.p90'
  | 'duration.p95'
  | 'duration.p99'
  | 'duration.mean';

/**
 * The test behind a row's p-value:
 * - `poisson`: two counts over the same workload (`z = (b - a) / sqrt(a + b)`);
 * - `two-proportion`: a count's share of the invocations (pooled z-test);
 * - `welch`: the mean per invocation, Welch's t-test on every record's value;
 * - `tokens-z`: the mean tokens per invocation, a z-test whose variance assumes a coefficient of
 *   variation (`tokensCv`) per record, since the aggregate keeps no per-record token counts;
 * - `mann-whitney`: the durations' distributions (U test, normal approximation with tie correction);
 * - `none`: not tested (peak parallelism is one maximum per run, with no sampling distribution to estimate).
 */
export type DiffTest = 'poisson' | 'two-proportion' | 'welch' | 'tokens-z' | 'mann-whitney' | 'none';

/** One compared figure. */
export interface DiffRow {
  /** `total` for the whole run, else the agent or phase the row is about. */
  scope: 'total' | 'agent' | 'phase';
  /** The agent name or the phase (`"2"`); `null` for `total`. */
  key: string | null;
  /** What is compared. */
  metric: DiffMetric;
  /**
   * The baseline's value (count, ratio in [0, 1], USD, tokens, or ms); `null` where it has none (a rate
   * or a duration of an agent without invocations on that side). Counts and sums of an absent agent are 0.
   */
  baseline: number | null;
  /** The candidate's value, as `baseline`. */
  candidate: number | null;
  /** `candidate - baseline`; `null` when either is `null`. */
  change: number | null;
  /** `change / baseline`; `null` when the baseline is 0 or `null`. */
  relativeChange: number | null;
  /** The test behind `pValue`. */
  test: DiffTest;
  /** The test's two-sided p-value; `null` when not tested (too few values, or `test: 'none'`). */
  pValue: number | null;
  /** The p-value after Holm's adjustment across every test of the diff; `null` when not tested. */
  adjustedP: number | null;
  /**
   * Whether the change is beyond noise: `adjustedP < alpha` and the tested quantity moved by at least
   * the minimum effect (see {@link DiffOptions}).
   */
  beyondNoise: boolean;
}

/** Options of `diffRuns()`; every one has a default. */
export interface DiffOptions {
  /**
   * Family-wise significance level: the probability that any unchanged row is flagged, over the whole
   * diff (Holm's adjustment across all tests). A number in (0, 1).
   * @default 0.05
   */
  alpha?: number;
  /**
   * Smallest relative change of the tested quantity that is flagged, however significant (a run of a
   * million records makes a 0.1% change significant): counts and sums, the rate per invocation of
   * retries and escalations, the mean cost and tokens per invocation, a duration row's own value. A
   * number >= 0.
   * @default 0.05 (5%)
   */
  minRelativeChange?: number;
  /**
   * Smallest change of the success rate that is flagged, in absolute terms (0.01 = one percentage point).
   * @default 0.01
   */
  minRateChange?: number;
  /**
   * Assumed coefficient of variation (standard deviation / mean) of one invocation's `tokens`, for the
   * token rows' test: the aggregate keeps token sums only. A number > 0; larger is more cautious.
   * @default 1
   */
  tokensCv?: number;
}

/** The options as applied (defaults filled in). */
export type ResolvedDiffOptions = Required<DiffOptions>;

/** A comparison of two runs. */
export interface DiffResult {
  /** {@link DIFF_FORMAT}. */
  format: typeof DIFF_FORMAT;
  /** The options applied. */
  options: ResolvedDiffOptions;
  /** Number of tests in the family Holm's adjustment covers (the duration rows of one group share one test). */
  tests: number;
  /** Number of rows beyond noise. */
  flagged: number;
  /** Rows: the whole run first, then agents (UTF-16 order), then phases (numeric order). */
  rows: DiffRow[];
}
