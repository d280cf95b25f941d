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

const KNOWN = new Set([
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
]);

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
  // Own enumerable keys, as JSON.stringify visits them; only when there are more than the known ones
  // present (or a known one holding `undefined`) is there anything to add.
  const keys = Object.keys(m);
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
