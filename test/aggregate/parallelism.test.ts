import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { computeParallelism, intervalEvents, sortedStarts, sortInstants } from '../../src/aggregate/parallelism.js';
import { referenceParallelism } from './references.js';
import { runs } from '../helpers/property.js';

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

// ---------------------------------------------------------------------------------------------------
// Properties: the sweep against the algorithm it replaced (see references.ts).
// ---------------------------------------------------------------------------------------------------

/**
 * Intervals on a grid of eighths of a bucket around a base (so that starts and ends fall on bucket edges
 * often), over about a hundred buckets: starts are integers (as Date.parse gives) unless `fractional`;
 * durations are zero (either sign), whole eighths of a bucket, or those plus a fraction of a millisecond.
 */
const intervalsArb = fc
  .record({
    bucketMs: fc.constantFrom(1, 7, 1000, 60_000, 3_600_000, 86_400_000 * 365),
    base: fc.constantFrom(0, T0, -315_619_200_000 /* 1960 */, 8.6e15),
    fractional: fc.boolean(),
    rows: fc.array(
      fc.tuple(
        fc.integer({ min: -400, max: 400 }),
        fc.oneof(fc.constantFrom(0, -0), fc.integer({ min: 0, max: 40 }), fc.integer({ min: 0, max: 40 }).map((d) => d + 0.5), fc.constantFrom(0.001, 0.25)),
        fc.double({ min: 0, max: 0.99, noNaN: true }),
      ),
      { maxLength: 400 },
    ),
  })
  .map(({ bucketMs, base, fractional, rows }) => {
    const eighth = bucketMs / 8;
    const start = rows.map(([x, , f]) => base + Math.floor(x * eighth) + (fractional ? f : 0));
    const durationMs = rows.map(([, d]) => (Number.isInteger(d) ? d * eighth : Math.floor(d) * eighth + (d % 1)));
    return { bucketMs, start, durationMs };
  });

/** Many intervals crowded into a few instants (one slot of the distribution gets them all) plus outliers. */
const crowdedArb = fc
  .record({
    bucketMs: fc.constantFrom(1, 1000, 60_000),
    crowd: fc.integer({ min: 0, max: 300 }),
    instants: fc.array(fc.integer({ min: -5, max: 5 }), { minLength: 1, maxLength: 4 }),
    outliers: fc.array(fc.integer({ min: -2_000_000, max: 2_000_000 }), { maxLength: 3 }),
    durations: fc.array(fc.constantFrom(0, 1, 2, 999, 1000, 1000.5), { minLength: 1, maxLength: 5 }),
  })
  .map(({ bucketMs, crowd, instants, outliers, durations }) => {
    const start: number[] = [];
    const durationMs: number[] = [];
    for (let i = 0; i < crowd; i++) {
      start.push(T0 + instants[i % instants.length]!);
      durationMs.push(durations[i % durations.length]!);
    }
    for (const o of outliers) {
      start.push(T0 + o);
      durationMs.push(1000);
    }
    return { bucketMs: outliers.length > 0 && bucketMs === 1 ? 1000 : bucketMs, start, durationMs };
  });

describe('computeParallelism against the full-sort sweep', () => {
  const same = ({ bucketMs, start, durationMs }: { bucketMs: number; start: number[]; durationMs: number[] }): void => {
    const actual = computeParallelism(Float64Array.from(start), Float64Array.from(durationMs), start.length, bucketMs);
    expect(actual).toEqual(referenceParallelism(start, durationMs, bucketMs));
  };

  it('agrees on intervals on and off bucket edges, zero-length ones, negative and fractional times, every bucket width', () => {
    fc.assert(fc.property(intervalsArb, same), { numRuns: runs(300) });
  });

  it('agrees when the intervals crowd into one bucket or one instant', () => {
    fc.assert(fc.property(crowdedArb, same), { numRuns: runs(200) });
  });

  it('agrees on rows in reversed and in log (end) order', () => {
    fc.assert(
      fc.property(intervalsArb, fc.boolean(), ({ bucketMs, start, durationMs }, byEnd) => {
        const order = start.map((_, i) => i);
        if (byEnd) order.sort((a, b) => start[a]! + durationMs[a]! - (start[b]! + durationMs[b]!));
        else order.reverse();
        same({ bucketMs, start: order.map((i) => start[i]!), durationMs: order.map((i) => durationMs[i]!) });
      }),
      { numRuns: runs(100) },
    );
  });

  it('agrees on rows in start order, and nearly so (the starts then sorted by insertion)', () => {
    fc.assert(
      fc.property(intervalsArb, fc.nat(20), ({ bucketMs, start, durationMs }, swaps) => {
        const order = start.map((_, i) => i).sort((a, b) => start[a]! - start[b]!);
        for (let k = 0; k < swaps && order.length > 1; k++) {
          const i = (k * 7919) % (order.length - 1);
          [order[i], order[i + 1]] = [order[i + 1]!, order[i]!];
        }
        same({ bucketMs, start: order.map((i) => start[i]!), durationMs: order.map((i) => durationMs[i]!) });
      }),
      { numRuns: runs(100) },
    );
  });

  it('takes only the first `count` rows of the columns', () => {
    const r = computeParallelism(Float64Array.of(T0, T0, T0), Float64Array.of(10, 10, 10), 2, 1000);
    expect(r.peak).toBe(2);
  });
});

