/**
 * Plain references for the ordering parts of the aggregate: the algorithms that sorted everything (a full
 * native sort of the starts and of the ends, then the two-pointer sweep; a full native sort of durations,
 * then nearest ranks read off), written out plainly to check the cheaper exact ones against.
 */
import { bucketBefore, bucketOf } from '../../src/aggregate/epoch-buckets.js';
import type { Parallelism } from '../../src/aggregate/parallelism.js';
import type { OrderStats } from '../../src/aggregate/percentiles.js';

/**
 * Order statistics read off a full native sort (which puts -0 before 0).
 *
 * @param values - The values.
 * @returns The statistics; `null` for no values.
 */
export function referenceStats(values: ArrayLike<number>): OrderStats | null {
  if (values.length === 0) return null;
  const sorted = Float64Array.from(values).sort();
  const n = sorted.length;
  const at = (p: number): number => sorted[Math.max(1, Math.ceil((p * n) / 100)) - 1]!;
  return { count: n, min: sorted[0]!, p50: at(50), p90: at(90), p95: at(95), p99: at(99), max: sorted[n - 1]! };
}

/**
 * Parallelism by full sorts of the starts and ends of the positive-length intervals, then the sweep that
 * evaluates each bucket at its start and at each distinct start inside it.
 *
 * @param start - Starts, epoch ms.
 * @param durationMs - Durations.
 * @param bucketMs - Bucket width.
 * @returns The parallelism.
 */
export function referenceParallelism(start: number[], durationMs: number[], bucketMs: number): Parallelism {
  if (start.length === 0) return { peak: 0, buckets: [] };
  const earliest = Math.min(...start);
  const starts: number[] = [];
  const ends: number[] = [];
  let lastZeroStart = -Infinity;
  start.forEach((s, i) => {
    const e = s + durationMs[i]!;
    if (e > s) {
      starts.push(s);
      ends.push(e);
    } else lastZeroStart = Math.max(lastZeroStart, s);
  });
  const S = Float64Array.from(starts).sort();
  const E = Float64Array.from(ends).sort();
  const lastEnd = E.length === 0 ? -Infinity : E[E.length - 1]!;
  const first = bucketOf(earliest, bucketMs);
  const last = Math.max(lastEnd === -Infinity ? -Infinity : bucketBefore(lastEnd, bucketMs), lastZeroStart === -Infinity ? -Infinity : bucketOf(lastZeroStart, bucketMs));
  const buckets = [];
  let peak = 0;
  let i = 0;
  let j = 0;
  for (let k = first; k <= last; k++) {
    const b = k * bucketMs;
    while (i < S.length && S[i]! <= b) i++;
    while (j < E.length && E[j]! <= b) j++;
    let concurrent = i - j;
    while (i < S.length && S[i]! < b + bucketMs) {
      const t = S[i]!;
      while (i < S.length && S[i] === t) i++;
      while (j < E.length && E[j]! <= t) j++;
      concurrent = Math.max(concurrent, i - j);
    }
    peak = Math.max(peak, concurrent);
    buckets.push({ bucketStart: new Date(b).toISOString(), concurrent });
  }
  return { peak, buckets };
}
