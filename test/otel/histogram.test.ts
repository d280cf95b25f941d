import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BucketHistogram, bucketIndex } from '../../src/otel/histogram.js';
import { DURATION_BOUNDS, TOKEN_BOUNDS } from '../helpers/otel-expected.js';

const linear = (bounds: readonly number[], v: number): number => {
  const i = bounds.findIndex((b) => v <= b);
  return i === -1 ? bounds.length : i;
};

describe('bucketIndex', () => {
  it('treats boundaries as inclusive upper bounds (OTel explicit buckets, Prometheus le)', () => {
    DURATION_BOUNDS.forEach((b, i) => expect(bucketIndex(DURATION_BOUNDS, b)).toBe(i));
    TOKEN_BOUNDS.forEach((b, i) => expect(bucketIndex(TOKEN_BOUNDS, b)).toBe(i));
  });

  it('puts values below the first bound in bucket 0 and above the last one in the overflow bucket', () => {
    expect(bucketIndex(DURATION_BOUNDS, 0)).toBe(0);
    expect(bucketIndex(DURATION_BOUNDS, 409.6000001)).toBe(13);
    expect(bucketIndex(TOKEN_BOUNDS, 67108865)).toBe(14);
    expect(bucketIndex([], 5)).toBe(0);
  });

  it('agrees with a linear search on any value', () => {
    fc.assert(
      fc.property(fc.double({ min: 0, max: 1e9, noNaN: true }), (v) => {
        expect(bucketIndex(DURATION_BOUNDS, v)).toBe(linear(DURATION_BOUNDS, v));
        expect(bucketIndex(TOKEN_BOUNDS, v)).toBe(linear(TOKEN_BOUNDS, v));
      }),
    );
  });
});

describe('BucketHistogram', () => {
  it('keeps exact count, sum, min, max and bucket counts', () => {
    const h = new BucketHistogram([1, 10], { k: 'v' });
    for (const v of [0.5, 1, 2, 10, 11, 100]) h.add(v);
    expect(h.point()).toEqual({ attributes: { k: 'v' }, count: 6, sum: 124.5, min: 0.5, max: 100, boundaries: [1, 10], counts: [2, 2, 2] });
  });

  it('reports an empty histogram with min Infinity and max -Infinity', () => {
    const p = new BucketHistogram([1], {}).point();
    expect(p).toMatchObject({ count: 0, sum: 0, min: Infinity, max: -Infinity, counts: [0, 0] });
  });

  it('hands out copies: a point does not change when the histogram does', () => {
    const h = new BucketHistogram([1], {});
    h.add(0);
    const before = h.point();
    h.add(5);
    expect(before.counts).toEqual([1, 0]);
    expect(before.count).toBe(1);
    expect(h.point().counts).toEqual([1, 1]);
  });

  it('reuses one attribute object for every point (no allocation per record)', () => {
    const attrs = { a: 'b' };
    const h = new BucketHistogram([1], attrs);
    expect(h.attributes).toBe(attrs);
    expect(h.point().attributes).toBe(attrs);
  });
});
