/**
 * The log line serializer: one JSON object per record, known fields first in a fixed order (the order of
 * the `InvocationMetric` type), then unknown fields in their own order. Part of the record() hot path.
 *
 * The fixed order is what lets a reader take a fast path on lines this library wrote; the output is plain
 * JSON either way and equals `JSON.parse(JSON.stringify(record))` field for field.
 *
 * @module
 */
import type { InvocationMetric } from './record.js';

const ORDER = [
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
] as const;
const KNOWN = new Set<string>(ORDER);

/**
 * Whether the record's own keys come in the line's order: known keys in the order of `ORDER` (absent ones
 * skipped), then only unknown ones, none named `toJSON`. `JSON.stringify` then writes exactly the line,
 * in one native call and without the intermediate strings of a concatenation. Records parsed from lines
 * this library wrote, and records written in the order of the type, take this path.
 */
function inLineOrder(keys: readonly string[]): boolean {
  let k = 0;
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    while (k < ORDER.length && ORDER[k] !== key) k++;
    if (k === ORDER.length) {
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
