import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { durationStats, groupedOrderStats, groupValues, orderStats, percentileRank, selectAt } from '../../src/aggregate/percentiles.js';
import { referenceStats } from './references.js';
import { runs } from '../helpers/property.js';

/** A small deterministic generator, so that large arrays come from a shrinkable seed. */
function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

/** Values as durations look (and worse): zeros of both signs, heavy duplicates, fractions, a few negatives. */
const valueArb = fc.oneof(
  fc.constantFrom(0, -0, 1, 2, 1000, 60_000),
  fc.integer({ min: 0, max: 20 }),
  fc.double({ min: 0, max: 1e9, noNaN: true }),
  fc.constantFrom(-1, -0.5),
);

/** Larger arrays in shapes that stress quickselect: random, sorted, reversed, organ pipe, few distinct, all equal. */
const bigArb = fc
  .record({
    n: fc.integer({ min: 1, max: 4000 }),
    distinct: fc.integer({ min: 1, max: 5000 }),
    shape: fc.constantFrom('random', 'sorted', 'reversed', 'organ', 'sawtooth', 'equal'),
    zeros: fc.constantFrom('none', 'plus', 'minus', 'both'),
    seed: fc.integer(),
  })
  .map(({ n, distinct, shape, zeros, seed }) => {
    const rnd = lcg(seed);
    let values = Array.from({ length: n }, () => Math.floor(rnd() * distinct));
    if (shape === 'sorted') values.sort((a, b) => a - b);
    if (shape === 'reversed') values.sort((a, b) => b - a);
    if (shape === 'organ') {
      const up = [...values].sort((a, b) => a - b);
      values = [...up.filter((_, i) => i % 2 === 0), ...up.filter((_, i) => i % 2 === 1).reverse()];
    }
    if (shape === 'sawtooth') for (let i = 0; i < n; i++) values[i] = i % 17;
    if (shape === 'equal') values.fill(7);
    // Replace the zeros (the smallest values) by +0, -0 or a mix, so that zeros sit at many ranks.
    for (let i = 0; i < n; i++) if (values[i] === 0) values[i] = zeros === 'minus' || (zeros === 'both' && rnd() < 0.5) ? -0 : 0;
    if (zeros !== 'none') for (let i = 0; i < n; i += 3) values[i] = zeros === 'plus' ? 0 : zeros === 'minus' ? -0 : i % 2 === 0 ? 0 : -0;
    return values;
  });

describe('percentileRank', () => {
  it('takes rank ceil(p / 100 * n), at least 1', () => {
    expect(percentileRank(50, 10)).toBe(5);
    expect(percentileRank(90, 10)).toBe(9);
    expect(percentileRank(95, 10)).toBe(10);
    expect(percentileRank(99, 10)).toBe(10);
    expect(percentileRank(50, 1)).toBe(1);
    expect(percentileRank(1, 10)).toBe(1);
  });

  it('is not off by one where p / 100 * n is inexact in floating point', () => {
    // 0.95 * 20 = 18.999999999999996 would ceil to 19 too, but 0.07 * 100 = 7.000000000000001 ceils to 8.
    expect(percentileRank(7, 100)).toBe(7);
    expect(percentileRank(95, 20)).toBe(19);
  });

  it('matches an integer-arithmetic definition', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1_000_000 }), fc.integer({ min: 1, max: 100 }), (n, p) => percentileRank(p, n) === Math.floor((p * n + 99) / 100)),
    );
  });
});

describe('orderStats', () => {
  it('reads the ranks of unsorted values', () => {
    expect(orderStats(Float64Array.from([4, 1, 3, 2]))).toEqual({ count: 4, min: 1, p50: 2, p90: 4, p95: 4, p99: 4, max: 4 });
    expect(orderStats(Float64Array.of(5))).toEqual({ count: 1, min: 5, p50: 5, p90: 5, p95: 5, p99: 5, max: 5 });
  });

  it('keeps the sign of zero the sorted order has at each rank (-0 sorts before 0)', () => {
    expect(orderStats(Float64Array.of(0, -0))).toEqual({ count: 2, min: -0, p50: -0, p90: 0, p95: 0, p99: 0, max: 0 });
    expect(orderStats(Float64Array.of(0, 0, -0, 0))).toEqual({ count: 4, min: -0, p50: 0, p90: 0, p95: 0, p99: 0, max: 0 });
    expect(orderStats(Float64Array.of(-0, -0, 0, 5))).toEqual({ count: 4, min: -0, p50: -0, p90: 5, p95: 5, p99: 5, max: 5 });
    expect(orderStats(Float64Array.of(-0, -0, -0))).toEqual({ count: 3, min: -0, p50: -0, p90: -0, p95: -0, p99: -0, max: -0 });
    expect(orderStats(Float64Array.of(0, -1, -0))).toEqual({ count: 3, min: -1, p50: -0, p90: 0, p95: 0, p99: 0, max: 0 });
  });

  it('gives the statistics of the sorted values on small arrays', () => {
    fc.assert(
      fc.property(fc.array(valueArb, { minLength: 1, maxLength: 200 }), (values) => {
        expect(orderStats(Float64Array.from(values))).toEqual(referenceStats(values));
      }),
      { numRuns: runs(500) },
    );
  });

  it('gives the statistics of the sorted values on large arrays of every shape', () => {
    fc.assert(
      fc.property(bigArb, (values) => {
        expect(orderStats(Float64Array.from(values))).toEqual(referenceStats(values));
      }),
      { numRuns: runs(200) },
    );
  });

  it('only permutes the values', () => {
    fc.assert(
      fc.property(fc.oneof(fc.array(valueArb, { minLength: 1, maxLength: 200 }), bigArb), (values) => {
        const a = Float64Array.from(values);
        orderStats(a);
        expect(a.slice().sort()).toEqual(Float64Array.from(values).sort());
      }),
    );
  });
});

