/**
 * Reading what an AI SDK call says about itself: the per-call options a user passes in
 * `providerOptions.invocationMetrics`, the usage of a result or `finish` part, and the class of an error.
 *
 * @module
 */
import { describeValue } from '../../errors.js';
import { errorClassOf } from '../recorder.js';

/** The key of the per-call options in `providerOptions`. */
export const CALL_OPTIONS_KEY = 'invocationMetrics';

/**
 * What one call can say for its records, as `providerOptions: { invocationMetrics: { ... } }` of
 * `generateText`/`streamText` (the adapter takes the key out before the provider sees the options).
 */
export interface InvocationMetricsCallOptions {
  /** The agent of this call's records (wins over the `agent` option and the `functionId`). */
  readonly agent?: string;
  /** The task this call works on: ties your own retries of it (a second call with `attempt: 2`). */
  readonly taskId?: string;
  /**
   * Which try of the task this call is, when your code retries it (for example with a stronger model).
   * The SDK's own retries within the call count on from it.
   * @default 1
   */
  readonly attempt?: number;
  /** The model-routing tier of this call. */
  readonly tier?: string;
}

/** A user's per-call options, checked; `problems` names each field that was left out. */
export interface ParsedCallOptions {
  readonly options: InvocationMetricsCallOptions;
  readonly problems: readonly string[];
}

const NONE: ParsedCallOptions = { options: {}, problems: [] };

/**
 * Checks the per-call options (an untrusted JSON value): a field of the wrong type is left out and named.
 *
 * @param value - `providerOptions.invocationMetrics`.
 * @returns The fields that are valid and the problems.
 */
export function parseCallOptions(value: unknown): ParsedCallOptions {
  if (value === undefined) return NONE;
  if (typeof value !== 'object' || value === null || Array.isArray(value))
    return { options: {}, problems: [`providerOptions.${CALL_OPTIONS_KEY} ${describeValue(value)} is not an object`] };
  const v = value as Record<string, unknown>;
  const options: { agent?: string; taskId?: string; attempt?: number; tier?: string } = {};
  const problems: string[] = [];
  for (const key of ['agent', 'taskId', 'tier'] as const) {
    const field = v[key];
    if (field === undefined) continue;
    if (typeof field === 'string' && field !== '') options[key] = field;
    else problems.push(`providerOptions.${CALL_OPTIONS_KEY}.${key} ${describeValue(field)} is not a non-empty string`);
  }
  if (v.attempt !== undefined) {
    if (Number.isSafeInteger(v.attempt) && (v.attempt as number) >= 1) options.attempt = v.attempt as number;
    else problems.push(`providerOptions.${CALL_OPTIONS_KEY}.attempt ${describeValue(v.attempt)} is not an integer >= 1`);
  }
  return { options, problems };
}

/** The record's token fields of an AI SDK usage (`LanguageModelV4Usage`). */
export interface UsageFields {
  readonly inputTokens?: number | undefined;
  readonly outputTokens?: number | undefined;
  readonly cachedTokens?: number | undefined;
}

/**
 * The token fields of a usage: `inputTokens.total` (cache reads included, as the record counts them),
 * `outputTokens.total` (reasoning included), `inputTokens.cacheRead`. A count the provider did not report
 * stays out.
 *
 * @param usage - The `usage` of a generate result or of a `finish` part.
 * @returns The fields, or `undefined` when `usage` is not a usage object.
 */
export function usageFields(usage: unknown): UsageFields | undefined {
  if (typeof usage !== 'object' || usage === null) return undefined;
  const { inputTokens, outputTokens } = usage as { inputTokens?: unknown; outputTokens?: unknown };
  const input = typeof inputTokens === 'object' && inputTokens !== null ? (inputTokens as { total?: unknown; cacheRead?: unknown }) : undefined;
  const output = typeof outputTokens === 'object' && outputTokens !== null ? (outputTokens as { total?: unknown }) : undefined;
  if (input === undefined && output === undefined) return undefined;
  const count = (v: unknown): number | undefined => (v === undefined || v === null ? undefined : (v as number));
  return { inputTokens: count(input?.total), outputTokens: count(output?.total), cachedTokens: count(input?.cacheRead) };
}

/**
 * The record's `errorClass` of an error of a model call: {@link errorClassOf}'s infrastructure class,
 * else `transient` for an error the SDK would retry (`isRetryable: true`, as its `APICallError` says for a
 * dropped connection or an overloaded provider), else none (a failure of the call itself: a code failure).
 *
 * @param error - What the model threw, or the error of an `error` part.
 * @returns The class, or `undefined`.
 */
export function callErrorClass(error: unknown): string | undefined {
  const known = errorClassOf(error);
  if (known !== undefined) return known;
  return typeof error === 'object' && error !== null && (error as { isRetryable?: unknown }).isRetryable === true ? 'transient' : undefined;
}
