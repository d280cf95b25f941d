/**
 * Parsing of option values (`--bucket 30s`, `--since 2026-11-20T09:00Z`). Pure; `undefined` means the
 * value is not valid, and the caller reports a usage error.
 *
 * @module
 */
import { parseTimestamp } from '../record.js';

const UNIT_MS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * Parses a bucket width: a number with an optional unit `ms`, `s`, `m` or `h`; a bare number is
 * milliseconds. The result must be a positive safe integer of milliseconds (`1.5s` is fine, `0.5ms` is
 * not).
 *
 * @param text - The option value, e.g. `30s`, `500ms`, `2m`, `250`.
 * @returns Milliseconds, or `undefined` when invalid.
 */
export function parseBucket(text: string): number | undefined {
  const m = /^(\d+(?:\.\d+)?)(ms|s|m|h)?$/.exec(text.trim());
  if (m === null) return undefined;
  // Rounding to 1e-6 absorbs binary float noise (`1.1s` = 1100.0000000000002 ms) without accepting fractions.
  const ms = Math.round(Number(m[1]) * UNIT_MS[m[2] ?? 'ms']! * 1e6) / 1e6;
  return Number.isSafeInteger(ms) && ms > 0 ? ms : undefined;
}

/**
 * Parses an instant for `--since` / `--until`: the record timestamp grammar, with a mandatory zone
 * (`2026-11-20T09:00Z`, `2026-11-20T10:00:00+01:00`), so that the filter does not depend on the machine's
 * time zone.
 *
 * @param text - The option value.
 * @returns Epoch milliseconds, or `undefined` when invalid.
 */
export function parseInstant(text: string): number | undefined {
  const ms = parseTimestamp(text.trim());
  return Number.isNaN(ms) ? undefined : ms;
}

/**
 * Writes a bucket width as a `--bucket` value, in the largest unit that divides it: `7200000` -> `2h`,
 * `90000` -> `90s`, `1500` -> `1500ms`.
 *
 * @param ms - Width in milliseconds, a positive safe integer.
 * @returns The value, which {@link parseBucket} reads back as `ms`.
 */
export function formatBucket(ms: number): string {
  for (const [unit, size] of [['h', 3_600_000], ['m', 60_000], ['s', 1000]] as const) if (ms % size === 0) return `${ms / size}${unit}`;
  return `${ms}ms`;
}
