/**
 * The log line serializer: one JSON object per record, known fields first in a fixed order (the order of
 * the `InvocationMetric` type), then unknown fields in their own order. Part of the record() hot path.
 *
 * The fixed order is what lets a reader take a fast path on lines this library wrote; the output is plain
 * JSON either way and equals `JSON.parse(JSON.stringify(record))` field for field.
 *
 * Two ways to the same bytes: {@link serializeMetric} makes the line as a string (any record), and
 * {@link writeMetricLine} writes it as UTF-8 straight into a buffer (records of known fields only, see
 * {@link metricLineBound}): the collector's usual path, which saves making, encoding and collecting a
 * string per record.
 *
 * @module
 */
import type { InvocationMetric } from './record.js';

/** The fields of a record in the order of the `InvocationMetric` type: the order of a written line. */
export const FIELD_ORDER = [
  'invocationId',
  'agent',
  'phase',
  'taskId',
  'durationMs',
  'tokens',
  'inputTokens',
  'outputTokens',
  'cachedTokens',
  'cost',
  'exitCode',
  'success',
  'attempt',
  'outputParsed',
  'model',
  'tier',
  'timestamp',
  'errorClass',
  'provider',
  'costSource',
  'priceTable',
] as const satisfies readonly (keyof InvocationMetric)[];
const KNOWN = new Set<string>(FIELD_ORDER);

/**
 * Whether the record's own keys come in the line's order: known keys in the order of `FIELD_ORDER` (absent ones
 * skipped), then only unknown ones, none named `toJSON`. `JSON.stringify` then writes exactly the line,
 * in one native call and without the intermediate strings of a concatenation. Records parsed from lines
 * this library wrote, and records written in the order of the type, take this path.
 */
function inLineOrder(keys: readonly string[]): boolean {
  let k = 0;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    while (k < FIELD_ORDER.length && FIELD_ORDER[k] !== key) k++;
    if (k === FIELD_ORDER.length) {
      // `key` is unknown or a known key out of order; every key from here on must be unknown.
      for (let j = i; j < keys.length; j++) if (KNOWN.has(keys[j]!) || keys[j] === 'toJSON') return false;
      return true;
    }
    k++;
  }
  return true;
}

/**
 * What `JSON.stringify` escapes in a string: `"`, `\`, control characters, and surrogates (lone ones
 * become `\uXXXX`; paired ones are left to `JSON.stringify` too, rather than told apart here).
 * https://tc39.es/ecma262/#sec-quotejsonstring
 */
