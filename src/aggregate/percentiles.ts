/**
 * Duration statistics with nearest-rank percentiles: always an observed value, exact, and independent of
 * how the records were sharded (the sorted multiset is the same).
 *
 * Only a handful of order statistics are wanted (min, p50, p90, p95, p99, max), so nothing is sorted: the
 * ranks are found by selection (Floyd and Rivest's, falling back to a native sort of what is left if
 * partitioning stops paying off), in O(n) expected and O(n log n) worst case. The values are exactly those
 * of a full ascending `Float64Array.prototype.sort`, including which of -0 and 0 sits at a rank (that sort
 * puts -0 first).
 *
 * @module
 */
import type { DurationStats } from './types.js';

/** Duration statistics without the mean (the mean is a sum in input order: the caller's). */
export type OrderStats = Omit<DurationStats, 'mean'>;

/**
 * The 1-based nearest rank of the p-th percentile of n values: `ceil(p / 100 * n)`, at least 1.
 *
 * @param p - Percentile, an integer in (0, 100].
 * @param n - Number of values, at least 1.
 * @returns The rank, in [1, n].
 */
export function percentileRank(p: number, n: number): number {
  // `p * n` is an exact integer, so the division lands exactly on integers and ceil cannot be off by one
  // (`0.95 * 20` in floating point is not 19).
  return Math.max(1, Math.ceil((p * n) / 100));
}

/**
 * Order statistics of values: count, min, the nearest-rank p50, p90, p95 and p99, and max, each equal
 * (sign of zero included) to the value at that rank of the values sorted by `Float64Array.prototype.sort`.
 *
 * @param values - The values, not NaN; not empty. Permuted in place.
 * @returns The statistics, keys in the order of {@link DurationStats}.
 */
export function orderStats(values: Float64Array): OrderStats {
  const n = values.length;
  const [min, max] = extremes(values);
  // 0-based positions in sorted order, ascending, so each selection narrows the next one's range.
  const r50 = percentileRank(50, n) - 1;
  const r90 = percentileRank(90, n) - 1;
  const r95 = percentileRank(95, n) - 1;
  const r99 = percentileRank(99, n) - 1;
  selectAt(values, 0, n, r50);
  selectAt(values, r50 + 1, n, r90);
  selectAt(values, r90 + 1, n, r95);
  selectAt(values, r95 + 1, n, r99);
  const stats: OrderStats = { count: n, min, p50: values[r50]!, p90: values[r90]!, p95: values[r95]!, p99: values[r99]!, max };
  if (min === 0 || stats.p50 === 0 || stats.p90 === 0 || stats.p95 === 0 || stats.p99 === 0 || max === 0) fixZeroSigns(values, stats, [r50, r90, r95, r99]);
  return stats;
}

/**
 * The least and the greatest value (by `<`; the first of equal ones), in a function of its own: the engine
 * compiles a hot loop on the stack, and code after the loop in the same function would run unprepared.
 */
function extremes(values: Float64Array): [number, number] {
  let min = values[0]!;
  let max = min;
  for (let i = 1; i < values.length; i++) {
    const v = values[i]!;
    if (v < min) min = v;
    else if (v > max) max = v;
  }
  return [min, max];
}

/**
 * Statistics of one group.
 *
 * @param values - The group's durations, in any order; not empty. Permuted in place.
 * @param sum - Their sum in input order (so that `mean` equals `avgDurationByAgent` bit for bit).
 * @returns The statistics.
 */
export function durationStats(values: Float64Array, sum: number): DurationStats {
  return { ...orderStats(values), mean: sum / values.length };
}

/**
 * Order statistics of each group and of all values, without sorting or merging: each group's segment is
 * selected in place, then the whole array (the same multiset as the groups' sorted merge).
 *
 * @param values - Grouped values, group g at [offsets[g], offsets[g + 1]). Permuted in place.
 * @param offsets - Group bounds, ascending, from 0 to `values.length`.
 * @returns Per group its statistics (`null`: an empty group), and those of all values (`null`: none).
 */
export function groupedOrderStats(values: Float64Array, offsets: Int32Array): { byGroup: (OrderStats | null)[]; all: OrderStats | null } {
  const byGroup: (OrderStats | null)[] = [];
  for (let g = 0; g + 1 < offsets.length; g++) {
    byGroup.push(offsets[g] === offsets[g + 1] ? null : orderStats(values.subarray(offsets[g]!, offsets[g + 1]!)));
  }
  return { byGroup, all: values.length === 0 ? null : orderStats(values) };
}

/**
 * Groups values by group id with a counting sort (stable: each group's values in record order).
 *
 * @param values - Values by record.
 * @param groups - Group id by record, in [0, counts.length).
 * @param counts - Number of records per group.
 * @returns `sorted` (named for compatibility: grouped, not sorted), group g at [offsets[g], offsets[g + 1]).
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
 * Gives the zeros among the statistics the sign the sorted order has at their rank. The selection
 * compares with `<`, for which -0 and 0 are equal, so a zero it finds may have either sign; in the sorted
 * order the values below 0 come first, then every -0, then every 0, so rank r (0-based) holds -0 exactly
 * when r < #(values < 0) + #(-0).
 */
