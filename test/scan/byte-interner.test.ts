/** The byte interner's caches of recent values: a colliding or changed value never gets a stale entry. */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ByteInterner } from '../../src/scan/byte-interner.js';
import { runs } from '../helpers/property.js';

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

describe('ByteInterner.guess', () => {
  it('recognizes only the value that is there, whatever values share its slot or its first bytes', () => {
    // 'abcd1234' and 'abcd0047' share their first word and their slot of the cache.
    const part = fc.constantFrom('a', 'b', 'abcdefgh', 'é', '-', '12345678', 'x', 'abcd1234', 'abcd0047');
    const value = fc.array(part, { maxLength: 5 }).map((parts) => parts.join(''));
    const after = fc.constantFrom('","k":1}', '"}', '",', 'x","k":1}');
    fc.assert(
      fc.property(fc.array(fc.tuple(value, after), { minLength: 1, maxLength: 40 }), (steps) => {
        const interner = new ByteInterner(() => 0);
        for (const [v, rest] of steps) {
          const buf = Buffer.from(`{"v":"${v}${rest}\n`);
          const view = new DataView(buf.buffer, buf.byteOffset, buf.length);
          const start = 6;
          const close = buf.indexOf('"', start); // the string is the value and what precedes the quote in `rest`
          const string = buf.toString('utf8', start, close);
          const end = buf.length - 1; // the line's `\n`
          const e = interner.guess(buf, view, start, end);
          if (e >= 0) {
            // What the parser then takes as the string: up to the quote that follows the guessed length.
            expect(start + interner.lengthOf(e)).toBe(close);
            expect(interner.strings[e]).toBe(string);
          } else expect(interner.strings[interner.remember(buf, view, start, close, end)]).toBe(string);
        }
      }),
      { numRuns: runs(500) },
    );
  });
});
