/**
 * JSON grammar on raw bytes, for the fast path: strings without escapes, found four bytes at a time (with
 * an FNV-1a hash of their bytes when asked), numbers as `JSON.parse` reads them, literals, and a
 * validating skip of any value (unknown fields). Every function works on `[i, end)`, where `end` is a
 * line's `\n` or a later one (no token accepted spans a `\n`), and returns the index after what it read,
 * or {@link NOT_FAST} when the bytes are not what the fast path handles (the line then goes to
 * `JSON.parse`).
 * Grammar: RFC 8259 (https://www.rfc-editor.org/rfc/rfc8259).
 *
 * @module
 */

/** The line is not in the fast path's form (or not valid JSON): parse it with `JSON.parse`. */
export const NOT_FAST = -1;

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const MINUS = 0x2d;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;
const COMMA = 0x2c;
const MAX_DEPTH = 64;
const FNV_OFFSET = 0x811c9dc5 | 0;
const FNV_PRIME = 0x01000193;

/** Out-values of the last call (one scanner per thread: no allocation per value). */
export const scanned = {
  /** FNV-1a hash of the last string's bytes (`hashBytes` of `src/aggregate/key-table.ts`). */
  hash: 0,
  /** Whether the last string's bytes were all ASCII. */
  ascii: true,
  /** The last number's value. */
  number: 0,
};

/** 10^k for k <= 22: exactly representable, so `m / 10^k` is correctly rounded (Clinger's fast path). */
const POW10 = Array.from({ length: 23 }, (_, k) => 10 ** k);

/**
 * Reads a string body after its opening quote, up to the closing quote. Escapes and raw control bytes
 * (invalid in JSON) are left to `JSON.parse`. Bytes >= 0x80 are kept: they decode as `JSON.parse` of the
 * UTF-8-decoded line would see them, since a quote byte is never part of a multi-byte sequence.
 *
 * @param buf - The bytes.
 * @param i - Index after the opening quote.
 * @param end - End of the line.
 * @returns Index of the closing quote (hash and ascii in `scanned`), or {@link NOT_FAST}.
 */
export function scanString(buf: Buffer, i: number, end: number): number {
  let h = FNV_OFFSET;
  let high = 0;
  for (; i < end; i++) {
    const b = buf[i]!;
    if (b === QUOTE) {
      scanned.hash = h;
      scanned.ascii = high < 0x80;
      return i;
    }
    if (b === BACKSLASH || b < 0x20) return NOT_FAST;
    high |= b;
    h = Math.imul(h ^ b, FNV_PRIME);
  }
  return NOT_FAST;
}

/**
 * Flags, as bit 7 of each byte, the bytes of the little-endian word `x` that end a string or leave it to
 * `JSON.parse`: `"`, `\`, control bytes (< 0x20). Each term is the classic exact test for "some byte is
 * zero" (`(v - 0x01010101) & ~v`, with `v` the word xor the byte) or "some byte is < 0x20"; a borrow
 * can only flag bytes above a truly flagged one, so the lowest flag always marks the first such byte.
 * Bytes >= 0x80 are never flagged (nor borrowed from).
 */
const stops = (x: number): number => {
  const q = x ^ 0x22222222;
  const s = x ^ 0x5c5c5c5c;
  return (((q - 0x01010101) & ~q) | ((s - 0x01010101) & ~s) | ((x - 0x20202020) & ~x)) & 0x80808080;
};

/** Index (0 to 3) of the byte that holds the lowest flag of `flags` (non-zero). */
const firstFlagged = (flags: number): number => (31 - Math.clz32(flags & -flags)) >> 3;

/**
 * Like {@link scanString} without the hash and the ascii flag, four bytes at a time: finds the closing
 * quote of a string body that has no escape and no raw control byte.
 *
 * @param buf - The bytes.
 * @param view - A `DataView` of the same bytes.
 * @param i - Index after the opening quote.
 * @param end - End of the line.
 * @returns Index of the closing quote, or {@link NOT_FAST}.
 */
export function stringEnd(buf: Buffer, view: DataView, i: number, end: number): number {
  for (; i + 4 <= end; i += 4) {
    const flags = stops(view.getInt32(i, true));
    if (flags !== 0) {
      i += firstFlagged(flags);
      return buf[i] === QUOTE ? i : NOT_FAST;
    }
  }
  for (; i < end; i++) {
    const b = buf[i]!;
    if (b === QUOTE) return i;
    if (b === BACKSLASH || b < 0x20) return NOT_FAST;
  }
  return NOT_FAST;
}

