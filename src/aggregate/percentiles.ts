/**
 * Duration statistics with nearest-rank percentiles: always an observed value, exact, and independent of
 * how the records were sharded (the sorted multiset is the same).
 *
 * @module
 */
import type { DurationStats } from './types.js';

/**
 * The nearest-rank p-th percentile: the value at 1-based rank `ceil(p / 100 * n)` (at least 1).
 *
 * @param sorted - Values in ascending order; not empty.
 * @param p - Percentile, an integer in (0, 100].
 * @returns The value at that rank.
 */
export function nearestRank(sorted: ArrayLike<number>, p: number): number {
  // `p * n` is an exact integer, so the division lands exactly on integers and ceil cannot be off by one
  // (`0.95 * 20` in floating point is not 19).
  const rank = Math.max(1, Math.ceil((p * sorted.length) / 100));
  return sorted[rank - 1]!;
}

/**
 * Statistics of one group.
 *
 * @param sorted - The group's durations in ascending order; not empty.
 * @param sum - Their sum in input order (so that `mean` equals `avgDurationByAgent` bit for bit).
 * @returns The statistics.
 */
export function durationStats(sorted: Float64Array, sum: number): DurationStats {
  const count = sorted.length;
  return {
    count,
    min: sorted[0]!,
    p50: nearestRank(sorted, 50),
    p90: nearestRank(sorted, 90),
    p95: nearestRank(sorted, 95),
    p99: nearestRank(sorted, 99),
    max: sorted[count - 1]!,
    mean: sum / count,
  };
}

/**
 * Sorts values within groups: a counting sort by group id, then a native numeric sort of each group's
 * segment (typed-array `sort()` without a comparator runs in C++).
 *
 * @param values - Values by record.
 * @param groups - Group id by record, in [0, counts.length).
 * @param counts - Number of records per group.
 * @returns `sorted`, with group g at [offsets[g], offsets[g + 1]) in ascending order.
 */
export function sortWithinGroups(
  values: Float64Array,
  groups: Int32Array,
  counts: ArrayLike<number>,
): { sorted: Float64Array; offsets: Int32Array } {
  const grouped = groupValues(values, groups, counts);
  sortGroups(grouped.sorted, grouped.offsets);
  return grouped;
}

/**
 * The first half of {@link sortWithinGroups}: the counting sort by group id (groups not sorted yet).
 *
 * @param values - Values by record.
 * @param groups - Group id by record, in [0, counts.length).
 * @param counts - Number of records per group.
 * @returns `sorted` (each group's values in record order), group g at [offsets[g], offsets[g + 1]).
 */
export function groupValues(values: Float64Array, groups: Int32Array, counts: ArrayLike<number>): { sorted: Float64Array; offsets: Int32Array } {
  const offsets = new Int32Array(counts.length + 1);
  for (let g = 0; g < counts.length; g++) offsets[g + 1] = offsets[g]! + counts[g]!;
  const next = offsets.slice(0, counts.length);
  const sorted = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) {
    const g = groups[i]!;
    sorted[next[g]!] = values[i]!;
    next[g]! += 1;
  }
  return { sorted, offsets };
}

/**
 * The second half of {@link sortWithinGroups}: sorts each group in place.
 *
 * @param values - Grouped values.
 * @param offsets - Group bounds.
 */
export function sortGroups(values: Float64Array, offsets: Int32Array): void {
  for (let g = 0; g + 1 < offsets.length; g++) values.subarray(offsets[g]!, offsets[g + 1]!).sort();
}

/**
 * Merges the sorted groups of {@link sortWithinGroups} into one ascending array: the values sorted as a
 * whole, in O(n log g) instead of a second sort of every value.
 *
 * @param sorted - Values, group g ascending at [offsets[g], offsets[g + 1]).
 * @param offsets - Group bounds.
 * @returns All values in ascending order (a numeric sort: -0 before 0 as `Float64Array.prototype.sort` puts them).
 */
export function mergeSortedGroups(sorted: Float64Array, offsets: Int32Array): Float64Array {
  const groups = offsets.length - 1;
  const out = new Float64Array(sorted.length);
  const next = offsets.slice(0, groups);
  // A binary min-heap of group ids, keyed by each group's next value (ties: lower group first).
  const heap: number[] = [];
  const less = (a: number, b: number): boolean => {
    const x = sorted[next[a]!]!;
    const y = sorted[next[b]!]!;
    return x < y || (x === y && (Object.is(x, -0) && !Object.is(y, -0) ? true : Object.is(x, y) && a < b));
  };
  const down = (i: number): void => {
    for (;;) {
      const l = 2 * i + 1;
      if (l >= heap.length) return;
      const m = l + 1 < heap.length && less(heap[l + 1]!, heap[l]!) ? l + 1 : l;
      if (!less(heap[m]!, heap[i]!)) return;
      const t = heap[m]!;
      heap[m] = heap[i]!;
      heap[i] = t;
      i = m;
    }
  };
  for (let g = 0; g < groups; g++) if (offsets[g]! < offsets[g + 1]!) heap.push(g);
  for (let i = (heap.length >> 1) - 1; i >= 0; i--) down(i);
  for (let k = 0; heap.length > 0; k++) {
    const g = heap[0]!;
    out[k] = sorted[next[g]!]!;
    next[g]! += 1;
    if (next[g] === offsets[g + 1]) {
      heap[0] = heap[heap.length - 1]!;
      heap.pop();
    }
    down(0);
  }
  return out;
}