// eslint-disable-next-line no-control-regex -- control characters are exactly what JSON must escape
const NEEDS_ESCAPE = /["\\\u0000-\u001f\ud800-\udfff]/;

/** `JSON.stringify(s)` of a string, without its cost when nothing needs escaping (the usual case). */
const str = (s: string): string => (NEEDS_ESCAPE.test(s) ? JSON.stringify(s) : '"' + s + '"');

/**
 * Serializes a valid record as one JSON text without a trailing newline.
 *
 * @param m - A record that passed validation (numbers finite, strings strings).
 * @returns The JSON text, byte for byte what `JSON.stringify` writes for the same fields in this order.
 */
export function serializeMetric(m: InvocationMetric): string {
  // Own enumerable keys, as JSON.stringify visits them.
  const keys = Object.keys(m);
  const proto: unknown = Object.getPrototypeOf(m);
  // A prototype's `toJSON` (a class instance) would take over JSON.stringify: plain objects only.
  if ((proto === Object.prototype || proto === null) && inLineOrder(keys)) return JSON.stringify(m);
  return serializeFields(m, keys);
}

/**
 * {@link serializeMetric} without its `JSON.stringify` path: field by field, so that a known field holding
 * a value that validation would refuse (a record changed after it was validated) is still written rather
 * than thrown on.
 *
 * @param m - A record.
 * @param keys - `Object.keys(m)`.
 * @returns The JSON text.
 */
export function serializeFields(m: InvocationMetric, keys: readonly string[] = Object.keys(m)): string {
  // Numbers are finite (validated), so concatenation writes them exactly as JSON.stringify does. Plain `+`
  // rather than template literals: V8 builds the string with fewer intermediate copies.
  let known = 11; // required fields; each optional one present adds one
  let s = '{"invocationId":' + str(m.invocationId) + ',"agent":' + str(m.agent) + ',"phase":' + m.phase;
  if (m.taskId !== undefined) {
    s += ',"taskId":' + str(m.taskId);
    known++;
  }
  s += ',"durationMs":' + m.durationMs + ',"tokens":' + m.tokens;
  if (m.inputTokens !== undefined) {
    s += ',"inputTokens":' + m.inputTokens;
    known++;
  }
  if (m.outputTokens !== undefined) {
    s += ',"outputTokens":' + m.outputTokens;
    known++;
  }
  if (m.cachedTokens !== undefined) {
    s += ',"cachedTokens":' + m.cachedTokens;
    known++;
  }
  s += ',"cost":' + m.cost + ',"exitCode":' + m.exitCode + (m.success ? ',"success":true' : ',"success":false');
  s += ',"attempt":' + m.attempt + (m.outputParsed ? ',"outputParsed":true' : ',"outputParsed":false');
  if (m.model !== undefined) {
    s += ',"model":' + str(m.model);
    known++;
  }
  if (m.tier !== undefined) {
    s += ',"tier":' + str(m.tier);
    known++;
  }
  s += ',"timestamp":' + str(m.timestamp);
  if (m.errorClass !== undefined) {
    s += ',"errorClass":' + str(m.errorClass);
    known++;
  }
  if (m.provider !== undefined) {
    s += ',"provider":' + str(m.provider);
    known++;
  }
  if (m.costSource !== undefined) {
    s += ',"costSource":' + str(m.costSource);
    known++;
  }
  if (m.priceTable !== undefined) {
    s += ',"priceTable":' + str(m.priceTable);
    known++;
  }
  // Only when there are more keys than the known ones present (or a known one holding `undefined`) is
  // there anything to add.
  if (keys.length !== known) {
    for (const key of keys) {
      if (KNOWN.has(key)) continue;
      const value = JSON.stringify((m as unknown as Record<string, unknown>)[key]);
      // JSON.stringify drops undefined, functions and symbols; so do we.
      if (value !== undefined) s += ',' + JSON.stringify(key) + ':' + value;
    }
  }
  return s + '}';
}

// ---------------------------------------------------------------------------------------------------------
// The byte path: the same line, written as UTF-8 straight into the log writer's buffer, with no line string
// in between (no JSON text to build, then to encode, then to collect). Only for records of known fields.

/** Bytes of an ASCII literal. */
const ascii = (s: string): Uint8Array => Uint8Array.from(s, (c) => c.charCodeAt(0));

const L_INVOCATION_ID = ascii('{"invocationId":"');
const L_AGENT = ascii('","agent":"');
const L_PHASE = ascii('","phase":');
const L_TASK_ID = ascii(',"taskId":"');
const L_DURATION = ascii(',"durationMs":');
const L_TOKENS = ascii(',"tokens":');
const L_INPUT = ascii(',"inputTokens":');
const L_OUTPUT = ascii(',"outputTokens":');
const L_CACHED = ascii(',"cachedTokens":');
const L_COST = ascii(',"cost":');
const L_EXIT_CODE = ascii(',"exitCode":');
const L_SUCCESS_ATTEMPT = ascii(',"success":true,"attempt":');
const L_FAILURE_ATTEMPT = ascii(',"success":false,"attempt":');
const L_PARSED = ascii(',"outputParsed":true');
const L_NOT_PARSED = ascii(',"outputParsed":false');
const L_MODEL = ascii(',"model":"');
const L_TIER = ascii(',"tier":"');
const L_TIMESTAMP = ascii(',"timestamp":"');
const L_ERROR_CLASS = ascii(',"errorClass":"');
const L_PROVIDER = ascii(',"provider":"');
const L_COST_SOURCE = ascii(',"costSource":"');
const L_PRICE_TABLE = ascii(',"priceTable":"');

/**
 * Bytes of everything but the string values: every literal (the longer of each pair), the closing quotes
 * and brace, and 9 numbers of at most 25 characters each (`String` of a finite number never takes more:
 * `-1.7976931348623157e+308` is 24).
 */
const FIXED_BYTES =
  [L_INVOCATION_ID, L_AGENT, L_PHASE, L_TASK_ID, L_DURATION, L_TOKENS, L_INPUT, L_OUTPUT, L_CACHED, L_COST, L_EXIT_CODE]
    .concat([L_FAILURE_ATTEMPT, L_NOT_PARSED, L_MODEL, L_TIER, L_TIMESTAMP, L_ERROR_CLASS, L_PROVIDER, L_COST_SOURCE, L_PRICE_TABLE])
    .reduce((n, l) => n + l.length, 0) +
  11 + // closing quotes of taskId, model, tier, timestamp, errorClass, provider, costSource, priceTable; the closing brace; spare
  9 * 25;

/**
 * Most bytes {@link metricLineBound} accepts: a record with longer strings takes the string path, whose
 * checks (the reader's line limit) then apply. Far above any real record.
 */
export const BYTE_PATH_MAX_BYTES = 64 * 1024;

/** Two ASCII digits per value 0..99, for {@link putNumber}. */
const DIGIT_PAIRS = Uint8Array.from({ length: 200 }, (_, i) => 48 + (i % 2 === 0 ? Math.floor(i / 20) : (i >> 1) % 10));

const isStr = (v: unknown): v is string => typeof v === 'string';
/** A finite number: what validation accepts, and what both `JSON.stringify` and `String` write the same way. */
const isNum = (v: unknown): v is number => typeof v === 'number' && v - v === 0;
const optStr = (v: unknown): boolean => v === undefined || typeof v === 'string';
const optNum = (v: unknown): boolean => v === undefined || isNum(v);

/**
 * An upper bound of the UTF-8 bytes of `serializeMetric(m)`, when {@link writeMetricLine} can write it: `m`
 * holds only known fields (no unknown field, no known field set to `undefined`, nothing enumerable
 * inherited), each of the type validation requires (strings; finite numbers; booleans), and the bound is
 * at most {@link BYTE_PATH_MAX_BYTES}. Otherwise `-1`: the caller takes the string path
 * ({@link serializeMetric}). Records of the type's fields, as frameworks build them, take the byte path;
 * records with unknown fields (forward compatibility) take the string path.
 *
 * A line within the bound can always be written, and is shorter than the reader's line limit: a caller
 * may accept such a record without serializing it yet.
 *
 * @param m - A record (validated or not: anything else gives `-1`).
 * @returns The bound in bytes (the line without its newline), or `-1`.
 */
export function metricLineBound(m: InvocationMetric): number {
  const { invocationId, agent, taskId, model, tier, timestamp, errorClass, provider, costSource, priceTable } = m;
  if (!isStr(invocationId) || !isStr(agent) || !isStr(timestamp) || !optStr(taskId) || !optStr(model) || !optStr(tier) || !optStr(errorClass))
    return -1;
  if (!optStr(provider) || !optStr(costSource) || !optStr(priceTable)) return -1;
  if (!isNum(m.phase) || !isNum(m.durationMs) || !isNum(m.tokens) || !isNum(m.cost) || !isNum(m.exitCode) || !isNum(m.attempt)) return -1;
  if (!optNum(m.inputTokens) || !optNum(m.outputTokens) || !optNum(m.cachedTokens)) return -1;
  if (typeof m.success !== 'boolean' || typeof m.outputParsed !== 'boolean') return -1;
  let present = 11;
  let chars = invocationId.length + agent.length + timestamp.length;
  if (taskId !== undefined) {
    chars += taskId.length;
    present++;
  }
  if (m.inputTokens !== undefined) present++;
  if (m.outputTokens !== undefined) present++;
  if (m.cachedTokens !== undefined) present++;
  if (model !== undefined) {
    chars += model.length;
    present++;
  }
  if (tier !== undefined) {
    chars += tier.length;
    present++;
  }
  if (errorClass !== undefined) {
    chars += errorClass.length;
    present++;
  }
  if (provider !== undefined) {
    chars += provider.length;
    present++;
  }
  if (costSource !== undefined) {
    chars += costSource.length;
    present++;
  }
  if (priceTable !== undefined) {
    chars += priceTable.length;
    present++;
  }
  // Enumerable keys, own and inherited, as counted without allocating an array of them: one more than the
  // present known fields is an unknown field (or an undefined known one, or an inherited one).
  let keys = 0;
  for (const _key in m) keys++;
  if (keys !== present) return -1;
  // JSON escapes take at most 6 bytes per UTF-16 unit (`\u001f`, a lone surrogate's `\udXXX`); UTF-8 at most 3.
  const bound = FIXED_BYTES + 6 * chars;
  return bound <= BYTE_PATH_MAX_BYTES ? bound : -1;
}

/**
 * Writes the line of `m` into `buf` from `start`, as UTF-8 without a newline: byte for byte what
 * `Buffer.from(serializeMetric(m))` holds, without making that string.
 *
 * @param m - A record for which {@link metricLineBound} gave a bound `>= 0`.
 * @param buf - Where to write; must hold that bound of bytes from `start`.
 * @param start - The offset of the line's first byte.
 * @returns The offset just past the line's last byte.
 */
export function writeMetricLine(m: InvocationMetric, buf: Buffer, start: number): number {
  let o = putLiteral(buf, start, L_INVOCATION_ID);
  o = putString(buf, o, m.invocationId);
  o = putLiteral(buf, o, L_AGENT);
  o = putString(buf, o, m.agent);
  o = putLiteral(buf, o, L_PHASE);
  o = putNumber(buf, o, m.phase);
  if (m.taskId !== undefined) o = putClosedString(buf, o, L_TASK_ID, m.taskId);
  o = putLiteral(buf, o, L_DURATION);
  o = putNumber(buf, o, m.durationMs);
  o = putLiteral(buf, o, L_TOKENS);
  o = putNumber(buf, o, m.tokens);
  if (m.inputTokens !== undefined) {
    o = putLiteral(buf, o, L_INPUT);
    o = putNumber(buf, o, m.inputTokens);
  }
  if (m.outputTokens !== undefined) {
    o = putLiteral(buf, o, L_OUTPUT);
    o = putNumber(buf, o, m.outputTokens);
  }
  if (m.cachedTokens !== undefined) {
    o = putLiteral(buf, o, L_CACHED);
    o = putNumber(buf, o, m.cachedTokens);
  }
  o = putLiteral(buf, o, L_COST);
  o = putNumber(buf, o, m.cost);
  o = putLiteral(buf, o, L_EXIT_CODE);
  o = putNumber(buf, o, m.exitCode);
  o = putLiteral(buf, o, m.success ? L_SUCCESS_ATTEMPT : L_FAILURE_ATTEMPT);
  o = putNumber(buf, o, m.attempt);
  o = putLiteral(buf, o, m.outputParsed ? L_PARSED : L_NOT_PARSED);
  if (m.model !== undefined) o = putClosedString(buf, o, L_MODEL, m.model);
  if (m.tier !== undefined) o = putClosedString(buf, o, L_TIER, m.tier);
  o = putClosedString(buf, o, L_TIMESTAMP, m.timestamp);
  if (m.errorClass !== undefined) o = putClosedString(buf, o, L_ERROR_CLASS, m.errorClass);
  if (m.provider !== undefined) o = putClosedString(buf, o, L_PROVIDER, m.provider);
  if (m.costSource !== undefined) o = putClosedString(buf, o, L_COST_SOURCE, m.costSource);
  if (m.priceTable !== undefined) o = putClosedString(buf, o, L_PRICE_TABLE, m.priceTable);
  buf[o++] = 0x7d;
  return o;
}

/** A field whose literal opens its string and whose string closes itself (the next literal may vary). */
function putClosedString(buf: Buffer, o: number, literal: Uint8Array, s: string): number {
  o = putString(buf, putLiteral(buf, o, literal), s);
  buf[o] = 0x22;
  return o + 1;
}

/**
 * Copies a literal with `TypedArray#set` (a memmove): measured 5 to 10% faster for the whole line than a
 * byte loop (`bench/scenarios/record.mjs`-style loop over 100k records, CPU time, Node 24).
 */
function putLiteral(buf: Buffer, o: number, literal: Uint8Array): number {
  buf.set(literal, o);
  return o + literal.length;
}

/**
 * The inside of a JSON string (without its quotes). Printable ASCII without `"` and `\` is copied byte for
 * byte; any other string is written as `JSON.stringify` escapes it, encoded by `Buffer#write` (the escaped
 * text is well-formed UTF-16: lone surrogates are escaped, so UTF-8 encodes it exactly).
 */
function putString(buf: Buffer, o: number, s: string): number {
  const n = s.length;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c === 0x22 || c === 0x5c || c >= 0x80) {
      const escaped = JSON.stringify(s);
      return o + buf.write(escaped.slice(1, -1), o, 'utf8');
    }
    buf[o + i] = c;
  }
  return o + n;
}