/**
 * {@link scanString} four bytes at a time: the closing quote, with the hash and the ascii flag in `scanned`.
 *
 * @param buf - The bytes.
 * @param view - A `DataView` of the same bytes.
 * @param i - Index after the opening quote.
 * @param end - End of the line.
 * @returns Index of the closing quote (hash and ascii in `scanned`), or {@link NOT_FAST}.
 */
export function hashedStringEnd(buf: Buffer, view: DataView, i: number, end: number): number {
  let h = FNV_OFFSET;
  let high = 0; // bit 7 of each byte seen, in some byte
  for (; i + 4 <= end; i += 4) {
    const x = view.getInt32(i, true);
    const flags = stops(x);
    if (flags !== 0) {
      for (const stop = i + firstFlagged(flags); i < stop; i++) {
        const b = buf[i]!;
        high |= b;
        h = Math.imul(h ^ b, FNV_PRIME);
      }
      if (buf[i] !== QUOTE) return NOT_FAST;
      scanned.hash = h;
      scanned.ascii = (high & 0x80808080) === 0;
      return i;
    }
    high |= x;
    h = Math.imul(h ^ (x & 0xff), FNV_PRIME);
    h = Math.imul(h ^ ((x >>> 8) & 0xff), FNV_PRIME);
    h = Math.imul(h ^ ((x >>> 16) & 0xff), FNV_PRIME);
    h = Math.imul(h ^ (x >>> 24), FNV_PRIME);
  }
  for (; i < end; i++) {
    const b = buf[i]!;
    if (b === QUOTE) {
      scanned.hash = h;
      scanned.ascii = (high & 0x80808080) === 0;
      return i;
    }
    if (b === BACKSLASH || b < 0x20) return NOT_FAST;
    high |= b;
    h = Math.imul(h ^ b, FNV_PRIME);
  }
  return NOT_FAST;
}

/**
 * Reads the number of a field of a writer line, which a comma always follows: a fast path for the
 * common spellings, a non-negative integer or decimal of at most 15 digits (exact as `m / 10^k`, see
 * {@link scanNumber}), and {@link scanNumber} for any other. The digit loops have no bound check: a byte
 * at or before `end` must be neither a digit nor `.` (the caller's sentinel `\n` at `end`).
 *
 * @param buf - The bytes.
 * @param i - Index of the number's first byte.
 * @param end - Bound of the line (see above).
 * @returns Index after the number (value in `scanned.number`), or {@link NOT_FAST}.
 */
export function fieldNumber(buf: Buffer, i: number, end: number): number {
  const from = i;
  let v = buf[i]! - ZERO;
  if (!(v >= 0 && v <= 9)) return scanNumber(buf, from, end);
  let d = 0;
  i++;
  if (v !== 0) {
    while ((d = buf[i]! - ZERO) >= 0 && d <= 9) {
      v = v * 10 + d;
      i++;
    }
  }
  let digits = i - from;
  let scale = 1;
  if (buf[i] === DOT) {
    const dot = ++i;
    while ((d = buf[i]! - ZERO) >= 0 && d <= 9) {
      v = v * 10 + d;
      i++;
    }
    digits += i - dot;
    if (i === dot || digits > 15) return scanNumber(buf, from, end);
    scale = POW10[i - dot]!;
  }
  // More digits, an exponent, a leading zero before a digit: scanNumber decides.
  if (digits > 15 || buf[i] !== COMMA) return scanNumber(buf, from, end);
  scanned.number = scale === 1 ? v : v / scale;
  return i;
}

/**
 * Reads a JSON number: `-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?`. Up to 15 significant
 * digits without an exponent it is computed as `m / 10^k`, exact by Clinger's argument; otherwise by
 * `Number()` on its text, which for this grammar is the same correctly rounded conversion `JSON.parse` does.
 *
 * @param buf - The bytes.
 * @param i - Index of the number's first byte.
 * @param end - End of the line.
 * @returns Index after the number (value in `scanned.number`), or {@link NOT_FAST}.
 */