describe('sortedStarts', () => {
  it('gives the starts of the intervals of positive length in ascending order, whatever their order and spread, and leaves the columns alone', () => {
    const startsArb = fc.oneof(
      fc.array(fc.double({ min: -8.64e15, max: 8.64e15, noNaN: true, noDefaultInfinity: true }), { maxLength: 400 }),
      fc.array(fc.constantFrom(0, -0, 5e-324, -5e-324, 1), { maxLength: 300 }),
      fc.array(fc.constantFrom(-Number.MAX_VALUE, Number.MAX_VALUE, 0), { maxLength: 200 }),
      fc.array(fc.integer({ min: 0, max: 1_000_000 }), { minLength: 64, maxLength: 600 }).map((xs) => xs.map((x) => T0 + x / 4)),
      // Crowded: most values in one narrow cluster, a few far away.
      fc.array(fc.oneof(fc.integer({ min: 0, max: 50 }), fc.integer({ min: 0, max: 1e9 })), { minLength: 64, maxLength: 600 }).map((xs) => xs.map((x) => T0 + x)),
      fc.array(fc.integer({ min: 0, max: 1_000_000 }), { minLength: 64, maxLength: 600 }).map((xs) => xs.sort((a, b) => a - b).map((x) => T0 + x)),
    );
    fc.assert(
      fc.property(startsArb, fc.array(fc.constantFrom(0, 0.5, 1000, 0), { minLength: 1, maxLength: 4 }), (xs, durations) => {
        const start = Float64Array.from(xs);
        const durationMs = Float64Array.from(xs, (_, i) => durations[i % durations.length]!);
        const before = Float64Array.from(start);
        const got = sortedStarts(intervalEvents(start, durationMs, xs.length));
        const expected = Float64Array.from(xs.filter((s, i) => s + durationMs[i]! > s)).sort();
        expect(got.length).toBe(expected.length);
        let same = true;
        for (let i = 0; same && i < expected.length; i++) same = got[i] === expected[i] || (got[i] === 0 && expected[i] === 0);
        expect(same).toBe(true);
        expect(start).toEqual(before);
      }),
      { numRuns: runs(400) },
    );
  });
});

describe('sortInstants', () => {
  /** Finite instants: clustered, spread, huge spans, subnormal spans, zeros of both signs. */
  const instantsArb = fc.oneof(
    fc.array(fc.double({ min: -8.64e15, max: 8.64e15, noNaN: true, noDefaultInfinity: true }), { maxLength: 500 }),
    fc.array(fc.integer({ min: -3, max: 3 }), { maxLength: 500 }),
    fc.array(fc.constantFrom(0, -0, 5e-324, 1e-310, -5e-324), { maxLength: 300 }),
    fc.array(fc.constantFrom(-Number.MAX_VALUE, Number.MAX_VALUE, 0, 1), { maxLength: 300 }),
    fc
      .tuple(fc.array(fc.integer({ min: 0, max: 1_000_000 }), { minLength: 64, maxLength: 600 }), fc.constantFrom(T0, 0, -1e12))
      .map(([xs, base]) => xs.map((x) => base + x / 4)),
    // Nearly in order (a log's ends), for the adaptive first pass: sorted then a few near swaps, or a far
    // outlier, or reversed (where it gives up part way).
    fc
      .tuple(
        fc.array(fc.integer({ min: 0, max: 1_000_000 }), { minLength: 64, maxLength: 600 }),
        fc.array(fc.nat(10_000), { maxLength: 40 }),
        fc.constantFrom('swaps', 'outlier', 'reversed'),
      )
      .map(([xs, picks, how]) => {
        const a = [...xs].sort((x, y) => x - y);
        if (how === 'reversed') return a.reverse();
        if (how === 'outlier') a.splice((picks[0] ?? 0) % a.length, 0, -1);
        else
          for (const k of picks) {
            const i = k % a.length;
            const j = Math.min(a.length - 1, i + 1 + (k % 5));
            [a[i], a[j]] = [a[j]!, a[i]!];
          }
        return a.map((x) => T0 + x);
      }),
  );

  it('sorts ascending (equal values, -0 with 0, in any order), in place or into `out`', () => {
    fc.assert(
      fc.property(instantsArb, fc.boolean(), (xs, withOut) => {
        const values = Float64Array.from(xs);
        const out = withOut ? new Float64Array(xs.length) : undefined;
        const sorted = sortInstants(values, out);
        expect(sorted === values || sorted === out || (out === undefined && sorted.length === xs.length)).toBe(true);
        const expected = Float64Array.from(xs).sort();
        let same = sorted.length === expected.length;
        for (let i = 0; same && i < expected.length; i++) same = sorted[i] === expected[i];
        expect(same).toBe(true);
      }),
      { numRuns: runs(400) },
    );
  });
});