function fixZeroSigns(values: Float64Array, stats: OrderStats, ranks: [number, number, number, number]): void {
  let below = 0;
  for (let i = 0; i < values.length; i++) {
    const v = values[i]!;
    if (v < 0 || (v === 0 && 1 / v < 0)) below++;
  }
  const signed = (rank: number, v: number): number => (v !== 0 ? v : rank < below ? -0 : 0);
  stats.min = signed(0, stats.min);
  stats.p50 = signed(ranks[0], stats.p50);
  stats.p90 = signed(ranks[1], stats.p90);
  stats.p95 = signed(ranks[2], stats.p95);
  stats.p99 = signed(ranks[3], stats.p99);
  stats.max = signed(values.length - 1, stats.max);
}

/** Ranges this short are finished by insertion sort. */
const SMALL = 16;
/** Ranges this long first settle k within a sample around it (Floyd-Rivest), for a pivot near rank k. */
const SAMPLED = 600;

/**
 * Selection: permutes a[lo, hi) so that a[k] holds the value sorted order puts at k, with every value in
 * [lo, k) <= a[k] <= every value in (k, hi) (by `<`: -0 and 0 are interchangeable here).
 *
 * Floyd and Rivest's SELECT: in a long range, k is first settled (recursively) within a window of about
 * n^(2/3) values around it, so that a[k] is a pivot whose rank is close to k; one partition around it then
 * leaves a short range (about n + min(k, n - k) comparisons in all, where quickselect takes about 3n).
 * The window's pivot is good only if the order is not adversarial, so each round's cost (the length of the
 * range) is charged to `workLimit`; once that is spent, the rest of the range is sorted natively instead:
 * O(n) expected, O(n log n) at worst. Runs of equal values split evenly (the scans stop at the pivot's
 * value), so many duplicates cost no more than distinct values.
 *
 * @param a - The values (not NaN).
 * @param lo - Start of the range.
 * @param hi - End of the range (exclusive).
 * @param k - The position to settle; nothing is done when it is outside [lo, hi).
 * @param workLimit - Elements the partitioning rounds may visit before the fallback (tests lower it).
 */
export function selectAt(a: Float64Array, lo: number, hi: number, k: number, workLimit = 6 * (hi - lo)): void {
  if (k < lo || k >= hi) return;
  let budget = workLimit;
  let l = lo;
  let r = hi - 1; // inclusive bounds below, as in the published algorithm
  while (r - l >= SMALL) {
    budget -= r - l + 1;
    if (budget < 0) {
      a.subarray(l, r + 1).sort();
      return;
    }
    if (r - l >= SAMPLED) {
      // The window [wl, wr] around k holds about s = n^(2/3) / 2 values, placed so that a[k], once settled
      // in it, is most likely just on the side of the true k-th value that keeps the next range short.
      const n = r - l + 1;
      const m = k - l + 1;
      const z = Math.log(n);
      const s = 0.5 * Math.exp((2 * z) / 3);
      const sd = 0.5 * Math.sqrt((z * s * (n - s)) / n) * (m < n / 2 ? -1 : 1);
      const wl = Math.max(l, Math.floor(k - (m * s) / n + sd));
      const wr = Math.min(r, Math.floor(k + ((n - m) * s) / n + sd));
      // The window must be a sample of the whole range, which its own values are not when the order has a
      // trend (durations rising then falling, say): fill it with values taken at even strides instead.
      const stride = n / (wr - wl + 1);
      for (let w = wl; w <= wr; w++) {
        const p = l + Math.floor((w - wl) * stride);
        const x = a[w]!;
        a[w] = a[p]!;
        a[p] = x;
      }
      selectAt(a, wl, wr + 1, k);
    }
    // Partition [l, r] around t = a[k]: afterwards t sits at j, with a[l, j) <= t <= a(j, r]. a[l] and a[r]
    // are arranged first so that each scan meets a value that stops it before leaving the range.
    const t = a[k]!;
    let i = l;
    let j = r;
    let x = a[l]!;
    a[l] = t;
    a[k] = x;
    if (a[r]! > t) {
      a[l] = a[r]!;
      a[r] = t;
    }
    while (i < j) {
      x = a[i]!;
      a[i] = a[j]!;
      a[j] = x;
      i++;
      j--;
      while (a[i]! < t) i++;
      while (a[j]! > t) j--;
    }
    // t is now at l (no larger value was at r) or at r: move it to j, the boundary.
    if (a[l] === t) {
      x = a[l]!;
      a[l] = a[j]!;
      a[j] = x;
    } else {
      j++;
      x = a[j]!;
      a[j] = a[r]!;
      a[r] = x;
    }
    if (j <= k) l = j + 1;
    if (k <= j) r = j - 1;
  }
  insertionSort(a, l, r + 1);
}

/** Sorts a[lo, hi) ascending by `<` (a short range). */
function insertionSort(a: Float64Array, lo: number, hi: number): void {
  for (let i = lo + 1; i < hi; i++) {
    const v = a[i]!;
    let j = i - 1;
    while (j >= lo && a[j]! > v) {
      a[j + 1] = a[j]!;
      j--;
    }
    a[j + 1] = v;
  }
}
