/**
 * Sorting the sweep's instants (parallelism.ts) in O(n) for instants spread over time: a counting sort into
 * narrow slots of time, each crowded slot sorted on its own, then one insertion pass.
 *
 * @module
 */
import type { IntervalEvents } from './parallelism.js';

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
  const crowded = segmentEnds(first, slots, n); // slots holding more than SHORT_SEGMENT values
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
 * The starts of the intervals of positive length, ascending, in a fresh array: distributed straight from
 * the column as {@link sortInstants} distributes (slots of equal width, crowded slots sorted on their own,
 * one insertion pass), or copied and sorted by insertion when the rows come nearly in start order.
 *
 * @param events - From {@link intervalEvents}.
 * @returns The sorted starts (as many as `events.ends`).
 */
export function sortedStarts(events: IntervalEvents): Float64Array {
  const { start, durationMs, count, minStart: min, maxStart: max } = events;
  const n = events.ends.length;
  const sorted = new Float64Array(n);
  const span = max - min;
  const slots = Math.ceil(n * SLOTS_PER_VALUE);
  const scale = slots / span;
  // Nearly in start order (at most one descent in 64), few, all equal, or spans that cannot be cut into
  // slots: a copy, then an insertion pass (bounded) or a native sort.
  if (n < FEW || events.descents * 64 <= n || span === 0 || !(span < Infinity) || !(scale < Infinity)) {
    for (let i = 0, j = 0; i < count; i++) {
      const s = start[i]!;
      if (s + durationMs[i]! > s) sorted[j++] = s;
    }
    if (n < FEW || !(span < Infinity) || !(scale < Infinity)) sorted.sort();
    else if (span > 0 && !insertionSort(sorted, n * ADAPTIVE_MOVES_PER_VALUE)) return sortInstants(sorted, undefined, 1);
    return sorted;
  }
  // As in sortInstants: slot(v) = min(floor((v - min) * scale), slots - 1), non-decreasing in v.
  const first = new Int32Array(slots + 1);
  for (let i = 0; i < count; i++) {
    const v = start[i]!;
    if (!(v + durationMs[i]! > v)) continue;
    const s = Math.floor((v - min) * scale);
    first[s < slots ? s : slots - 1]! += 1;
  }
  const crowded = segmentEnds(first, slots, n);
  for (let i = count - 1; i >= 0; i--) {
    const v = start[i]!;
    if (!(v + durationMs[i]! > v)) continue;
    const s = Math.floor((v - min) * scale);
    sorted[--first[s < slots ? s : slots - 1]!] = v;
  }
  for (const s of crowded) {
    // A crowded slot: sorted on its own as sortInstants sorts one (with scratch of its size: the column
    // cannot serve as scratch).
    const segment = sorted.subarray(first[s]!, first[s + 1]!);
    const result = sortInstants(segment, new Float64Array(segment.length), 1);
    if (result !== segment) segment.set(result);
  }
  insertionSort(sorted);
  return sorted;
}

/**
 * Turns the slots' counts into the ends of their segments (prefix sums; `first[slots]` = `n`).
 *
 * @returns The slots holding more than SHORT_SEGMENT values.
 */
function segmentEnds(first: Int32Array, slots: number, n: number): number[] {
  const crowded: number[] = [];
  for (let s = 0, end = 0; s < slots; s++) {
    const c = first[s]!;
    if (c > SHORT_SEGMENT) crowded.push(s);
    end += c;
    first[s] = end;
  }
  first[slots] = n;
  return crowded;
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
