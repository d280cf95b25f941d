import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { bucketBefore, bucketOf } from '../../src/aggregate/epoch-buckets.js';

describe('bucketOf', () => {
  it('floors, also before 1970', () => {
    expect(bucketOf(0, 60_000)).toBe(0);
    expect(bucketOf(59_999, 60_000)).toBe(0);
    expect(bucketOf(60_000, 60_000)).toBe(1);
    expect(bucketOf(-1, 60_000)).toBe(-1);
    expect(bucketOf(-60_000, 60_000)).toBe(-1);
    expect(bucketOf(-60_001, 60_000)).toBe(-2);
  });

  it('is exact for large times and bucket widths', () => {
    fc.assert(
      fc.property(fc.integer({ min: -8.64e15, max: 8.64e15 }), fc.integer({ min: 1, max: 2 ** 40 }), (t, b) => {
        const k = bucketOf(t, b);
        return BigInt(k) * BigInt(b) <= BigInt(t) && BigInt(t) < BigInt(k + 1) * BigInt(b);
      }),
    );
  });
});

const bits = new Float64Array(1);
const word = new BigInt64Array(bits.buffer);
/** The next double towards +Infinity (x != 0). */
function nextUp(x: number): number {
  bits[0] = x;
  word[0]! += x > 0 ? 1n : -1n;
  return bits[0]!;
}
/** The next double towards -Infinity (x != 0). */
function nextDown(x: number): number {
  bits[0] = x;
  word[0]! += x > 0 ? -1n : 1n;
  return bits[0]!;
}

describe('bucketBefore', () => {
  it('keeps an end on a bucket edge in the bucket before', () => {
    expect(bucketBefore(60_000, 60_000)).toBe(0);
    expect(bucketBefore(60_000.5, 60_000)).toBe(1);
    expect(bucketBefore(1, 60_000)).toBe(0);
    expect(bucketBefore(0, 60_000)).toBe(-1);
    expect(bucketBefore(-60_000, 60_000)).toBe(-2);
    expect(bucketBefore(-59_999.5, 60_000)).toBe(-1);
  });

  it('is exact one ulp either side of bucket edges', () => {
    for (const b of [1, 3, 1000, 60_000, 86_400_000]) {
      for (const k of [-1e9, -12_345, -1, 1, 7, 12_345, 1e9]) {
        const edge = k * b;
        expect(bucketBefore(edge, b)).toBe(k - 1);
        expect(bucketBefore(nextUp(edge), b)).toBe(k);
        expect(bucketBefore(nextDown(edge), b)).toBe(k - 1);
        expect(bucketOf(edge, b)).toBe(k);
        expect(bucketOf(nextDown(edge), b)).toBe(k - 1);
      }
    }
  });

  it('satisfies k * b < end <= (k + 1) * b', () => {
    fc.assert(
      fc.property(fc.double({ min: -8.64e12, max: 8.64e12, noNaN: true }), fc.integer({ min: 1, max: 10_000_000 }), (end, b) => {
        const k = bucketBefore(end, b);
        return k * b < end && end <= (k + 1) * b;
      }),
    );
  });
});
