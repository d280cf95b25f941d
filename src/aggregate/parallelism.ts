/**
 * Parallelism: the peak and the per-bucket series, by a sweep over sorted start and end times.
 *
 * An invocation runs over [start, start + durationMs); a zero-length one runs over nothing. The number of
 * running invocations f(t) = #(starts <= t) - #(ends <= t) is a step function that only rises at starts, so
 * its maximum over a bucket [B, B + bucketMs) is reached at B or at a start inside the bucket; evaluating
 * it there with two pointers into the sorted starts and ends costs O(n log n + buckets) in all.
 *
 * @module
 */
import { bucketBefore, bucketOf } from './epoch-buckets.js';
import type { ParallelismBucket } from './types.js';

/** The parallelism of a set of invocations. */
export interface Parallelism {
  /** Largest number of intervals containing one instant; 0 when none. */
  peak: number;
  /** Contiguous buckets from the earliest start's through the latest covered instant's; empty when none. */
  buckets: ParallelismBucket[];
}

/** The interval events of a set of invocations: what the sweep needs. */
export interface IntervalEvents {
  /** Starts of the intervals of positive length (in row order until {@link sweepEvents} sorts them). */
  starts: Float64Array;
  /** Their ends, start + durationMs. */
  ends: Float64Array;
  /** Earliest start of any invocation; `Infinity` when none. */
  earliest: number;
  /** Latest start of a zero-length invocation (it covers its start instant); `-Infinity` when none. */
  lastZeroStart: number;
  /** Latest end of an interval of positive length; `-Infinity` when none. */
  lastEnd: number;
}

/**
 * Collects the events (one pass to size, one to fill).
 *
 * @param start - Start of each invocation, epoch ms.
 * @param durationMs - Duration of each invocation.
 * @param count - Number of invocations (rows used in the columns).
 * @returns The events, unsorted.
 */
export function intervalEvents(start: Float64Array, durationMs: Float64Array, count: number): IntervalEvents {
  let earliest = Infinity;
  let lastZeroStart = -Infinity;
  let lastEnd = -Infinity;
  let positive = 0;
  for (let i = 0; i < count; i++) {
    const s = start[i]!;
    const e = s + durationMs[i]!;
    if (s < earliest) earliest = s;
    // Length is judged on the computed end: a tiny duration added to a large time can round to nothing.
    if (e > s) {
      positive++;
      if (e > lastEnd) lastEnd = e;
    } else if (s > lastZeroStart) lastZeroStart = s;
  }
  const starts = new Float64Array(positive);
  const ends = new Float64Array(positive);
  for (let i = 0, j = 0; i < count; i++) {
    const s = start[i]!;
    const e = s + durationMs[i]!;
    if (e > s) {
      starts[j] = s;
      ends[j++] = e;
    }
  }
  return { starts, ends, earliest, lastZeroStart, lastEnd };
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
 * The sweep: sorts the events' starts and ends in place, then walks the buckets.
 *
 * @param events - From {@link intervalEvents} of at least one invocation.
 * @param bucketMs - Bucket width, a positive safe integer.
 * @returns The parallelism.
 */
export function sweepEvents(events: IntervalEvents, bucketMs: number): Parallelism {
  const { starts, ends, earliest, lastZeroStart, lastEnd } = events;
  const positive = starts.length;
  starts.sort();
  ends.sort();

  const first = bucketOf(earliest, bucketMs);
  const last = Math.max(
    lastEnd === -Infinity ? -Infinity : bucketBefore(lastEnd, bucketMs),
    lastZeroStart === -Infinity ? -Infinity : bucketOf(lastZeroStart, bucketMs),
  );
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
    while (i < positive && starts[i]! < next) {
      const t = starts[i]!;
      while (i < positive && starts[i] === t) i++;
      while (j < positive && ends[j]! <= t) j++;
      if (i - j > concurrent) concurrent = i - j;
    }
    if (concurrent > peak) peak = concurrent;
    buckets.push({ bucketStart: new Date(bucketStart).toISOString(), concurrent });
  }
  return { peak, buckets };
}