/**
 * A finite number as `String(n)` (and `JSON.stringify`) writes it: int32 values digit by digit (`-0` is
 * `0`), positive values below 1e9 with at most 6 decimals (USD costs, durations in ms) by
 * {@link putDecimal}, any other through `String`, whose output is ASCII.
 */
function putNumber(buf: Buffer, o: number, n: number): number {
  if ((n | 0) !== n) {
    if (n > 0 && n < 1e9) {
      const micros = Math.round(n * 1e6);
      if (micros / 1e6 === n) return putDecimal(buf, o, micros);
    }
    const s = String(n);
    const len = s.length;
    for (let i = 0; i < len; i++) buf[o + i] = s.charCodeAt(i);
    return o + len;
  }
  return putInt(buf, o, n);
}

/**
 * Writes `micros / 1e6`, a number that is exactly the double nearest to that decimal (checked by the
 * caller: `micros / 1e6 === n`, where both the division and JavaScript's number parsing round correctly),
 * as `String` writes it: integer digits, then the 6 decimals without trailing zeros.
 *
 * Why this is `String(n)`: `String` writes the decimal with the fewest significant digits that rounds to
 * `n`. Any such decimal with no more digits than `micros / 1e6` has at most 6 decimals too, and two
 * different decimals of at most 6 decimals are 1e-6 apart, more than the gap between two doubles below
 * 1e9 (at most 2^-23 there): so only one of them rounds to `n`, the one written here. Below 1e9 and from
 * 1e-6 up, `String` uses plain decimal notation.
 */
