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
  /** Duration in milliseconds; finite, >= 0. */
  durationMs: number;
  /** Total tokens; integer >= 0. */
  tokens: number;
  /** Input (prompt) tokens; integer >= 0. */
  inputTokens?: number;
  /** Output (completion) tokens; integer >= 0. */
  outputTokens?: number;
  /** Prompt-cache input tokens; integer >= 0. */
  cachedTokens?: number;
  /** Cost in USD; finite, >= 0. */
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
}

/**
 * The timestamp grammar. ISO 8601 / RFC 3339 subset: date, `T`, hours and minutes, optional seconds with
 * an optional fraction of 1 to 9 digits, and a mandatory zone. Calendar ranges are checked after the match.
 */
const TIMESTAMP_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):(\d{2}))$/;

const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

/**
 * Parses a record timestamp to epoch milliseconds, or returns `NaN` when it does not follow the grammar
 * (including a missing zone) or names a date or time that does not exist (`2026-02-30`, `24:00`).
 *
 * @param timestamp - The timestamp string.
 * @returns Epoch milliseconds, as `Date.parse` gives them, or `NaN`.
 */
export function parseTimestamp(timestamp: string): number {
  const m = TIMESTAMP_RE.exec(timestamp);
  if (m === null) return Number.NaN;
  const year = Number(m[1]);
  const month = Number(m[2]);
  const day = Number(m[3]);
  if (month < 1 || month > 12 || day < 1) return Number.NaN;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  const maxDay = month === 2 && !leap ? 28 : DAYS_IN_MONTH[month - 1]!;
  if (day > maxDay) return Number.NaN;
  if (Number(m[4]) > 23 || Number(m[5]) > 59 || (m[6] !== undefined && Number(m[6]) > 59)) return Number.NaN;
  if (m[7] !== undefined && (Number(m[7]) > 23 || Number(m[8]) > 59)) return Number.NaN;
  return Date.parse(timestamp);
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isNonNegInt = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;
const isNonNegFinite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;

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

function findProblem(input: unknown): InvalidMetricError | undefined {
  if (!isObject(input)) return new InvalidMetricError('(record)', 'an object', input);
  const r = input;
  if (typeof r.invocationId !== 'string' || r.invocationId.length === 0)
    return new InvalidMetricError('invocationId', 'a non-empty string', r.invocationId);
  if (typeof r.agent !== 'string' || r.agent.length === 0) return new InvalidMetricError('agent', 'a non-empty string', r.agent);
  if (!isNonNegInt(r.phase)) return new InvalidMetricError('phase', 'an integer >= 0', r.phase);
  if (r.taskId !== undefined && typeof r.taskId !== 'string') return new InvalidMetricError('taskId', 'a string or absent', r.taskId);
  if (!isNonNegFinite(r.durationMs)) return new InvalidMetricError('durationMs', 'a finite number >= 0', r.durationMs);
  if (!isNonNegInt(r.tokens)) return new InvalidMetricError('tokens', 'an integer >= 0', r.tokens);
  for (const f of ['inputTokens', 'outputTokens', 'cachedTokens'] as const) {
    if (r[f] !== undefined && !isNonNegInt(r[f])) return new InvalidMetricError(f, 'an integer >= 0 or absent', r[f]);
  }
  if (!isNonNegFinite(r.cost)) return new InvalidMetricError('cost', 'a finite number >= 0 (USD)', r.cost);
  if (typeof r.exitCode !== 'number' || !Number.isInteger(r.exitCode)) return new InvalidMetricError('exitCode', 'an integer', r.exitCode);
  if (typeof r.success !== 'boolean') return new InvalidMetricError('success', 'a boolean', r.success);
  if (typeof r.attempt !== 'number' || !Number.isInteger(r.attempt) || r.attempt < 1)
    return new InvalidMetricError('attempt', 'an integer >= 1', r.attempt);
  if (typeof r.outputParsed !== 'boolean') return new InvalidMetricError('outputParsed', 'a boolean', r.outputParsed);
  for (const f of ['model', 'tier'] as const) {
    if (r[f] !== undefined && typeof r[f] !== 'string') return new InvalidMetricError(f, 'a string or absent', r[f]);
  }
  if (typeof r.timestamp !== 'string' || Number.isNaN(parseTimestamp(r.timestamp)))
    return new InvalidMetricError('timestamp', 'an ISO 8601 time with a zone (YYYY-MM-DDTHH:MM[:SS[.fff]] then Z or +hh:mm)', r.timestamp);
  if (r.errorClass !== undefined && typeof r.errorClass !== 'string')
    return new InvalidMetricError('errorClass', 'a string or absent', r.errorClass);
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
 * Start of a valid record in epoch milliseconds (`Date.parse(timestamp)`).
 *
 * @param metric - A valid record.
 * @returns Epoch milliseconds.
 */
export function startMs(metric: InvocationMetric): number {
  return Date.parse(metric.timestamp);
}
