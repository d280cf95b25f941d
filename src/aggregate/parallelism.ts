/**
 * Parallelism: the peak and the per-bucket series, by a sweep over ordered start and end times.
 *
 * An invocation runs over [start, start + durationMs); a zero-length one runs over nothing. The number of
 * running invocations f(t) = #(starts <= t) - #(ends <= t) is a step function that only rises at starts, so
 * its maximum over a bucket [B, B + bucketMs) is reached at B or at a start inside the bucket; evaluating
 * it there with two pointers into the ascending starts and ends costs O(n + buckets) once they are in
 * order. Putting them in order needs no comparison sort of the whole: a counting sort into narrow slots of
 * time, then a sort of each slot's few values, orders instants spread over time in O(n) (see
 * {@link sortInstants}).
 *
 * @module
 */
import { checkBuckets, type BucketProblem } from './bucket-limit.js';
import { bucketBefore, bucketOf } from './epoch-buckets.js';
import { sortedStarts, sortInstants } from './sort-instants.js';
import type { ParallelismBucket } from './types.js';

export { sortedStarts, sortInstants };

/** The parallelism of a set of invocations. */
export interface Parallelism {
  /** Largest number of intervals containing one instant; 0 when none. */
  peak: number;
  /** Contiguous buckets from the earliest start's through the latest covered instant's; empty when none. */
  buckets: ParallelismBucket[];
  /**
   * Set when the width does not fit the span (too many buckets, or a bucket before the first valid date):
   * then `peak` is 0 and `buckets` empty, and `result()` throws a `BucketLimitError` made from it. Data,
   * not a throw, so that it crosses from a worker thread as it is.
   */
  problem?: BucketProblem;
}

/** The interval events of a set of invocations: what the sweep needs. */
export interface IntervalEvents {
  /** Start of each invocation (the column, only read: the starts are sorted from it, not copied first). */
  start: Float64Array;
  /** Duration of each invocation (the column, only read). */
  durationMs: Float64Array;
  /** Rows of the columns. */
  count: number;
  /** The ends (start + durationMs) of the intervals of positive length, in row order ({@link sweepEvents} sorts them in place). */
  ends: Float64Array;
  /** Earliest start of any invocation; `Infinity` when none. */
  earliest: number;
  /** Latest start of a zero-length invocation (it covers its start instant); `-Infinity` when none. */
  lastZeroStart: number;
  /** Latest end of an interval of positive length; `-Infinity` when none. */
  lastEnd: number;
  /** Earliest and latest start of an interval of positive length (`Infinity`, `-Infinity` when none). */
  minStart: number;
  maxStart: number;
  /** Intervals of positive length whose start is below a start before them in row order: few when the rows come nearly in start order. */
  descents: number;
}

/**
 * Collects the events (one pass to size, one to fill the ends; the starts stay in the column).
 *
 * @param start - Start of each invocation, epoch ms.
 * @param durationMs - Duration of each invocation.
 * @param count - Number of invocations (rows used in the columns).
 * @returns The events, the ends unsorted.
 */
export function intervalEvents(start: Float64Array, durationMs: Float64Array, count: number): IntervalEvents {
  let earliest = Infinity;
  let lastZeroStart = -Infinity;
  let lastEnd = -Infinity;
  let minStart = Infinity;
  let maxStart = -Infinity;
  let descents = 0;
  let positive = 0;
  for (let i = 0; i < count; i++) {
    const s = start[i]!;
    const e = s + durationMs[i]!;
    if (s < earliest) earliest = s;
    // Length is judged on the computed end: a tiny duration added to a large time can round to nothing.
    if (e > s) {
      positive++;
      if (e > lastEnd) lastEnd = e;
      if (s < maxStart) descents++;
      else maxStart = s;
      if (s < minStart) minStart = s;
    } else if (s > lastZeroStart) lastZeroStart = s;
  }
  const ends = new Float64Array(positive);
  for (let i = 0, j = 0; i < count; i++) {
    const s = start[i]!;
    const e = s + durationMs[i]!;
    if (e > s) ends[j++] = e;
  }
  return { start, durationMs, count, ends, earliest, lastZeroStart, lastEnd, minStart, maxStart, descents };
}

/**
 * Computes the peak and the series.
 *
 * @param start - Start of each invocation, epoch ms.
 * @param durationMs - Duration of each invocation.
 * @param count - Number of invocations (rows used in the columns).
 * @param bucketMs - Bucket width, a positive safe integer.
 * @returns The parallelism.
 */
export function computeParallelism(start: Float64Array, durationMs: Float64Array, count: number, bucketMs: number): Parallelism {
  if (count === 0) return { peak: 0, buckets: [] };
  return sweepEvents(intervalEvents(start, durationMs, count), bucketMs);
}

/**
 * The sweep: puts the events' starts and ends in ascending order, then walks the buckets.
 *
 * @param events - From {@link intervalEvents} of at least one invocation. Its arrays are used as scratch
 *   space: their contents afterwards are unspecified.
 * @param bucketMs - Bucket width, a positive safe integer.
 * @returns The parallelism.
 */
export function sweepEvents(events: IntervalEvents, bucketMs: number): Parallelism {
  const { earliest, lastZeroStart, lastEnd } = events;
  const positive = events.ends.length;

  const first = bucketOf(earliest, bucketMs);
  const last = Math.max(
    lastEnd === -Infinity ? -Infinity : bucketBefore(lastEnd, bucketMs),
    lastZeroStart === -Infinity ? -Infinity : bucketOf(lastZeroStart, bucketMs),
  );
  // Checked before anything is sorted or allocated: a few records far apart must not cost a bucket each.
  const problem = checkBuckets(first, last, bucketMs, earliest, Math.max(lastEnd, lastZeroStart));
  if (problem !== undefined) return { peak: 0, buckets: [], problem };
  // The ends first: a log is written in completion order, so they are nearly sorted, in place. The starts
  // are sorted from the column into their one array (no copy of them first: 8 MB of fresh memory fewer a
  // million rows, each page a fault).
  const ends = sortInstants(events.ends, undefined);
  const starts = sortedStarts(events);

  const buckets: ParallelismBucket[] = [];
  let peak = 0;
  let i = 0; // starts[0, i) are <= the current instant
  let j = 0; // ends[0, j) are <= the current instant
  for (let k = first; k <= last; k++) {
    const bucketStart = k * bucketMs;
    const next = bucketStart + bucketMs;
    while (i < positive && starts[i]! <= bucketStart) i++;
    while (j < positive && ends[j]! <= bucketStart) j++;
    let concurrent = i - j; // intervals running at the bucket's first instant, started earlier or at it
    let stop = i;
    while (stop < positive && starts[stop]! < next) stop++;
    // The starts inside the bucket merged with the ends, an end first when it is <= the next start. Right
    // after a start t is taken, every end <= t is taken too, so i - j is f(t) once the last start equal to
    // t is counted (and less before that): the largest i - j is the bucket's maximum. The steps are
    // branch-free (a comparison's 0 or 1), the merge order being unpredictable. ends[j] stays in range: an
    // end <= starts[i] belongs to an interval that started before starts[i], so j <= i < positive.
    while (i < stop) {
      const end = +(ends[j]! <= starts[i]!);
      j += end;
      i += 1 - end;
      if (i - j > concurrent) concurrent = i - j;
    }
    if (concurrent > peak) peak = concurrent;
    buckets.push({ bucketStart: new Date(bucketStart).toISOString(), concurrent });
  }
  return { peak, buckets };
}
