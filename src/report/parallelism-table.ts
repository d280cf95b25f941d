/**
 * Parallelism over time as a table, for the terminal: the `--bucket` width made visible where the HTML
 * report draws its chart.
 *
 * @module
 */
import type { MetricsAggregate } from '../aggregate/types.js';
import { formatInt, formatWidth } from './format.js';
import type { ReportTable } from './tables.js';

/** Most rows the table shows; a longer series is shown with several buckets per row. */
export const MAX_PARALLELISM_ROWS = 40;
/** Characters of the longest bar (the peak). */
const BAR_WIDTH = 30;

/**
 * The `parallelismOverTime` buckets as rows: start (UTC), largest concurrency, and a bar of `#`
 * proportional to it. When there are more than `maxRows` buckets, `k = ceil(buckets / maxRows)`
 * consecutive buckets share a row, whose value is their largest: still exactly the largest number of
 * invocations running at one instant in that row's span, so the table's peak stays
 * `peakParallelInvocations`. The title says the bucket width, and how many buckets a row holds.
 *
 * @param a - The aggregate.
 * @param maxRows - Most rows. @default MAX_PARALLELISM_ROWS (40)
 * @returns The `parallelism` table (no rows for an empty run).
 */
export function parallelismTable(a: MetricsAggregate, maxRows = MAX_PARALLELISM_ROWS): ReportTable {
  const buckets = a.parallelismOverTime;
  const perRow = Math.max(1, Math.ceil(buckets.length / maxRows));
  const rows: { start: string; value: number }[] = [];
  for (let i = 0; i < buckets.length; i += perRow) {
    let value = 0;
    for (let j = i; j < Math.min(i + perRow, buckets.length); j++) value = Math.max(value, buckets[j]!.concurrent);
    rows.push({ start: buckets[i]!.bucketStart, value });
  }
  let peak = 0;
  for (const r of rows) peak = Math.max(peak, r.value);
  // Dates only when the run crosses midnight (UTC); milliseconds only when the buckets need them.
  const sameDay = rows.length === 0 || rows[0]!.start.slice(0, 10) === rows.at(-1)!.start.slice(0, 10);
  const timeEnd = (a.bucketMs * perRow) % 1000 === 0 ? 19 : 23;
  const label = (iso: string): string => (sameDay ? iso.slice(11, timeEnd) : `${iso.slice(0, 10)} ${iso.slice(11, timeEnd)}`);
  const bar = (v: number): string => (v === 0 ? '' : '#'.repeat(Math.max(1, Math.round((v / peak) * BAR_WIDTH))));
  const width = formatWidth(a.bucketMs);
  return {
    id: 'parallelism',
    title:
      perRow === 1
        ? `Parallelism over time (${width} buckets, UTC)`
        : `Parallelism over time (${formatWidth(a.bucketMs * perRow)} per row, each the largest of its ${perRow} buckets of ${width}; UTC)`,
    columns: [
      { header: sameDay ? 'Start' : 'Start (date, time)', align: 'left' },
      { header: 'Peak', align: 'right' },
      { header: '', align: 'left' },
    ],
    rows: rows.map((r) => [label(r.start), formatInt(r.value), bar(r.value)]),
  };
}