export function scanNumber(buf: Buffer, i: number, end: number): number {
  const from = i;
  const negative = buf[i] === MINUS;
  if (negative) i++;
  let m = 0;
  let b = buf[i]!;
  if (b === ZERO) i++;
  else if (b > ZERO && b <= NINE) for (; i < end && (b = buf[i]!) >= ZERO && b <= NINE; i++) m = m * 10 + (b - ZERO);
  else return NOT_FAST;
  let digits = i - from - (negative ? 1 : 0);
  let fraction = 0;
  if (buf[i] === DOT) {
    const at = ++i;
    for (; i < end && (b = buf[i]!) >= ZERO && b <= NINE; i++) m = m * 10 + (b - ZERO);
    fraction = i - at;
    if (fraction === 0) return NOT_FAST;
    digits += fraction;
  }
  b = buf[i]!;
  if (b === 0x65 || b === 0x45) {
    i++;
    if (buf[i] === 0x2b || buf[i] === MINUS) i++;
    const at = i;
    for (; i < end && (b = buf[i]!) >= ZERO && b <= NINE; i++);
    if (i === at) return NOT_FAST;
    scanned.number = Number(buf.toString('latin1', from, i));
  } else if (digits > 15) scanned.number = Number(buf.toString('latin1', from, i));
  else {
    const v = fraction === 0 ? m : m / POW10[fraction]!;
    scanned.number = negative ? -v : v;
  }
  return i < end ? i : NOT_FAST; // a value is never the last byte of a line we accept
}

const TRUE = Buffer.from('true');
const FALSE = Buffer.from('false');
const NULL = Buffer.from('null');

/** Whether the bytes of `lit` are at `i` (wholly before `end`). */
function literalAt(buf: Buffer, i: number, end: number, lit: Buffer): boolean {
  if (i + lit.length > end) return false;
  for (let k = 0; k < lit.length; k++) if (buf[i + k] !== lit[k]) return false;
  return true;
}

/**
 * Skips one JSON value of any kind, checking its grammar: strings (escapes checked), numbers, literals,
 * arrays and objects (no whitespace: the writer never emits any, and a line with some takes `JSON.parse`).
 *
 * @param buf - The bytes.
 * @param i - Index of the value's first byte.
 * @param end - End of the line.
 * @param depth - Nesting depth so far.
 * @returns Index after the value, or {@link NOT_FAST}.
 */
export function skipValue(buf: Buffer, i: number, end: number, depth = 0): number {
  if (i >= end) return NOT_FAST;
  const b = buf[i]!;
  if (b === QUOTE) {
    const close = skipEscapedString(buf, i + 1, end);
    return close < 0 ? close : close + 1;
  }
  if (b === MINUS || (b >= ZERO && b <= NINE)) return scanNumber(buf, i, end);
  const lit = b === 0x74 ? TRUE : b === 0x66 ? FALSE : b === 0x6e ? NULL : undefined;
  if (lit !== undefined) return literalAt(buf, i, end, lit) ? i + lit.length : NOT_FAST;
  if (depth >= MAX_DEPTH) return NOT_FAST;
  if (b === 0x5b) return skipContainer(buf, i + 1, end, depth, 0x5d, false);
  if (b === 0x7b) return skipContainer(buf, i + 1, end, depth, 0x7d, true);
  return NOT_FAST;
}

function skipContainer(buf: Buffer, i: number, end: number, depth: number, close: number, keyed: boolean): number {
  if (buf[i] === close) return i + 1;
  for (;;) {
    if (keyed) {
      if (buf[i] !== QUOTE) return NOT_FAST;
      i = skipEscapedString(buf, i + 1, end);
      if (i < 0 || buf[i + 1] !== 0x3a) return NOT_FAST;
      i += 2;
    }
    i = skipValue(buf, i, end, depth + 1);
    if (i < 0 || i >= end) return NOT_FAST;
    const b = buf[i++]!;
    if (b === close) return i;
    if (b !== 0x2c) return NOT_FAST;
  }
}

const HEX = new Uint8Array(256);
for (const c of '0123456789abcdefABCDEF') HEX[c.charCodeAt(0)] = 1;
const SIMPLE_ESCAPES = new Uint8Array(256);
for (const c of '"\\/bfnrt') SIMPLE_ESCAPES[c.charCodeAt(0)] = 1;

/** Reads a string body that may hold escapes, checking them; returns the closing quote's index. */
function skipEscapedString(buf: Buffer, i: number, end: number): number {
  for (; i < end; i++) {
    const b = buf[i]!;
    if (b === QUOTE) return i;
    if (b < 0x20) return NOT_FAST;
    if (b === BACKSLASH) {
      const e = buf[++i]!;
      if (e === 0x75) {
        for (let k = 0; k < 4; k++) if (HEX[buf[++i]!] !== 1) return NOT_FAST;
      } else if (SIMPLE_ESCAPES[e] !== 1) return NOT_FAST;
    }
  }
  return NOT_FAST;
}
