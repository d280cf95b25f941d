import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { durationStats, nearestRank, sortWithinGroups } from '../../src/aggregate/percentiles.js';

describe('nearestRank', () => {
  it('takes rank ceil(p / 100 * n)', () => {
    const sorted = Array.from({ length: 10 }, (_, i) => i + 1);
    expect(nearestRank(sorted, 50)).toBe(5);
    expect(nearestRank(sorted, 90)).toBe(9);
    expect(nearestRank(sorted, 95)).toBe(10);
    expect(nearestRank(sorted, 99)).toBe(10);
    expect(nearestRank([7], 50)).toBe(7);
  });

  it('is not off by one where p / 100 * n is inexact in floating point', () => {
    // 0.95 * 20 = 18.999999999999996 would ceil to 19 too, but 0.07 * 100 = 7.000000000000001 ceils to 8.
    const hundred = Array.from({ length: 100 }, (_, i) => i + 1);
    expect(nearestRank(hundred, 7)).toBe(7);
    expect(nearestRank(Array.from({ length: 20 }, (_, i) => i + 1), 95)).toBe(19);
  });

  it('matches an integer-arithmetic definition', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 1000 }), fc.integer({ min: 1, max: 100 }), (n, p) => {
        const sorted = Array.from({ length: n }, (_, i) => i + 1);
        const rank = Math.floor((p * n + 99) / 100);
        return nearestRank(sorted, p) === rank;
      }),
    );
  });
});

describe('durationStats', () => {
  it('reports count, min, percentiles, max and the mean of the given sum', () => {
    const sorted = Float64Array.from([1, 2, 3, 4]);
    expect(durationStats(sorted, 10)).toEqual({ count: 4, min: 1, p50: 2, p90: 4, p95: 4, p99: 4, max: 4, mean: 2.5 });
  });
});

describe('sortWithinGroups', () => {
  it('sorts each group numerically (not as strings), in its own segment', () => {
    const values = Float64Array.from([10, 9, 100, 1, 0, 2.5]);
    const groups = Int32Array.from([1, 0, 1, 1, 2, 0]);
    const { sorted, offsets } = sortWithinGroups(values, groups, [2, 3, 1]);
    expect([...offsets]).toEqual([0, 2, 5, 6]);
    expect([...sorted]).toEqual([2.5, 9, 1, 10, 100, 0]);
  });

  it('handles groups without values', () => {
    const { sorted, offsets } = sortWithinGroups(Float64Array.from([3]), Int32Array.from([1]), [0, 1, 0]);
    expect([...offsets]).toEqual([0, 0, 1, 1]);
    expect([...sorted]).toEqual([3]);
  });
});
