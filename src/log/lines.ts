/**
 * The rules of a log's lines, in one place: what a line is, which lines are skipped, and the reason each
 * skipped line is warned with. The one line reader (`src/scan/line-scanner.ts`) applies them for every
 * reader of logs: `readLog()`, `loadLog()`, the collector's `loadFromDisk()` and the CLI's scan.
 *
 * - Lines end at the byte `\n` (0x0A), split before decoding: safe in UTF-8, where no multi-byte sequence
 *   holds 0x0A. One `\r` before the `\n` is dropped (CRLF logs). A last line without `\n` is read too, and
 *   warned about as torn when it is skipped (the JSONL crash rule: a crash can cut the last line).
 * - A line longer than the limit (bytes without the `\n`, a `\r` counted) is skipped without being held.
 * - Blank lines (whitespace only, after decoding) are neither records nor skipped lines.
 * - Any other line is decoded as UTF-8 (invalid bytes become U+FFFD) and must be what `JSON.parse` +
 *   `findMetricProblem` accept; the record is what `JSON.parse` gives (unknown fields kept, in order).
 *
 * @module
 */
import { findMetricProblem, type InvocationMetric } from '../record.js';

/**
 * Default longest line, in bytes: 1 MiB, about 3000 times a typical record. The reader skips a longer line
 * without holding it, and the collector refuses a record whose line would be longer, so that everything
 * written can be read back with the defaults.
 */
export const DEFAULT_MAX_LINE_BYTES = 1024 * 1024;

/** What one line of a log holds. */
export type ParsedLine = { kind: 'blank' } | { kind: 'record'; record: InvocationMetric } | { kind: 'invalid'; reason: string };

/**
 * Parses one line of a log (decoded, without its newline): the reference for every line. The line
 * reader's fast path accepts only lines this accepts, with the same record.
 *
 * @param text - The line.
 * @returns `blank` for a line of whitespace only, `record` for a valid record (unknown fields kept as
 *   parsed), `invalid` with the reason otherwise.
 */
export function parseLogLine(text: string): ParsedLine {
  if (text.trim() === '') return { kind: 'blank' };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { kind: 'invalid', reason: `malformed JSON (${(error as Error).message})` };
  }
  const problem = findMetricProblem(value);
  if (problem !== undefined) return { kind: 'invalid', reason: `invalid record: ${problem.message}` };
  return { kind: 'record', record: value as InvocationMetric };
}

/** Prefix of the reason of a skipped last line without a trailing `\n`. */
export const TORN = 'torn last line (no trailing newline: the writer was likely cut off by a crash)';

/**
 * The reason of an overlong line.
 *
 * @param bytes - Its length in bytes, without the `\n`.
 * @param maxLineBytes - The limit.
 * @param terminated - `false` for a torn last line.
 * @returns The reason.
 */
export function overlongReason(bytes: number, maxLineBytes: number, terminated: boolean): string {
  return invalidReason(`line of ${bytes} bytes is longer than maxLineBytes (${maxLineBytes})`, terminated);
}

/**
 * The reason of an invalid line.
 *
 * @param reason - Why {@link parseLogLine} rejected it.
 * @param terminated - `false` for a torn last line.
 * @returns The reason.
 */
export function invalidReason(reason: string, terminated: boolean): string {
  return terminated ? reason : `${TORN}: ${reason}`;
}
