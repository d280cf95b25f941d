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

const str = JSON.stringify;

/**
 * Serializes a valid record as one JSON text without a trailing newline.
 *
 * @param m - A record that passed validation (numbers finite, strings strings).
 * @returns The JSON text.
 */
export function serializeMetric(m: InvocationMetric): string {
  // Numbers are finite (validated), so template interpolation writes them exactly as JSON.stringify does.
  let s = `{"invocationId":${str(m.invocationId)},"agent":${str(m.agent)},"phase":${m.phase}`;
  if (m.taskId !== undefined) s += `,"taskId":${str(m.taskId)}`;
  s += `,"durationMs":${m.durationMs},"tokens":${m.tokens}`;
  if (m.inputTokens !== undefined) s += `,"inputTokens":${m.inputTokens}`;
  if (m.outputTokens !== undefined) s += `,"outputTokens":${m.outputTokens}`;
  if (m.cachedTokens !== undefined) s += `,"cachedTokens":${m.cachedTokens}`;
  s += `,"cost":${m.cost},"exitCode":${m.exitCode},"success":${m.success},"attempt":${m.attempt},"outputParsed":${m.outputParsed}`;
  if (m.model !== undefined) s += `,"model":${str(m.model)}`;
  if (m.tier !== undefined) s += `,"tier":${str(m.tier)}`;
  s += `,"timestamp":${str(m.timestamp)}`;
  if (m.errorClass !== undefined) s += `,"errorClass":${str(m.errorClass)}`;
  for (const key in m) {
    if (KNOWN.has(key) || !Object.prototype.hasOwnProperty.call(m, key)) continue;
    const value = str((m as unknown as Record<string, unknown>)[key]);
    // JSON.stringify drops undefined, functions and symbols; so do we.
    if (value !== undefined) s += `,${str(key)}:${value}`;
  }
  return `${s}}`;
}
