/**
 * The parallelism-over-time chart: a step area of the `parallelismOverTime` buckets.
 *
 * @module
 */
import type { ParallelismBucket } from '../aggregate/types.js';
import { formatCompact, formatInt, formatWidth } from './format.js';
import { CHAR_WIDTH, CHART_WIDTH, COLORS, emptyChart, niceTicks, round, svg, text, tooltip } from './svg.js';

/** Options of {@link renderParallelismChart}. */
export interface ParallelismChartOptions {
  /**
   * Chart id.
   * @default 'chart-parallelism'
   */
  id?: string;
  /**
   * Largest number of columns drawn. Longer series are merged into wider columns that keep the maximum
   * of the buckets they cover, so the peak is never lost.
   * @default 600
   */
  maxColumns?: number;
  /**
   * Width of the coordinate system, px.
   * @default 720
   */
  width?: number;
}

/** Least room left of the plot for the y tick labels; more when the widest label needs it. */
const LEFT = 44;
const RIGHT = 16;
const TOP = 14;
const PLOT_HEIGHT = 180;

function timeLabel(iso: string, long: boolean): string {
  // ISO 8601 UTC: `2026-11-20T09:00:00.000Z`; the axis says UTC, so the label keeps only what varies.
  return long ? `${iso.slice(5, 10)} ${iso.slice(11, 16)}` : iso.slice(11, 19);
}

/**
 * Draws parallelism over time as a step area chart, with integer y ticks, UTC time labels and a dashed
 * line at the peak. Each column has a tooltip with its start and value.
 *
 * @param buckets - The aggregate's `parallelismOverTime`.
 * @param bucketMs - The aggregate's `bucketMs`.
 * @param options - Chart options.
 * @returns The SVG element (an empty-state chart when there are no buckets).
 */
export function renderParallelismChart(buckets: readonly ParallelismBucket[], bucketMs: number, options: ParallelismChartOptions = {}): string {
  const id = options.id ?? 'chart-parallelism';
  const width = options.width ?? CHART_WIDTH;
  if (buckets.length === 0) return emptyChart(id, 'No invocations', width);
  const factor = Math.ceil(buckets.length / (options.maxColumns ?? 600));
  const columns: ParallelismBucket[] = [];
  for (let i = 0; i < buckets.length; i += factor) {
    const group = buckets.slice(i, i + factor);
    columns.push({ bucketStart: group[0]!.bucketStart, concurrent: Math.max(...group.map((b) => b.concurrent)) });
  }
  const peak = Math.max(...columns.map((c) => c.concurrent));
  const ticks = niceTicks(peak, 4, true);
  // Compact labels (150.0k), and room for the widest: a huge run's `150000` was clipped at the left edge.
  const labels = ticks.map((t) => formatCompact(t));
  const left = Math.max(LEFT, Math.ceil(Math.max(...labels.map((l) => l.length)) * CHAR_WIDTH + 10));
  const yScale = PLOT_HEIGHT / (ticks.at(-1) ?? 1);
  const plotWidth = width - left - RIGHT;
  const colWidth = plotWidth / columns.length;
  const bottom = TOP + PLOT_HEIGHT;
  const y = (v: number): number => round(bottom - v * yScale);
  const long = buckets.length * bucketMs > 86_400_000;

  const parts: string[] = [];
  ticks.forEach((t, i) => {
    parts.push(`<line class="grid" x1="${left}" y1="${y(t)}" x2="${width - RIGHT}" y2="${y(t)}" stroke="${COLORS.grid}"/>`);
    parts.push(text(left - 6, y(t) + 4, labels[i] ?? String(t), 'class="tick" text-anchor="end"'));
  });
  let path = `M${left},${bottom}`;
  columns.forEach((c, i) => {
    path += ` L${round(left + i * colWidth)},${y(c.concurrent)} L${round(left + (i + 1) * colWidth)},${y(c.concurrent)}`;
  });
  path += ` L${width - RIGHT},${bottom} Z`;
  parts.push(`<path class="area" d="${path}" fill="${COLORS.primary}" fill-opacity="0.25" stroke="${COLORS.primary}" stroke-width="1.5"/>`);
  // Invisible full-height columns carry the tooltips, so that a thin column is still easy to hover.
  columns.forEach((c, i) => {
    parts.push(
      `<rect class="hover" x="${round(left + i * colWidth)}" y="${TOP}" width="${round(Math.max(colWidth, 0.5))}" height="${PLOT_HEIGHT}" fill="transparent">` +
        `${tooltip(`${c.bucketStart}: ${c.concurrent} concurrent`)}</rect>`,
    );
  });
  parts.push(`<line class="peak" x1="${left}" y1="${y(peak)}" x2="${width - RIGHT}" y2="${y(peak)}" stroke="${COLORS.danger}" stroke-dasharray="4 3"/>`);
  parts.push(text(width - RIGHT, y(peak) - 4, `peak ${formatInt(peak)}`, 'class="note" text-anchor="end"'));
  // Every step-th column is labelled, so that labels are evenly spaced.
  const step = Math.ceil(columns.length / 6);
  for (let i = 0; i < columns.length; i += step) {
    // At the column's left edge: a bucket is labelled with its start, like `bucketStart`.
    const x = left + i * colWidth;
    parts.push(`<line x1="${round(x)}" y1="${bottom}" x2="${round(x)}" y2="${bottom + 4}" stroke="${COLORS.axis}"/>`);
    const label = timeLabel(columns[i]!.bucketStart, long);
    // Centred on its tick, unless that would run past the chart's right edge.
    const anchor = x + (label.length * CHAR_WIDTH) / 2 > width ? 'end' : 'middle';
    parts.push(text(anchor === 'end' ? width - 2 : x, bottom + 16, label, `class="tick" text-anchor="${anchor}"`));
  }
  parts.push(`<line x1="${left}" y1="${bottom}" x2="${width - RIGHT}" y2="${bottom}" stroke="${COLORS.axis}"/>`);
  const note = factor > 1 ? `, ${factor} buckets per column (max)` : '';
  parts.push(text(left, bottom + 34, `UTC, bucket ${formatWidth(bucketMs)}${note}`, 'class="note"'));
  return svg(id, `Parallel invocations over time, peak ${peak}`, bottom + 42, parts.join(''), width);
}
