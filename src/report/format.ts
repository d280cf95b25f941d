/**
 * Number formatting for the reports. Locale-independent on purpose: reports are compared with stored
 * snapshots and pasted into pull requests, so `12,345` must not become `12.345` on another machine.
 *
 * @module
 */

/**
 * Formats an integer with `,` thousands separators: `12345` -> `12,345`.
 *
 * @param n - A finite number; it is rounded to an integer.
 * @returns The formatted number.
 */
export function formatInt(n: number): string {
  const sign = n < 0 ? '-' : '';
  return sign + String(Math.round(Math.abs(n))).replace(/\B(?=(\d{3})+(?!\d))/g, ',');
}

/**
 * Formats a cost in USD with four decimals (LLM invocations often cost fractions of a cent):
 * `0.01234` -> `$0.0123`, `1234.5` -> `$1,234.5000`.
 *
 * @param usd - Cost in USD.
 * @returns The formatted cost.
 */
export function formatCost(usd: number): string {
  const fixed = Math.abs(usd).toFixed(4);
  const [whole = '0', frac = ''] = fixed.split('.');
  return `${usd < 0 ? '-' : ''}$${formatInt(Number(whole))}.${frac}`;
}

/**
 * Formats a cost for a headline figure, with as many decimals as its size deserves: `$7,350`, `$12.35`,
 * `$0.0123`.
 *
 * @param usd - Cost in USD.
 * @returns The formatted cost.
 */
export function formatCostShort(usd: number): string {
  if (Math.abs(usd) >= 1000) return `${usd < 0 ? '-' : ''}$${formatInt(Math.abs(usd))}`;
  if (Math.abs(usd) >= 1) return `${usd < 0 ? '-' : ''}$${Math.abs(usd).toFixed(2)}`;
  return formatCost(usd);
}

/**
 * Formats a ratio in [0, 1] as a percentage with one decimal: `0.8333` -> `83.3%`.
 *
 * @param ratio - The ratio.
 * @returns The percentage.
 */
export function formatPercent(ratio: number): string {
  return `${(ratio * 100).toFixed(1)}%`;
}

/**
 * Formats a duration for people: `850 ms`, `12.3 s`, `5m 12s`, `2h 05m`.
 *
 * @param ms - Duration in milliseconds.
 * @returns The formatted duration.
 */
export function formatDuration(ms: number): string {
  // Thresholds sit half a unit below the boundary so that rounding never prints `1000 ms` or `60.0 s`.
  if (ms < 999.5) return `${Math.round(ms)} ms`;
  if (ms < 59_950) return `${(ms / 1000).toFixed(1)} s`;
  const totalSeconds = Math.round(ms / 1000);
  if (totalSeconds < 3600) return `${Math.floor(totalSeconds / 60)}m ${String(totalSeconds % 60).padStart(2, '0')}s`;
  const totalMinutes = Math.round(ms / 60_000);
  return `${Math.floor(totalMinutes / 60)}h ${String(totalMinutes % 60).padStart(2, '0')}m`;
}

/**
 * Formats a token count compactly for chart labels: `950`, `12.3k`, `4.5M`.
 *
 * @param n - A count.
 * @returns The compact form.
 */
export function formatCompact(n: number): string {
  const abs = Math.abs(n);
  if (abs >= 1e9) return `${(n / 1e9).toFixed(1)}G`;
  if (abs >= 1e6) return `${(n / 1e6).toFixed(1)}M`;
  if (abs >= 1e4) return `${(n / 1e3).toFixed(1)}k`;
  return formatInt(n);
}

/**
 * Formats a bucket width exactly, in the largest unit that divides it: `30000` -> `30 s`, `120000` ->
 * `2 min`, `1500` -> `1500 ms`.
 *
 * @param ms - Width in milliseconds.
 * @returns The formatted width.
 */
export function formatWidth(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  if (ms % 1000 === 0) return `${ms / 1000} s`;
  return `${ms} ms`;
}

/**
 * Formats a round cost for an axis tick, without trailing zeros: `0.1` -> `$0.1`, `2` -> `$2`.
 *
 * @param usd - Cost in USD.
 * @returns The formatted tick.
 */
export function formatCostTick(usd: number): string {
  return `$${Number(usd.toPrecision(6))}`;
}

/**
 * Chooses the singular or plural form of a counted noun: `plural(1, 'retry', 'retries')` -> `1 retry`.
 *
 * @param n - The count.
 * @param one - Singular form.
 * @param many - Plural form.
 * @returns The count, formatted, with its noun.
 */
export function plural(n: number, one: string, many: string): string {
  return `${formatInt(n)} ${n === 1 ? one : many}`;
}
