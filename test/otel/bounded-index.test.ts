import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BoundedIndex, MAX_PROBE, hashKey } from '../../src/otel/bounded-index.js';
import { runs } from '../helpers/property.js';

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

/** The index as first written, over a `Map` and a ring of keys: the reference the hash table must match. */
class ReferenceIndex<V> {
  readonly #map = new Map<string, V[]>();
  readonly #ring: (string | undefined)[];
  readonly #perKey: number;
  #next = 0;
  constructor(maxKeys: number, perKey: number) {
    this.#ring = new Array<string | undefined>(maxKeys).fill(undefined);
    this.#perKey = Math.max(2, perKey);
  }
  get(key: string): V[] | undefined {
    const values = this.#map.get(key);
    return values === undefined ? undefined : [...values];
  }
  add(key: string, value: V): void {
    const values = this.#map.get(key);
    if (values !== undefined) {
      values.push(value);
      if (values.length > this.#perKey) values.shift();
      return;
    }
    const evicted = this.#ring[this.#next];
    if (evicted !== undefined) this.#map.delete(evicted);
    this.#ring[this.#next] = key;
    this.#next = (this.#next + 1) % this.#ring.length;
    this.#map.set(key, [value]);
  }
}

describe('BoundedIndex: the hash table', () => {
  const op = fc.record({ key: fc.integer({ min: 0, max: 60 }), get: fc.boolean() });
  const check = (maxKeys: number, perKey: number, ops: { key: number; get: boolean }[], hash?: (key: string) => number): void => {
    const idx = new BoundedIndex<{ n: number }>(maxKeys, perKey);
    const ref = new ReferenceIndex<{ n: number }>(maxKeys, perKey);
    ops.forEach((o, i) => {
      const key = `task-${o.key}`;
      const h = hash?.(key);
      if (o.get) expect(ns(idx.get(key, h))).toEqual(ns(ref.get(key)));
      else {
        idx.add(key, v(i), h);
        ref.add(key, v(i));
      }
    });
    for (let k = 0; k <= 60; k++) {
      const key = `task-${k}`;
      expect(ns(idx.get(key, hash?.(key)))).toEqual(ns(ref.get(key)));
    }
  };

  it('holds what the Map-and-ring index holds, after any sequence of adds and lookups', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 5 }), fc.array(op, { maxLength: 400 }), (maxKeys, perKey, ops) =>
        check(maxKeys, perKey, ops),
      ),
      { numRuns: runs(300) },
    );
  });

  it('holds the same when hashes collide (long clusters, deletions inside them)', () => {
    const colliding = (key: string): number => Number(key.slice(5)) % 3; // three homes for every key
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 40 }), fc.integer({ min: 1, max: 4 }), fc.array(op, { maxLength: 400 }), (maxKeys, perKey, ops) =>
        check(maxKeys, perKey, ops, colliding),
      ),
      { numRuns: runs(300) },
    );
  });

  it('never probes past MAX_PROBE: keys that would are not remembered, the others still are', () => {
    const idx = new BoundedIndex<{ n: number }>(1000, 2);
    const same = 12345; // every key hashes alike: one cluster
    for (let i = 0; i < 300; i++) idx.add(`k${i}`, v(i), same);
    let held = 0;
    for (let i = 0; i < 300; i++) if (idx.get(`k${i}`, same) !== undefined) held++;
    expect(held).toBe(MAX_PROBE + 1);
    expect(ns(idx.get('k0', same))).toEqual([0]);
    idx.add('k0', v(1000), same);
    expect(ns(idx.get('k0', same))).toEqual([0, 1000]);
    // Other keys, whose homes are elsewhere, are unaffected.
    const elsewhere = (i: number) => same + 1000 + i;
    for (let i = 0; i < 500; i++) idx.add(`other${i}`, v(i), elsewhere(i));
    expect(ns(idx.get('other499', elsewhere(499)))).toEqual([499]);
    expect(ns(idx.get('other0', elsewhere(0)))).toEqual([0]);
  });

  it('keeps the ring in order when a full index cannot place a new key', () => {
    const same = 777;
    const apart = same + 100; // a home outside the cluster, whatever the table's size (128 or 256 here)
    const idx = new BoundedIndex<{ n: number }>(MAX_PROBE + 2, 2);
    idx.add('first', v(-1), apart); // ring slot 0
    for (let i = 0; i <= MAX_PROBE; i++) idx.add(`k${i}`, v(i), same); // slots 1..65: one full-length cluster
    idx.add('late', v(100), same); // evicts 'first' (slot 0) but cannot be placed: slot 0 stays free
    expect(idx.get('first', apart)).toBeUndefined();
    expect(idx.get('late', same)).toBeUndefined();
    idx.add('next', v(200), apart); // takes slot 0; evicts nothing else
    expect(ns(idx.get('next', apart))).toEqual([200]);
    expect(ns(idx.get('k0', same))).toEqual([0]);
    idx.add('after', v(300), apart); // slot 1: evicts k0, which makes room in the cluster
    expect(idx.get('k0', same)).toBeUndefined();
    idx.add('late', v(101), same);
    expect(ns(idx.get('late', same))).toEqual([101]);
    expect(ns(idx.get(`k${MAX_PROBE}`, same))).toEqual([MAX_PROBE]);
  });

  it('forgets keys in first-appearance order once full, even when some were never placed', () => {
    const idx = new BoundedIndex<{ n: number }>(3, 2);
    idx.add('a', v(1));
    idx.add('b', v(2));
    idx.add('c', v(3));
    idx.add('d', v(4)); // evicts a
    expect(idx.get('a')).toBeUndefined();
    expect(['b', 'c', 'd'].map((k) => ns(idx.get(k)))).toEqual([[2], [3], [4]]);
  });

  it('hashes strings with a process seed into 32 bits, using every unit', () => {
    expect(Number.isInteger(hashKey('r0/p0-researcher-3'))).toBe(true);
    expect(hashKey('abc')).toBe(hashKey('abc'));
    const homes = new Set<number>();
    for (let i = 0; i < 1000; i++) homes.add(hashKey(`${'x'.repeat(40)}${i}`) & 1023);
    expect(homes.size).toBeGreaterThan(500); // a late unit changes the low bits
  });
});