function putDecimal(buf: Buffer, o: number, micros: number): number {
  const whole = Math.floor(micros / 1e6);
  let frac = micros - whole * 1e6;
  o = putInt(buf, o, whole);
  if (frac === 0) return o; // not reached for non-integers; kept for safety
  buf[o++] = 0x2e;
  let digits = 6;
  while (frac % 10 === 0) {
    frac /= 10;
    digits--;
  }
  for (let i = digits - 1; i >= 0; i--) {
    buf[o + i] = 0x30 + (frac % 10);
    frac = Math.floor(frac / 10);
  }
  return o + digits;
}

/** An int32 value's decimal digits (`-0` as `0`). */
function putInt(buf: Buffer, o: number, n: number): number {
  if (n < 0) {
    buf[o++] = 0x2d;
    n = -n; // at most 2^31, still exact
  }
  const len = n < 10 ? 1 : n < 100 ? 2 : n < 1e3 ? 3 : n < 1e4 ? 4 : n < 1e5 ? 5 : n < 1e6 ? 6 : n < 1e7 ? 7 : n < 1e8 ? 8 : n < 1e9 ? 9 : 10;
  let e = o + len;
  while (n >= 100) {
    const q = Math.floor(n / 100);
    const pair = (n - q * 100) * 2;
    buf[--e] = DIGIT_PAIRS[pair + 1]!;
    buf[--e] = DIGIT_PAIRS[pair]!;
    n = q;
  }
  if (n >= 10) {
    buf[--e] = DIGIT_PAIRS[n * 2 + 1]!;
    buf[--e] = DIGIT_PAIRS[n * 2]!;
  } else buf[--e] = 0x30 + n;
  return o + len;
}
