/**
 * The bounds of the `parallelismOverTime` series: how many buckets it may hold, the earliest a bucket may
 * start, and the width to suggest (or, for the report, to pick) when the records' span needs a wider one.
 * Without a bound, two valid records 230 years apart make 121 million one-minute buckets: minutes of work
 * and gigabytes of memory, from a log of a few hundred bytes.
 *
 * @module
 */
import { bucketOf } from './epoch-buckets.js';

/**
 * Largest number of buckets of `parallelismOverTime`: 100,000 (69 days of one-minute buckets, 11 years
 * of one-hour ones; about 10 MB of bucket objects, 6 MB of JSON). A span that needs more is an error
 * naming the span and a width that fits (`BucketLimitError`).
 */
export const MAX_BUCKETS = 100_000;

/** Earliest valid time, epoch ms (`new Date(-8.64e15)`): a bucket cannot start before it. */
export const MIN_TIME_MS = -8.64e15;

const S = 1000;
const MIN = 60 * S;
const H = 60 * MIN;
const DAY = 24 * H;
const YEAR = 365 * DAY;
/** Widths suggested or picked, smallest first; past the last, whole numbers of 365 days. */
const NICE_WIDTHS = [S, 5 * S, 15 * S, 30 * S, MIN, 5 * MIN, 15 * MIN, 30 * MIN, H, 6 * H, 12 * H, DAY, 7 * DAY, 30 * DAY, YEAR];

/** Why a width does not fit a span: what {@link BucketLimitError} is made from. */
export interface BucketProblem {
  /** Buckets the width would need; 0 when it is too wide instead (a bucket would start before {@link MIN_TIME_MS}). */
  buckets: number;
  /** Earliest start, epoch ms. */
  spanStart: number;
  /** Latest end, epoch ms. */
  spanEnd: number;
  /** A width that fits. */
  suggestedBucketMs: number;
}

/**
 * Checks a bucket layout: buckets `first` to `last` of `bucketMs`.
 *
 * @param first - Index of the first bucket.
 * @param last - Index of the last bucket.
 * @param bucketMs - The width.
 * @param spanStart - Earliest start, epoch ms.
 * @param spanEnd - Latest end, epoch ms.
 * @param maxBuckets - The limit. @default MAX_BUCKETS
 * @returns `undefined` when the layout is fine, else the problem.
 */
export function checkBuckets(first: number, last: number, bucketMs: number, spanStart: number, spanEnd: number, maxBuckets = MAX_BUCKETS): BucketProblem | undefined {
  const buckets = last - first + 1;
  if (buckets > maxBuckets) return { buckets, spanStart, spanEnd, suggestedBucketMs: fittingBucketMs(spanStart, spanEnd, bucketMs, maxBuckets) };
  if (first * bucketMs < MIN_TIME_MS) {
    // A bucket of width w holding a start s < 0 starts after s - w: any w <= s - MIN_TIME_MS fits.
    const widest = Math.floor(spanStart - MIN_TIME_MS);
    return { buckets: 0, spanStart, spanEnd, suggestedBucketMs: widest >= YEAR ? Math.floor(widest / YEAR) * YEAR : widest };
  }
  return undefined;
}

/**
 * The smallest width, not below `bucketMs` and from the round widths of {@link NICE_WIDTHS} when it has
 * to be wider, that covers [spanStart, spanEnd] in at most `maxBuckets` epoch-aligned buckets.
 *
 * @param spanStart - Earliest start, epoch ms.
 * @param spanEnd - Latest end (or covered instant), epoch ms.
 * @param bucketMs - The preferred width: returned when it fits.
 * @param maxBuckets - The limit.
 * @returns The width, ms.
 */
export function fittingBucketMs(spanStart: number, spanEnd: number, bucketMs: number, maxBuckets: number): number {
  // bucketOf(end) counts one bucket more than the series has when the end is on an edge: conservative.
  const fits = (w: number): boolean => bucketOf(spanEnd, w) - bucketOf(spanStart, w) + 1 <= maxBuckets;
  if (fits(bucketMs)) return bucketMs;
  for (const w of NICE_WIDTHS) if (w > bucketMs && fits(w)) return w;
  let years = Math.max(1, Math.ceil((spanEnd - spanStart) / Math.max(1, maxBuckets - 1) / YEAR));
  // The estimate is at most a bucket short (alignment); bounded, for spans past the valid dates.
  for (let i = 0; i < 8 && !fits(years * YEAR); i++) years++;
  return years * YEAR;
}