describe('selectAt', () => {
  /** Checks a[k] against the sorted order and the partition around it (-0 and 0 interchangeable). */
  const check = (values: number[], lo: number, hi: number, k: number, workLimit?: number): void => {
    const a = Float64Array.from(values);
    selectAt(a, lo, hi, k, workLimit);
    const sortedRange = Float64Array.from(values.slice(lo, hi)).sort();
    expect(a.slice(lo, hi).sort()).toEqual(sortedRange); // a permutation of the range
    expect([...a.slice(0, lo), ...a.slice(hi)]).toEqual([...values.slice(0, lo), ...values.slice(hi)]); // outside untouched
    expect(a[k] === sortedRange[k - lo]).toBe(true);
    let partitioned = true;
    for (let i = lo; i < hi; i++) if (i < k ? !(a[i]! <= a[k]!) : !(a[i]! >= a[k]!)) partitioned = false;
    expect(partitioned).toBe(true);
  };

  it('settles position k of a range, with the default budget and when the budget runs out at any point', () => {
    fc.assert(
      fc.property(
        bigArb,
        fc.nat(),
        fc.nat(),
        fc.nat(),
        fc.option(fc.integer({ min: 0, max: 40_000 })),
        (values, a, b, c, workLimit) => {
          const n = values.length;
          const lo = a % n;
          const hi = lo + 1 + (b % (n - lo));
          const k = lo + (c % (hi - lo));
          check(values, lo, hi, k, workLimit ?? undefined);
        },
      ),
      { numRuns: runs(300) },
    );
  });

  it('falls back to a full sort of the range when the budget is spent at once', () => {
    const values = Array.from({ length: 100 }, (_, i) => (i * 37) % 101);
    const a = Float64Array.from(values);
    selectAt(a, 0, 100, 50, 0);
    expect(a).toEqual(Float64Array.from(values).sort());
  });

  it('does nothing for k outside the range', () => {
    const a = Float64Array.of(3, 2, 1);
    selectAt(a, 1, 3, 0);
    selectAt(a, 1, 1, 1);
    expect([...a]).toEqual([3, 2, 1]);
  });
});

describe('durationStats', () => {
  it('reports count, min, percentiles, max and the mean of the given sum', () => {
    expect(durationStats(Float64Array.from([4, 2, 3, 1]), 10)).toEqual({ count: 4, min: 1, p50: 2, p90: 4, p95: 4, p99: 4, max: 4, mean: 2.5 });
  });

  it('keeps the keys in the order of DurationStats', () => {
    expect(Object.keys(durationStats(Float64Array.of(1), 1))).toEqual(['count', 'min', 'p50', 'p90', 'p95', 'p99', 'max', 'mean']);
  });
});

describe('groupValues', () => {
  it('groups values by id, each group in record order', () => {
    const values = Float64Array.from([10, 9, 100, 1, 0, 2.5]);
    const groups = Int32Array.from([1, 0, 1, 1, 2, 0]);
    const { sorted, offsets } = groupValues(values, groups, [2, 3, 1]);
    expect([...offsets]).toEqual([0, 2, 5, 6]);
    expect([...sorted]).toEqual([9, 2.5, 10, 100, 1, 0]);
  });

  it('handles groups without values', () => {
    const { sorted, offsets } = groupValues(Float64Array.from([3]), Int32Array.from([1]), [0, 1, 0]);
    expect([...offsets]).toEqual([0, 0, 1, 1]);
    expect([...sorted]).toEqual([3]);
  });
});

describe('groupedOrderStats', () => {
  /** Values with a group id each, over `groups` groups (some of them empty). */
  const groupedArb = fc.integer({ min: 1, max: 6 }).chain((groups) =>
    fc.record({
      groups: fc.constant(groups),
      rows: fc.array(fc.tuple(valueArb, fc.integer({ min: 0, max: groups - 1 })), { maxLength: 400 }),
    }),
  );

  it('gives each group the statistics of its sorted values, and all values those of all sorted', () => {
    fc.assert(
      fc.property(groupedArb, ({ groups, rows }) => {
        const counts = new Array<number>(groups).fill(0);
        for (const [, g] of rows) counts[g]! += 1;
        const grouped = groupValues(
          Float64Array.from(rows, ([v]) => v),
          Int32Array.from(rows, ([, g]) => g),
          counts,
        );
        const { byGroup, all } = groupedOrderStats(grouped.sorted, grouped.offsets);
        const expected = counts.map((c, g) => (c === 0 ? null : referenceStats(rows.filter(([, h]) => h === g).map(([v]) => v))));
        expect(byGroup).toEqual(expected);
        expect(all).toEqual(rows.length === 0 ? null : referenceStats(rows.map(([v]) => v)));
      }),
      { numRuns: runs(300) },
    );
  });

  it('gives null for no values', () => {
    expect(groupedOrderStats(new Float64Array(0), Int32Array.of(0, 0))).toEqual({ byGroup: [null], all: null });
  });
});
