/**
 * Validation of {@link AggregateOptions}.
 *
 * @module
 */
import { InvalidOptionError } from '../errors.js';
import type { AggregateOptions } from './types.js';

/** Default width of the `parallelismOverTime` buckets: one minute. */
export const DEFAULT_BUCKET_MS = 60_000;

/** {@link AggregateOptions} with defaults applied and values checked. */
export interface ResolvedAggregateOptions {
  /** Bucket width in ms, a positive safe integer. */
  readonly bucketMs: number;
}

/**
 * Applies defaults and checks the options.
 *
 * @param options - The caller's options, or `undefined`.
 * @returns The resolved options.
 * @throws {@link InvalidOptionError} naming the bad option.
 */
export function resolveAggregateOptions(options: AggregateOptions | undefined): ResolvedAggregateOptions {
  if (options === undefined) return { bucketMs: DEFAULT_BUCKET_MS };
  if (typeof options !== 'object' || options === null) throw new InvalidOptionError('options', 'an object or undefined', options);
  // Only `undefined` means absent: `null` is a wrong value, reported as such.
  const bucketMs: unknown = options.bucketMs === undefined ? DEFAULT_BUCKET_MS : options.bucketMs;
  // Safe integers keep `k * bucketMs` exact in the bucket arithmetic (see epoch-buckets.ts).
  if (typeof bucketMs !== 'number' || !Number.isSafeInteger(bucketMs) || bucketMs <= 0)
    throw new InvalidOptionError('bucketMs', 'a positive safe integer (milliseconds)', bucketMs);
  return { bucketMs };
}
