/**
 * The line limit and the reasons of the lines the scanner skips without parsing them. The texts are the
 * reader's (`src/log/reader.ts`), word for word: a log gives the same warnings whichever reads it, and
 * `test/scan` checks it.
 *
 * @module
 */

/** Longest line read by default, in bytes without the `\n`: the reader's limit (`src/log/lines.ts`). */
export { DEFAULT_MAX_LINE_BYTES } from '../log/lines.js';

/** Prefix of the reason of a last line without a trailing `\n`. */
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
  const reason = `line of ${bytes} bytes is longer than maxLineBytes (${maxLineBytes})`;
  return terminated ? reason : `${TORN}: ${reason}`;
}

/**
 * The reason of an invalid line.
 *
 * @param reason - Why `parseLogLine` rejected it.
 * @param terminated - `false` for a torn last line.
 * @returns The reason.
 */
export function invalidReason(reason: string, terminated: boolean): string {
  return terminated ? reason : `${TORN}: ${reason}`;
}
