/**
 * Bucket arithmetic for `parallelismOverTime`: bucket k covers [k * bucketMs, (k + 1) * bucketMs), aligned
 * to the Unix epoch. Floating-point division can round a quotient onto an integer (a fractional end just
 * past a bucket edge, or a huge timestamp), so each quotient is corrected with exact products: `k *
 * bucketMs` is exact while it stays below 2^53, which valid dates (|t| <= 8.64e15) do.
 *
 * @module
 */

/**
 * Index of the bucket that holds instant `t` (floor division; negative times before 1970 included).
 *
 * @param t - Epoch ms.
 * @param bucketMs - Bucket width, a positive safe integer.
 * @returns The bucket index k with k * bucketMs <= t < (k + 1) * bucketMs.
 */
export function bucketOf(t: number, bucketMs: number): number {
  let k = Math.floor(t / bucketMs);
  if (k * bucketMs > t) k -= 1;
  else if ((k + 1) * bucketMs <= t) k += 1;
  return k;
}

/**
 * Index of the bucket that holds the last instant before `end`: the last bucket a half-open interval
 * [start, end) of positive length reaches. An end exactly on a bucket edge stays in the bucket before.
 *
 * @param end - Epoch ms, possibly fractional.
 * @param bucketMs - Bucket width, a positive safe integer.
 * @returns The bucket index k with k * bucketMs < end <= (k + 1) * bucketMs.
 */
export function bucketBefore(end: number, bucketMs: number): number {
  let k = Math.ceil(end / bucketMs) - 1;
  if (k * bucketMs >= end) k -= 1;
  else if ((k + 1) * bucketMs < end) k += 1;
  return k;
}
