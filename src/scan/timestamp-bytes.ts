/**
 * Timestamps on raw bytes. The writer's form, `Date.prototype.toISOString()`'s `YYYY-MM-DDTHH:MM:SS.sssZ`,
 * is computed here with integer arithmetic, with the same calendar checks as `parseTimestamp`; any other
 * form goes through `parseTimestamp` itself.
 *
 * @module
 */
import { parseTimestamp } from '../record.js';

const D = 0x30;
const DAYS_IN_MONTH = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

const digit = (buf: Buffer, i: number): number => {
  const d = buf[i]! - D;
  return d >= 0 && d <= 9 ? d : -100_000;
};

/**
 * Days from 1970-01-01 to a proleptic Gregorian date (H. Hinnant's `days_from_civil`), for any year.
 *
 * @param y - Year.
 * @param m - Month, 1 to 12.
 * @param d - Day of the month.
 * @returns Days since the epoch (negative before 1970).
 */
export function daysFromCivil(y: number, m: number, d: number): number {
  y -= m <= 2 ? 1 : 0;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (m + (m > 2 ? -3 : 9)) + 2) / 5) + d - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146097 + doe - 719468;
}

/**
 * Epoch milliseconds of the timestamp whose bytes are `buf[start, end)` (a JSON string body without
 * escapes), exactly as `parseTimestamp` of the decoded string gives them: `NaN` when it is not valid.
 *
 * @param buf - The bytes.
 * @param start - First byte of the string body.
 * @param end - Index of the closing quote.
 * @returns Epoch ms, or `NaN`.
 */
export function timestampMs(buf: Buffer, start: number, end: number): number {
  if (end - start !== 24 || !isoForm(buf, start)) return parseTimestamp(buf.toString('utf8', start, end));
  return isoMs(buf, start);
}

/** Whether the 24 bytes at `start` have the separators of `YYYY-MM-DDTHH:MM:SS.sssZ`. */
function isoForm(buf: Buffer, start: number): boolean {
  return (
    buf[start + 4] === 0x2d &&
    buf[start + 7] === 0x2d &&
    buf[start + 10] === 0x54 &&
    buf[start + 13] === 0x3a &&
    buf[start + 16] === 0x3a &&
    buf[start + 19] === 0x2e &&
    buf[start + 23] === 0x5a
  );
}

/**
 * Epoch milliseconds of the 24 bytes at `start` when they are exactly `YYYY-MM-DDTHH:MM:SS.sssZ` (digits
 * where digits go) and a valid date, as `timestampMs` gives them; otherwise `NaN`, and the caller must
 * take `timestampMs`. A non-`NaN` answer means the bytes are only digits and `-T:.Z`: a JSON string body
 * without escapes.
 *
 * @param buf - The bytes.
 * @param start - First byte.
 * @returns Epoch ms, or `NaN`.
 */
export function isoTimestampMs(buf: Buffer, start: number): number {
  return isoForm(buf, start) ? isoMs(buf, start) : Number.NaN;
}

function isoMs(buf: Buffer, start: number): number {
  const tail = secondsMs(buf, start);
  return tail < 0 ? Number.NaN : minuteMs(buf, start) + tail;
}

/**
 * Epoch milliseconds of the minute `YYYY-MM-DDTHH:MM` of the writer's form at `start` (its first 16
 * bytes), with the calendar checks of `parseTimestamp`; `NaN` when a digit is not one or the date is
 * not valid. The separators are the caller's to check. A non-`NaN` answer depends on these 16 bytes only,
 * so a caller may reuse it for the next timestamp whose first 16 bytes are the same.
 *
 * @param buf - The bytes.
 * @param start - First byte of the timestamp.
 * @returns Epoch ms of the minute, or `NaN`.
 */
export function minuteMs(buf: Buffer, start: number): number {
  const year = digit(buf, start) * 1000 + digit(buf, start + 1) * 100 + digit(buf, start + 2) * 10 + digit(buf, start + 3);
  const month = digit(buf, start + 5) * 10 + digit(buf, start + 6);
  const day = digit(buf, start + 8) * 10 + digit(buf, start + 9);
  const hour = digit(buf, start + 11) * 10 + digit(buf, start + 12);
  const minute = digit(buf, start + 14) * 10 + digit(buf, start + 15);
  // A non-digit makes its field very negative, failing the range checks below.
  if (year < 0 || month < 1 || month > 12 || day < 1 || hour < 0 || hour > 23 || minute < 0 || minute > 59) return Number.NaN;
  const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
  if (day > (month === 2 && !leap ? 28 : DAYS_IN_MONTH[month - 1]!)) return Number.NaN;
  return daysFromCivil(year, month, day) * 86_400_000 + hour * 3_600_000 + minute * 60_000;
}

/**
 * Milliseconds into the minute of the writer's form at `start`: its last 8 bytes, `:SS.sssZ`, separators
 * included (0 to 59 999); -1 when they are not that form or the second is over 59.
 *
 * @param buf - The bytes.
 * @param start - First byte of the timestamp (not of the 8 bytes).
 * @returns Milliseconds, or -1.
 */
export function secondsMs(buf: Buffer, start: number): number {
  if (buf[start + 16] !== 0x3a || buf[start + 19] !== 0x2e || buf[start + 23] !== 0x5a) return -1;
  const second = digit(buf, start + 17) * 10 + digit(buf, start + 18);
  const ms = digit(buf, start + 20) * 100 + digit(buf, start + 21) * 10 + digit(buf, start + 22);
  return second < 0 || second > 59 || ms < 0 ? -1 : second * 1000 + ms;
}
