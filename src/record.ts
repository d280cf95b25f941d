/**
 * The record: the `InvocationMetric` type and its validator. Pure: no I/O.
 *
 * @module
 */
import { InvalidMetricError } from './errors.js';

/**
 * One invocation of one agent: the unit this library records, logs, mirrors and aggregates.
 *
 * Fields this type does not know are kept as they are when recorded and loaded (forward compatible),
 * but never become metric attributes.
 */
export interface InvocationMetric {
  /** Unique id of the invocation; non-empty. Never a metric attribute (unbounded cardinality). */
  invocationId: string;
  /** Agent (role) name; non-empty. */
  agent: string;
  /** Phase number; integer >= 0. */
  phase: number;
  /** Task the invocation works on. Never a metric attribute. */
  taskId?: string;
  /**
   * Duration in milliseconds; finite, >= 0, and the end (start + durationMs) a valid date: at most
   * {@link MAX_TIME_MS} (+275760-09-13), so that every instant the invocation covers can be written.
   */
  durationMs: number;
  /** Total tokens; a safe integer >= 0 (at most `Number.MAX_SAFE_INTEGER`). */
  tokens: number;
  /** Input (prompt) tokens, cached ones included (as `gen_ai.usage.input_tokens` counts them); a safe integer >= 0. */
  inputTokens?: number;
  /** Output (completion) tokens; a safe integer >= 0. */
  outputTokens?: number;
  /** Prompt-cache input tokens (read from the cache), a part of `inputTokens`; a safe integer >= 0. */
  cachedTokens?: number;
  /** Cost in USD; finite, >= 0, at most {@link MAX_COST_USD} (1e15), so that no sum of costs overflows. */
  cost: number;
  /** Process exit code of the agent; integer, negative allowed. */
  exitCode: number;
  /** Whether the invocation succeeded. */
  success: boolean;
  /** Attempt number; integer >= 1, 1 = first try. A record with `attempt > 1` is a retry. */
  attempt: number;
  /** Whether the agent's output could be parsed. */
  outputParsed: boolean;
  /** Model that served the invocation. */
  model?: string;
  /** Model-routing tier. */
  tier?: string;
  /**
   * Start time, ISO 8601 with a zone: `YYYY-MM-DDTHH:MM[:SS[.fff]]` followed by `Z` or `+hh:mm`/`-hh:mm`.
   * A timestamp without a zone is an error (its meaning would depend on the reader's time zone).
   */
  timestamp: string;
  /** Infrastructure error class of a failed invocation (`timeout`, `rate_limit`, ...). */
  errorClass?: string;
  /**
   * The GenAI provider that served the invocation, as `gen_ai.provider.name` names it (`openai`,
   * `anthropic`, `aws.bedrock`, ...). Absent: the collector's `provider` option, else `_OTHER`.
   */
  provider?: string;
  /**
   * Where `cost` came from: `provider` (the provider or framework reported it), `table` (computed from a
   * price table, named by `priceTable`), `none` (no price was known: `cost` is 0 and is not a real zero).
   * Absent: the caller set `cost` without saying how (every hand-built record before this field).
   */
  costSource?: CostSource;
  /** The price table (name and version, e.g. `invocation-metrics/2026-12-01`) a `table` cost came from. */
  priceTable?: string;
}

/** The values of {@link InvocationMetric.costSource}. */
export const COST_SOURCES = ['provider', 'table', 'none'] as const;

/** Where a record's `cost` came from; see {@link InvocationMetric.costSource}. */
export type CostSource = (typeof COST_SOURCES)[number];

/**
 * Latest valid time, epoch ms: ECMAScript's time range (`new Date(8.64e15)`, +275760-09-13). A record's
 * end (start + durationMs) must not pass it: the aggregate writes ends and bucket starts as dates.
 */
export const MAX_TIME_MS = 8.64e15;

/**
 * Largest `cost` of one record, USD: 1e15. Any number of such costs sums to a finite number (2^53
 * records of it stay below 1e31), so a cost sum never overflows to `Infinity`; a larger cost is refused
 * as invalid (in `record()`, and skipped with a warning when read from a log).
 */
export const MAX_COST_USD = 1e15;

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

const C_0 = 48;
const C_DASH = 45;
const C_PLUS = 43;
const C_COLON = 58;
const C_DOT = 46;
const C_T = 84;
const C_Z = 90;
const MS_PER_DAY = 86_400_000;

