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
import type { ParallelismBucket } from './types.js';

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
  /** Starts of the intervals of positive length, in row order ({@link sweepEvents} overwrites them). */
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
 * The sweep: puts the events' starts and ends in ascending order, then walks the buckets.
 *
 * @param events - From {@link intervalEvents} of at least one invocation. Its arrays are used as scratch
 *   space: their contents afterwards are unspecified.
 * @param bucketMs - Bucket width, a positive safe integer.
 * @returns The parallelism.
 */
export function sweepEvents(events: IntervalEvents, bucketMs: number): Parallelism {
  const { earliest, lastZeroStart, lastEnd } = events;
  const positive = events.starts.length;

  const first = bucketOf(earliest, bucketMs);
  const last = Math.max(
    lastEnd === -Infinity ? -Infinity : bucketBefore(lastEnd, bucketMs),
    lastZeroStart === -Infinity ? -Infinity : bucketOf(lastZeroStart, bucketMs),
  );
  // Checked before anything is sorted or allocated: a few records far apart must not cost a bucket each.
  const problem = checkBuckets(first, last, bucketMs, earliest, Math.max(lastEnd, lastZeroStart));
  if (problem !== undefined) return { peak: 0, buckets: [], problem };
  // The starts go to a fresh array, then the ends to the starts' old one: one array's worth of extra memory.
  const starts = sortInstants(events.starts, undefined);
  const ends = sortInstants(events.ends, starts === events.starts ? undefined : events.starts);

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

/** Below this many values, one native sort costs less than distributing them. */
const FEW = 64;
/** Slots holding more values than this are sorted on their own; the others are left to one insertion pass. */
const SHORT_SEGMENT = 24;
/** Crowded slots are distributed again at most this many levels deep before a native sort. */
const MAX_DEPTH = 2;
/** Slots per value of the distribution: about two values per slot, so nearly every segment is tiny. */
const SLOTS_PER_VALUE = 0.5;
/**
 * Moves per value that the first, adaptive pass may spend ({@link insertionSort}) before it gives up
 * for the distribution: a log is written in completion order, so its ends are nearly sorted already (on
 * the 1M-record benchmark, 0.35 moves per value: 3 ms instead of 17), while its starts are not (28).
 */
const ADAPTIVE_MOVES_PER_VALUE = 1;

/**
 * Sorts instants ascending by distribution: a counting sort into slots of equal width spanning [min, max]
 * (about one slot per two values), each slot that collected more than a few values sorted on its own (by
 * the same method, a bounded number of levels deep, then natively), and one insertion pass over the whole,
 * in which each value moves only within its slot. That is O(n) for instants spread over time as
 * invocations are (a full sort is O(n log n)), and never worse than a few linear passes plus the native
 * sort. Values nearly in order already (the ends of a log's invocations) are sorted in place by a first
 * insertion pass whose moves are capped: it gives up, leaving the values permuted, beyond about one move
 * per value.
 *
 * Exactness does not depend on where the slot edges fall, only on the slot being a non-decreasing function
 * of the value: `floor((v - min) * scale)` is one, since each floating-point operation rounds monotonically
 * and the clamp is monotone too. So a value in an earlier slot is smaller than any in a later one, and
 * the slots' segments, each sorted, concatenate into the sorted array.
 *
 * Order among equal instants (-0 and 0 included) is unspecified: the sweep only compares with `<=`, `<`
 * and `===`, for which -0 equals 0.
 *
 * @param values - The instants (not NaN); sorted in place when few or all equal, else left in an unspecified
 *   order.
 * @param out - Destination when distributed, of the same length and distinct from `values`; allocated when
 *   needed if `undefined`.
 * @param depth - Levels of crowded slots above this call (internal: the recursion stops at MAX_DEPTH).
 * @returns The sorted instants: `values` itself when sorted in place, else `out` (or the array allocated).
 */
export function sortInstants(values: Float64Array, out: Float64Array | undefined, depth = 0): Float64Array {
  const n = values.length;
  if (n < FEW) {
    values.sort();
    return values;
  }
  if (depth === 0 && insertionSort(values, n * ADAPTIVE_MOVES_PER_VALUE)) return values;
  let min = Infinity;
  let max = -Infinity;
  for (let i = 0; i < n; i++) {
    const v = values[i]!;
    if (v < min) min = v;
    if (v > max) max = v;
  }
  const span = max - min;
  if (span === 0) return values; // all equal: in order already
  const slots = Math.ceil(n * SLOTS_PER_VALUE);
  const scale = slots / span;
  // Not all finite, or a span so small that scale overflows: one native sort. Otherwise 0 <= (v - min) *
  // scale <= about `slots` for every value: finite, never NaN.
  if (!(span < Infinity) || !(scale < Infinity)) {
    values.sort();
    return values;
  }
  // slot(v) = min(floor((v - min) * scale), slots - 1): v === max can land on `slots`; v >= min, so >= 0.
  // Written out in both loops (a closure over `min` would keep it in a heap context in the hot loops).
  // first[s] counts slot s, then (prefix sums) is the end of its segment; the scatter, walking the values
  // backwards, decrements it down to the segment's start. first[slots] = n closes the last segment.
  const first = new Int32Array(slots + 1);
  for (let i = 0; i < n; i++) {
    const s = Math.floor((values[i]! - min) * scale);
    first[s < slots ? s : slots - 1]! += 1;
  }
  const crowded: number[] = []; // slots holding more than SHORT_SEGMENT values
  for (let s = 0, end = 0; s < slots; s++) {
    const count = first[s]!;
    if (count > SHORT_SEGMENT) crowded.push(s);
    end += count;
    first[s] = end;
  }
  first[slots] = n;
  const sorted = out ?? new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    const v = values[i]!;
    const s = Math.floor((v - min) * scale);
    sorted[--first[s < slots ? s : slots - 1]!] = v;
  }
  for (const s of crowded) {
    // A crowded slot is distributed again over its own [min, max] (the rest of `values` is free to serve
    // as its scratch), a few levels deep, then sorted natively: clusters, far outliers, heavy tails.
    const segment = sorted.subarray(first[s]!, first[s + 1]!);
    if (depth >= MAX_DEPTH) segment.sort();
    else {
      const result = sortInstants(segment, values.subarray(first[s]!, first[s + 1]!), depth + 1);
      if (result !== segment) segment.set(result);
    }
  }
  // Now every value is out of place only within its slot, and values of earlier slots are smaller (the slot
  // is non-decreasing in the value): one insertion pass over the whole array moves each value at most
  // SHORT_SEGMENT places (crowded slots are already in order), and orders everything.
  insertionSort(sorted);
  return sorted;
}

/**
 * Sorts `a` ascending by `<` in place, by insertion, in O(length + inversions): for values each near its
 * place. With a `budget`, it stops once the moves exceed it, leaving `a` holding the same values in
 * another order.
 *
 * @returns Whether `a` is sorted.
 */
function insertionSort(a: Float64Array, budget = Infinity): boolean {
  let moves = 0;
  for (let i = 1; i < a.length; i++) {
    const v = a[i]!;
    if (!(v < a[i - 1]!)) continue;
    let j = i - 1;
    do {
      a[j + 1] = a[j]!;
      j--;
      moves++;
    } while (j >= 0 && a[j]! > v);
    a[j + 1] = v;
    if (moves > budget) return false;
  }
  return true;
}
