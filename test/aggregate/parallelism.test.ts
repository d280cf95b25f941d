import { describe, expect, it } from 'vitest';
import { computeParallelism } from '../../src/aggregate/parallelism.js';

const T0 = Date.UTC(2026, 10, 20, 9, 0, 0);

/** Parallelism of [start offset from T0, duration] pairs. */
function run(intervals: [number, number][], bucketMs = 60_000) {
  const start = Float64Array.from(intervals, ([s]) => T0 + s);
  const durationMs = Float64Array.from(intervals, ([, d]) => d);
  return computeParallelism(start, durationMs, intervals.length, bucketMs);
}
const series = (r: ReturnType<typeof run>): [string, number][] => r.buckets.map((b) => [b.bucketStart.slice(11, 19), b.concurrent]);

describe('computeParallelism', () => {
  it('is empty without invocations', () => {
    expect(computeParallelism(new Float64Array(0), new Float64Array(0), 0, 1000)).toEqual({ peak: 0, buckets: [] });
  });

  it('does not overlap intervals that touch: one ends exactly where the next starts', () => {
    expect(run([[0, 1000], [1000, 1000]]).peak).toBe(1);
    expect(run([[0, 1001], [1000, 1000]]).peak).toBe(2);
  });

  it('counts equal starts together', () => {
    expect(run([[0, 10], [0, 10], [0, 10]]).peak).toBe(3);
  });

  it('gives zero-length invocations no concurrency, but a bucket', () => {
    const r = run([[0, 0], [0, 0], [120_000, 0]]);
    expect(r.peak).toBe(0);
    expect(series(r)).toEqual([
      ['09:00:00', 0],
      ['09:01:00', 0],
      ['09:02:00', 0],
    ]);
  });

  it('does not extend an interval ending on a bucket edge into the next bucket', () => {
    expect(series(run([[0, 60_000]]))).toEqual([['09:00:00', 1]]);
    expect(series(run([[0, 60_000.5]]))).toEqual([
      ['09:00:00', 1],
      ['09:01:00', 1],
    ]);
  });

  it('counts intervals started in earlier buckets, and takes the maximum inside each bucket', () => {
    // A spans buckets 0-2; B inside bucket 1; C starts in bucket 2 after A ended; empty bucket 3 is kept;
    // D in bucket 4 overlaps E only at its end.
    const r = run([
      [10_000, 150_000], // A: [10s, 160s)
      [70_000, 10_000], // B: [70s, 80s)
      [170_000, 5_000], // C: [170s, 175s)
      [250_000, 10_000], // D: [250s, 260s)
      [255_000, 1_000], // E: [255s, 256s)
    ]);
    expect(series(r)).toEqual([
      ['09:00:00', 1],
      ['09:01:00', 2],
      ['09:02:00', 1],
      ['09:03:00', 0],
      ['09:04:00', 2],
    ]);
    expect(r.peak).toBe(2);
  });

  it('starts from the bucket of the earliest start, even for a zero-length one', () => {
    expect(series(run([[-1, 0], [0, 1]]))).toEqual([
      ['08:59:00', 0],
      ['09:00:00', 1],
    ]);
  });

  it('aligns buckets to the epoch before 1970, with floor', () => {
    const start = Float64Array.of(-1500, -500);
    const r = computeParallelism(start, Float64Array.of(1200, 1200), 2, 1000); // [-1500, -300) and [-500, 700)
    expect(r.buckets).toEqual([
      { bucketStart: '1969-12-31T23:59:58.000Z', concurrent: 1 },
      { bucketStart: '1969-12-31T23:59:59.000Z', concurrent: 2 },
      { bucketStart: '1970-01-01T00:00:00.000Z', concurrent: 1 },
    ]);
  });

  it('treats a duration that rounds away at a large time as zero-length', () => {
    const big = 8.64e15 - 1000;
    const r = computeParallelism(Float64Array.of(big), Float64Array.of(0.25), 1, 1000);
    expect(big + 0.25).toBe(big);
    expect(r.peak).toBe(0);
    expect(r.buckets.length).toBe(1);
  });
});
