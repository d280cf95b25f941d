/** The byte interner's cache of recent values: a colliding or changed value never gets a stale entry. */
import { describe, expect, it } from 'vitest';
import { ByteInterner } from '../../src/scan/byte-interner.js';

describe('ByteInterner.lookup', () => {
  it('gives the entry of the bytes, whatever the cache held (same length, same first and last byte)', () => {
    const seen: string[] = [];
    const interner = new ByteInterner((s) => {
      seen.push(s);
      return seen.length - 1;
    });
    const values = ['aXz', 'aYz', 'aXz', '', 'a\u00e9z', 'aYz', '', 'abcdefgz', 'abcdefhz', 'abcdefgz'];
    for (const value of values) {
      const buf = Buffer.from(`{"v":"${value}"}`);
      const view = new DataView(buf.buffer, buf.byteOffset, buf.length);
      const start = 6;
      const e = interner.lookup(buf, view, start, start + Buffer.byteLength(value));
      expect(interner.strings[e]).toBe(value);
      expect(seen[interner.idOf(e)]).toBe(value);
    }
    expect(seen).toEqual(['aXz', 'aYz', '', 'a\u00e9z', 'abcdefgz', 'abcdefhz']);
  });
});