/** The two decimal digits at `i`, or -1. */
function twoDigits(s: string, i: number): number {
  const a = s.charCodeAt(i) - C_0;
  const b = s.charCodeAt(i + 1) - C_0;
  // NaN (past the end) fails both comparisons, as a non-digit does.
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/** Days from 1970-01-01 to a proleptic Gregorian date (month 1..12), as ECMAScript's MakeDay counts them. */
function daysFromCivil(year: number, month: number, day: number): number {
  // https://howardhinnant.github.io/date_algorithms.html#days_from_civil
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * ((month + 9) % 12) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}

/**
 * Parses a record timestamp to epoch milliseconds, or returns `NaN` when it does not follow the grammar
 * (including a missing zone) or names a date or time that does not exist (`2026-02-30`, `24:00`).
 *
 * The grammar, an ISO 8601 / RFC 3339 subset: `YYYY-MM-DDTHH:MM`, optional `:SS` with an optional fraction
 * of 1 to 9 digits, and a mandatory zone (`Z` or `+hh:mm` / `-hh:mm`). Read by hand rather than by a
 * regular expression and `Date.parse`: this runs once per recorded record. The result equals what
 * `Date.parse` gives for every string of the grammar (milliseconds are the fraction's first three digits,
 * the rest truncated); `test/record.test.ts` checks it against the regular expression and `Date.parse`.
 *
 * @param timestamp - The timestamp string.
 * @returns Epoch milliseconds, as `Date.parse` gives them, or `NaN`.
 */
export function parseTimestamp(timestamp: string): number {
  const s = timestamp;
  const n = s.length;
  if (n < 17 || s.charCodeAt(4) !== C_DASH || s.charCodeAt(7) !== C_DASH || s.charCodeAt(10) !== C_T || s.charCodeAt(13) !== C_COLON)
    return Number.NaN;
  const hi = twoDigits(s, 0);
  const lo = twoDigits(s, 2);
  const month = twoDigits(s, 5);
  const day = twoDigits(s, 8);
  const hour = twoDigits(s, 11);
  const minute = twoDigits(s, 14);
  if (hi < 0 || lo < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59) return Number.NaN;
  const year = hi * 100 + lo;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  if (day > (month === 2 && !leap ? 28 : DAYS_IN_MONTH[month - 1]!)) return Number.NaN;
  let i = 16;
  let second = 0;
  let ms = 0;
  if (s.charCodeAt(i) === C_COLON) {
    second = twoDigits(s, i + 1);
    if (second < 0 || second > 59) return Number.NaN;
    i += 3;
    if (s.charCodeAt(i) === C_DOT) {
      const start = ++i;
      for (let c = s.charCodeAt(i) - C_0; c >= 0 && c <= 9; c = s.charCodeAt(i) - C_0) {
        if (i - start < 3) ms = ms * 10 + c;
        i++;
      }
      const digits = i - start;
      if (digits < 1 || digits > 9) return Number.NaN;
      if (digits === 1) ms *= 100;
      else if (digits === 2) ms *= 10;
    }
  }
  let offsetMinutes = 0;
  const zone = s.charCodeAt(i);
  if (zone === C_Z) {
    if (i + 1 !== n) return Number.NaN;
  } else if (zone === C_PLUS || zone === C_DASH) {
    if (i + 6 !== n || s.charCodeAt(i + 3) !== C_COLON) return Number.NaN;
    const oh = twoDigits(s, i + 1);
    const om = twoDigits(s, i + 4);
    if (oh < 0 || oh > 23 || om < 0 || om > 59) return Number.NaN;
    offsetMinutes = (oh * 60 + om) * (zone === C_PLUS ? 1 : -1);
  } else return Number.NaN;
  return daysFromCivil(year, month, day) * MS_PER_DAY + ((hour * 60 + minute - offsetMinutes) * 60 + second) * 1000 + ms;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNonNegInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;
// Token counts are safe integers, so that sums of them can be kept exact (see token-sums.ts).
const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
const isNonNegFinite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;
const isCost = (v: unknown): v is number => typeof v === 'number' && v >= 0 && v <= MAX_COST_USD;

/**
 * Finds the first problem of a candidate record, without throwing.
 *
 * Fields are checked in the order of the {@link InvocationMetric} type; optional fields may be absent
 * (`undefined`) but not `null`. Unknown fields are not checked. Never throws: an object whose fields
 * cannot be read (a throwing getter, a revoked Proxy) is reported as a bad `(record)`.
 *
 * @param input - Anything, typically a parsed JSON value or a caller's object.
 * @returns The error describing the first bad field, or `undefined` when the record is valid.
 */
export function findMetricProblem(input: unknown): InvalidMetricError | undefined {
  try {
    return findProblem(input);
  } catch {
    // A getter that throws, a revoked Proxy: hostile input is a bad record, not a crash of the caller.
    return new InvalidMetricError('(record)', 'an object whose fields can be read', input);
  }
}

const optionalCount = (field: string, value: unknown): InvalidMetricError => new InvalidMetricError(field, 'a safe integer >= 0 or absent', value);

/** What a bad `durationMs` is expected to be (shared with the aggregate's own check). */
export const DURATION_EXPECTED = 'a finite number >= 0 whose end (start + durationMs) is at most 8.64e15 ms (+275760-09-13)';
/** What a bad `cost` is expected to be (shared with the aggregate's own check). */
export const COST_EXPECTED = 'a finite number >= 0 and at most 1e15 (USD)';

function findProblem(input: unknown): InvalidMetricError | undefined {
  if (!isObject(input)) return new InvalidMetricError('(record)', 'an object', input);
  const r = input;
  if (typeof r.invocationId !== 'string' || r.invocationId.length === 0)
    return new InvalidMetricError('invocationId', 'a non-empty string', r.invocationId);
  if (typeof r.agent !== 'string' || r.agent.length === 0) return new InvalidMetricError('agent', 'a non-empty string', r.agent);
  if (!isNonNegInt(r.phase)) return new InvalidMetricError('phase', 'an integer >= 0', r.phase);
  if (r.taskId !== undefined && typeof r.taskId !== 'string') return new InvalidMetricError('taskId', 'a string or absent', r.taskId);
  if (!isNonNegFinite(r.durationMs)) return new InvalidMetricError('durationMs', DURATION_EXPECTED, r.durationMs);
  if (!isCount(r.tokens)) return new InvalidMetricError('tokens', 'a safe integer >= 0', r.tokens);
  // Each field by name (not a loop over names): named loads stay monomorphic on the record path.
  if (r.inputTokens !== undefined && !isCount(r.inputTokens)) return optionalCount('inputTokens', r.inputTokens);
  if (r.outputTokens !== undefined && !isCount(r.outputTokens)) return optionalCount('outputTokens', r.outputTokens);
  if (r.cachedTokens !== undefined && !isCount(r.cachedTokens)) return optionalCount('cachedTokens', r.cachedTokens);
  if (!isCost(r.cost)) return new InvalidMetricError('cost', COST_EXPECTED, r.cost);
  if (typeof r.exitCode !== 'number' || !Number.isInteger(r.exitCode)) return new InvalidMetricError('exitCode', 'an integer', r.exitCode);
  if (typeof r.success !== 'boolean') return new InvalidMetricError('success', 'a boolean', r.success);
  if (typeof r.attempt !== 'number' || !Number.isInteger(r.attempt) || r.attempt < 1)
    return new InvalidMetricError('attempt', 'an integer >= 1', r.attempt);
  if (typeof r.outputParsed !== 'boolean') return new InvalidMetricError('outputParsed', 'a boolean', r.outputParsed);
  if (r.model !== undefined && typeof r.model !== 'string') return new InvalidMetricError('model', 'a string or absent', r.model);
  if (r.tier !== undefined && typeof r.tier !== 'string') return new InvalidMetricError('tier', 'a string or absent', r.tier);
  const start = typeof r.timestamp === 'string' ? parseTimestamp(r.timestamp) : Number.NaN;
  if (Number.isNaN(start))
    return new InvalidMetricError('timestamp', 'an ISO 8601 time with a zone (YYYY-MM-DDTHH:MM[:SS[.fff]] then Z or +hh:mm)', r.timestamp);
  // Checked here, once the start is known: the end must be a date (durationMs is otherwise fine).
  if (start + r.durationMs > MAX_TIME_MS) return new InvalidMetricError('durationMs', DURATION_EXPECTED, r.durationMs);
  if (r.errorClass !== undefined && typeof r.errorClass !== 'string')
    return new InvalidMetricError('errorClass', 'a string or absent', r.errorClass);
  if (r.provider !== undefined && typeof r.provider !== 'string') return new InvalidMetricError('provider', 'a string or absent', r.provider);
  if (r.costSource !== undefined && r.costSource !== 'provider' && r.costSource !== 'table' && r.costSource !== 'none')
    return new InvalidMetricError('costSource', "one of 'provider', 'table', 'none', or absent", r.costSource);
  if (r.priceTable !== undefined && typeof r.priceTable !== 'string') return new InvalidMetricError('priceTable', 'a string or absent', r.priceTable);
  return undefined;
}

/**
 * Asserts that `input` is a valid {@link InvocationMetric}.
 *
 * @param input - The candidate record.
 * @throws {@link InvalidMetricError} naming the first bad field and its value.
 * @example
 * ```ts
 * validateMetric(JSON.parse(line)); // throws InvalidMetricError: Expected `phase` to be an integer >= 0, got `-1` (number)
 * ```
 */
export function validateMetric(input: unknown): asserts input is InvocationMetric {
  const problem = findMetricProblem(input);
  if (problem !== undefined) throw problem;
}

/**
 * Whether `input` is a valid {@link InvocationMetric}.
 *
 * @param input - The candidate record.
 * @returns `true` when valid.
 */
export function isInvocationMetric(input: unknown): input is InvocationMetric {
  return findMetricProblem(input) === undefined;
}

/**
 * The duration of a call measured from `start` to `end` (epoch milliseconds, fractions allowed), as a record
 * holds it: both ends rounded down to whole milliseconds, as `timestamp` is, and the difference taken.
 * Rounding the start alone would stretch a call over the start of the next one in the same millisecond
 * (a peak parallelism of 2 for calls made one after the other). Each duration is within 1 ms of the
 * clock's, and their sum is the clock's on average. 0 when the clock went back.
 *
 * @param start - When the call started.
 * @param end - When it ended.
 * @returns Whole milliseconds, >= 0.
 */
export function wholeMsBetween(start: number, end: number): number {
  return Math.max(0, Math.floor(end) - Math.floor(start));
}

/**
 * Start of a valid record in epoch milliseconds (`Date.parse(timestamp)`).
 *
 * @param metric - A valid record.
 * @returns Epoch milliseconds.
 */
export function startMs(metric: InvocationMetric): number {
  return Date.parse(metric.timestamp);
}
