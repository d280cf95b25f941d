import { describe, expect, it } from 'vitest';
import { BoundedIndex } from '../../src/otel/bounded-index.js';

const v = (n: number) => ({ n });
const ns = (values: readonly { n: number }[] | undefined) => values?.map((x) => x.n);

describe('BoundedIndex', () => {
  it('returns undefined for an unknown key and the values of a key in insertion order', () => {
    const idx = new BoundedIndex<{ n: number }>(4, 4);
    expect(idx.get('a')).toBeUndefined();
    idx.add('a', v(1));
    expect(ns(idx.get('a'))).toEqual([1]);
    idx.add('a', v(2));
    idx.add('a', v(3));
    expect(ns(idx.get('a'))).toEqual([1, 2, 3]);
  });

  it('keeps the newest perKey values of a key, still in insertion order', () => {
    const idx = new BoundedIndex<{ n: number }>(4, 3);
    for (let i = 1; i <= 8; i++) idx.add('a', v(i));
    expect(ns(idx.get('a'))).toEqual([6, 7, 8]);
  });

  it('keeps at least two values per key', () => {
    const idx = new BoundedIndex<{ n: number }>(4, 1);
    for (let i = 1; i <= 3; i++) idx.add('a', v(i));
    expect(ns(idx.get('a'))).toEqual([2, 3]);
  });

  it('forgets the key that appeared first once maxKeys keys are held', () => {
    const idx = new BoundedIndex<{ n: number }>(2, 4);
    idx.add('a', v(1));
    idx.add('b', v(2));
    idx.add('a', v(3)); // not a new key: no eviction, and no refresh of a's age
    idx.add('c', v(4));
    expect(idx.get('a')).toBeUndefined();
    expect(ns(idx.get('b'))).toEqual([2]);
    expect(ns(idx.get('c'))).toEqual([4]);
    // A forgotten key comes back as a new one.
    idx.add('a', v(5));
    expect(ns(idx.get('a'))).toEqual([5]);
    expect(idx.get('b')).toBeUndefined();
  });

  it('stays bounded over many keys', () => {
    const idx = new BoundedIndex<{ n: number }>(100, 2);
    for (let i = 0; i < 10_000; i++) idx.add(`k${i}`, v(i));
    let held = 0;
    for (let i = 0; i < 10_000; i++) if (idx.get(`k${i}`) !== undefined) held++;
    expect(held).toBe(100);
    expect(ns(idx.get('k9999'))).toEqual([9999]);
  });

  it('returns a new array each time', () => {
    const idx = new BoundedIndex<{ n: number }>(2, 4);
    idx.add('a', v(1));
    idx.add('a', v(2));
    const got = idx.get('a') as { n: number }[];
    got.pop();
    expect(ns(idx.get('a'))).toEqual([1, 2]);
  });
});
