/**
 * The byte-level JSON pieces of the fast path against `JSON.parse`: numbers (value and `Object.is`),
 * strings (what ends them, what sends them to the fallback) and the validating skip of unknown values.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hashBytes } from '../../src/aggregate/key-table.js';
import { fieldNumber, hashedStringEnd, NOT_FAST, scanned, scanNumber, scanString, skipValue, stringEnd } from '../../src/scan/json-bytes.js';
import { runs } from '../helpers/property.js';

/** Scans `text` followed by a comma, as a value sits in a line. */
function number(text: string): number | undefined {
  const buf = Buffer.from(`${text},`);
  const end = scanNumber(buf, 0, buf.length);
  return end === text.length ? scanned.number : undefined;
}

function skip(text: string): boolean {
  const buf = Buffer.from(`${text}}`);
  return skipValue(buf, 0, buf.length) === text.length;
}

const isJsonNumber = (text: string): boolean => {
  try {
    return typeof JSON.parse(text) === 'number';
  } catch {
    return false;
  }
};

describe('scanNumber', () => {
  it('reads every double as JSON.parse does, as JavaScript writes it', () => {
    fc.assert(
      fc.property(fc.double({ noNaN: true, noDefaultInfinity: true }), (d) => {
        const text = JSON.stringify(d);
        expect(Object.is(number(text), JSON.parse(text))).toBe(true);
      }),
      { numRuns: runs(5000) },
    );
  });

  it('reads decimal spellings JavaScript does not write: leading zeros of fractions, exponents, -0, many digits', () => {
    const digits = fc.stringMatching(/^-?(0|[1-9]\d{0,20})(\.\d{1,20})?([eE][+-]?\d{1,3})?$/);
    fc.assert(
      fc.property(digits, (text) => {
        expect(Object.is(number(text), JSON.parse(text))).toBe(true);
      }),
      { numRuns: runs(5000) },
    );
    for (const text of ['-0', '-0.0', '0.000', '1.0', '1e3', '1E+3', '1e-400', '1e400', '123456789012345', '1234567890123456', '0.1', '9007199254740993']) {
      expect(Object.is(number(text), JSON.parse(text)), text).toBe(true);
    }
  });

  it('refuses what JSON does not allow', () => {
    for (const text of ['01', '-', '+1', '.5', '1.', '1e', '1e+', '0x10', 'Infinity', 'NaN', '--1', '1.e3']) {
      expect(isJsonNumber(text), text).toBe(false);
      expect(number(text), text).toBeUndefined();
    }
  });
});

describe('fieldNumber', () => {
  /** What a scanner gives on `text` then `after` then the line's `\n`: the end and the value, or undefined. */
  const read = (scan: (buf: Buffer, i: number, end: number) => number, text: string, after: string): [number, number] | undefined => {
    const buf = Buffer.from(`${text}${after}\n`);
    const end = scan(buf, 0, buf.length - 1);
    return end < 0 ? undefined : [end, scanned.number];
  };

  it('ends where scanNumber ends, with the same value, on any spelling and whatever follows', () => {
    const spelling = fc.oneof(
      fc.stringMatching(/^-?(0|[1-9]\d{0,20})(\.\d{0,20})?([eE][+-]?\d{0,3})?$/),
      fc.stringMatching(/^[-+0-9.eE]{0,25}$/),
      fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }).map(String),
      fc.double({ min: 0, noNaN: true, noDefaultInfinity: true }).map((d) => JSON.stringify(d)),
    );
    const check = (text: string, after: string): void => {
      const fast = read(fieldNumber, text, after);
      const ref = read(scanNumber, text, after);
      expect(fast?.[0], text + after).toBe(ref?.[0]);
      if (ref !== undefined) expect(Object.is(fast![1], ref[1]), text + after).toBe(true);
    };
    fc.assert(
      fc.property(spelling, fc.constantFrom('', ',', '}', 'x', '0', '.', 'e', ',"k":1'), check),
      { numRuns: runs(10_000) },
    );
    for (const text of ['0', '-0', '00', '01', '1.', '1.5', '0.0', '1e3', '123456789012345', '1234567890123456', '12345678901234.5', '1234567890123.45', '0.123456789012345', '0.1234567890123456', '9007199254740993', '-12']) {
      for (const after of [',', '}', '']) check(text, after);
    }
  });
});

describe('stringEnd and hashedStringEnd', () => {
  /** Bytes that matter to a string scan, and others, in any mix. */
  const byte = fc.oneof(fc.constantFrom(0x22, 0x5c, 0x00, 0x1f, 0x20, 0x0a, 0x0d, 0x7f, 0x80, 0xc3, 0xa9, 0xff, 0x61), fc.integer({ min: 0, max: 255 }));

  it('end where scanString ends, with the same hash and ascii flag, at any alignment and line end', () => {
    fc.assert(
      fc.property(fc.array(byte, { maxLength: 40 }), fc.nat(8), fc.nat(40), (bytes, offset, cut) => {
        // A padded buffer: the line's end `end` is anywhere in it, and bytes after it are not the string's.
        const buf = Buffer.concat([Buffer.alloc(offset, 0x61), Buffer.from(bytes), Buffer.from('"",}\n')]);
        const view = new DataView(buf.buffer, buf.byteOffset, buf.length);
        const end = Math.min(buf.length, offset + cut);
        const close = scanString(buf, offset, end);
        const { hash, ascii } = scanned;
        expect(stringEnd(buf, view, offset, end)).toBe(close);
        scanned.hash = 0;
        expect(hashedStringEnd(buf, view, offset, end)).toBe(close);
        if (close >= 0) {
          expect(scanned.hash).toBe(hash);
          expect(scanned.hash).toBe(hashBytes(buf, offset, close));
          expect(scanned.ascii).toBe(ascii);
        }
      }),
      { numRuns: runs(20_000) },
    );
  });
});

describe('scanString', () => {
  it('ends at the closing quote with the hash of the bytes, and leaves escapes and control bytes to JSON.parse', () => {
    const buf = Buffer.from('"caf\u00e9 🚀"');
    const close = scanString(buf, 1, buf.length);
    expect(close).toBe(buf.length - 1);
    expect(scanned.hash).toBe(hashBytes(buf, 1, close));
    expect(scanned.ascii).toBe(false);
    expect(scanString(Buffer.from('"a\\"b"'), 1, 6)).toBe(NOT_FAST);
    expect(scanString(Buffer.from('"a\tb"'), 1, 5)).toBe(NOT_FAST);
    expect(scanString(Buffer.from('"abc'), 1, 4)).toBe(NOT_FAST);
  });
});

describe('skipValue', () => {
  it('accepts exactly the JSON values without whitespace that JSON.parse accepts', () => {
    const json = fc.jsonValue().map((v) => JSON.stringify(v));
    fc.assert(
      fc.property(json, (text) => {
        expect(skip(text)).toBe(true);
      }),
      { numRuns: runs(2000) },
    );
    for (const text of ['[1,]', '{"a":1,}', '{"a"}', '[', '{"a":tru}', '"\\x"', '"\\u12"', '[1 ]', "'a'", 'undefined', '{a:1}', '"a\u0001"']) {
      expect(skip(text), text).toBe(false);
    }
    for (const text of ['"\\u00e9\\n\\"\\\\\\/\\b\\f\\r\\t"', '[[[[]]]]', '{"":{"":[null,true,false,-0.5e-3]}}']) {
      expect(skip(text), text).toBe(true);
      expect(() => JSON.parse(text), text).not.toThrow();
    }
  });
});
