/**
 * The byte-level JSON pieces of the fast path against `JSON.parse`: numbers (value and `Object.is`),
 * strings (what ends them, what sends them to the fallback) and the validating skip of unknown values.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hashBytes } from '../../src/aggregate/key-table.js';
import { endOfString, NOT_FAST, scanInteger, scanned, scanNumber, scanString, skipValue } from '../../src/scan/json-bytes.js';

/** Scans `text` followed by a comma, as a value sits in a line. */
function number(text: string): number | undefined {
  const buf = Buffer.from(`${text},`);
  const end = scanNumber(buf, 0, buf.length);
  return end === text.length ? scanned.number : undefined;
}

function skip(text: string): boolean {
  const buf = Buffer.from(`${text}}`);
  return skipValue(buf, new DataView(buf.buffer, buf.byteOffset, buf.length), 0, buf.length) === text.length;
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
      { numRuns: 5000 },
    );
  });

  it('reads decimal spellings JavaScript does not write: leading zeros of fractions, exponents, -0, many digits', () => {
    const digits = fc.stringMatching(/^-?(0|[1-9]\d{0,20})(\.\d{1,20})?([eE][+-]?\d{1,3})?$/);
    fc.assert(
      fc.property(digits, (text) => {
        expect(Object.is(number(text), JSON.parse(text))).toBe(true);
      }),
      { numRuns: 5000 },
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

describe('scanInteger', () => {
  /** What a scanner gives on `text` followed by `after`: the end and the value, or undefined. */
  const both = (scan: typeof scanNumber, text: string, after: string): [number, number] | undefined => {
    const buf = Buffer.from(text + after);
    const end = scan(buf, 0, buf.length);
    return end < 0 ? undefined : [end, scanned.number];
  };

  it('ends where scanNumber ends, with the same value, on any spelling and whatever follows', () => {
    const spelling = fc.oneof(
      fc.stringMatching(/^-?(0|[1-9]\d{0,20})(\.\d{0,20})?([eE][+-]?\d{0,3})?$/),
      fc.stringMatching(/^[-+0-9.eE]{0,25}$/),
      fc.integer({ min: 0, max: Number.MAX_SAFE_INTEGER }).map(String),
    );
    fc.assert(
      fc.property(spelling, fc.constantFrom('', ',', '}', 'x', '0', '.', 'e'), (text, after) => {
        const fast = both(scanInteger, text, after);
        const ref = both(scanNumber, text, after);
        expect(fast?.[0]).toBe(ref?.[0]);
        if (ref !== undefined) expect(Object.is(fast![1], ref[1])).toBe(true);
      }),
      { numRuns: 5000 },
    );
    for (const text of ['0', '-0', '00', '1.5', '1e3', '123456789012345', '1234567890123456', '9007199254740993', '-12']) {
      const fast = both(scanInteger, text, ',');
      const ref = both(scanNumber, text, ',');
      expect(fast?.[0], text).toBe(ref?.[0]);
      if (ref !== undefined) expect(Object.is(fast![1], ref[1]), text).toBe(true);
    }
  });
});

describe('endOfString', () => {
  it('ends where scanString ends, with the same ascii flag', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 30 }), (text) => {
        const buf = Buffer.from(`"${text}`);
        const close = scanString(buf, 1, buf.length);
        const ascii = scanned.ascii;
        expect(endOfString(buf, 1, buf.length)).toBe(close);
        if (close >= 0) expect(scanned.ascii).toBe(ascii);
      }),
      { numRuns: 3000 },
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
      { numRuns: 2000 },
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
