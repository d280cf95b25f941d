/**
 * Epoch milliseconds to the text `Date.prototype.toISOString()` writes (`2026-11-20T09:00:00.000Z`;
 * years outside 0000-9999 as `+275760` / `-000001`), as SQL: the same in every dialect, with no time type
 * (whose range and formatting differ between engines). Days to a civil date by Howard Hinnant's
 * `civil_from_days` (https://howardhinnant.github.io/date_algorithms.html#civil_from_days).
 *
 * @module
 */
import type { Dialect } from './dialect.js';

/**
 * Select-list items that compute the ISO text of an integer epoch-ms expression, the last one named
 * `${p}iso`. They refer to each other by alias (DuckDB and ClickHouse both allow it in one SELECT).
 *
 * @param d - The dialect.
 * @param ms - An expression whose value is an integer number of milliseconds (a double is fine).
 * @param p - Alias prefix, unique in the SELECT.
 * @returns The items, comma-separated.
 */
export function isoItems(d: Dialect, ms: string, p: string): string {
  const pad = (x: string, n: number): string => `lpad(${d.text(d.int(x))}, ${n}, '0')`;
  return [
    `floor((${ms}) / 86400000) AS ${p}d`,
    `(${ms}) - ${p}d * 86400000 AS ${p}r`,
    `${p}d + 719468 AS ${p}z`,
    `floor(${p}z / 146097) AS ${p}era`,
    `${p}z - ${p}era * 146097 AS ${p}doe`,
    `floor((${p}doe - floor(${p}doe / 1460) + floor(${p}doe / 36524) - floor(${p}doe / 146096)) / 365) AS ${p}yoe`,
    `${p}doe - (365 * ${p}yoe + floor(${p}yoe / 4) - floor(${p}yoe / 100)) AS ${p}doy`,
    `floor((5 * ${p}doy + 2) / 153) AS ${p}mp`,
    `${p}doy - floor((153 * ${p}mp + 2) / 5) + 1 AS ${p}dd`,
    `CASE WHEN ${p}mp < 10 THEN ${p}mp + 3 ELSE ${p}mp - 9 END AS ${p}mm`,
    `${p}yoe + ${p}era * 400 + CASE WHEN ${p}mm <= 2 THEN 1 ELSE 0 END AS ${p}yy`,
    `floor(${p}r / 3600000) AS ${p}h`,
    `floor((${p}r - ${p}h * 3600000) / 60000) AS ${p}mi`,
    `floor((${p}r - ${p}h * 3600000 - ${p}mi * 60000) / 1000) AS ${p}s`,
    `${p}r - ${p}h * 3600000 - ${p}mi * 60000 - ${p}s * 1000 AS ${p}ms`,
    `CASE WHEN ${p}yy >= 0 AND ${p}yy <= 9999 THEN ${pad(`${p}yy`, 4)} WHEN ${p}yy < 0 THEN '-' || ${pad(`-${p}yy`, 6)} ELSE '+' || ${pad(`${p}yy`, 6)} END` +
      ` || '-' || ${pad(`${p}mm`, 2)} || '-' || ${pad(`${p}dd`, 2)} || 'T' || ${pad(`${p}h`, 2)} || ':' || ${pad(`${p}mi`, 2)} || ':' || ${pad(`${p}s`, 2)}` +
      ` || '.' || ${pad(`${p}ms`, 3)} || 'Z' AS ${p}iso`,
  ].join(',\n    ');
}
