/**
 * Horizontal bar charts (one row per agent or phase), single-series, stacked or grouped.
 *
 * @module
 */
import { CHAR_WIDTH, CHART_WIDTH, COLORS, emptyChart, niceTicks, round, svg, text, tooltip, truncate } from './svg.js';

/** One series of a bar chart (one colour). */
export interface BarSeries {
  /** Name shown in the legend and tooltips. */
  name: string;
  /** Fill colour (trusted: from the report's palette). */
  color: string;
}

/** One row of a bar chart. */
export interface BarRow {
  /** Row label (an agent name, a phase); untrusted, escaped when drawn. */
  label: string;
  /** One value per series, >= 0. */
  values: number[];
}

/** What {@link renderBarChart} draws. */
export interface BarChartSpec {
  /** Chart id. */
  id: string;
  /** Accessible description. */
  label: string;
  /** Series, in drawing order. */
  series: BarSeries[];
  /** Rows, top to bottom. */
  rows: BarRow[];
  /**
   * `stacked`: one bar per row, series end to end, labelled with the row's total. `grouped`: one thin bar
   * per series, each labelled with its value.
   * @default 'stacked'
   */
  mode?: 'stacked' | 'grouped';
  /** Formats values for labels and tooltips. */
  format: (value: number) => string;
  /**
   * Formats axis ticks (round numbers, which deserve a shorter form than exact values).
   * @default format
   */
  tickFormat?: (value: number) => string;
  /**
   * Values are counts: axis ticks are whole numbers.
   * @default false
   */
  integer?: boolean;
  /**
   * Largest number of rows drawn; the chart says how many more there are.
   * @default 30
   */
  maxRows?: number;
  /**
   * Width of the coordinate system, px.
   * @default 720
   */
  width?: number;
}

const LABEL_CHARS = 28;
const VALUE_SPACE = 96;

function legend(series: BarSeries[], y: number): string {
  let x = 0;
  return series
    .map((s) => {
      const item = `<rect x="${x}" y="${y - 10}" width="12" height="12" rx="2" fill="${s.color}"/>${text(x + 18, y, s.name, 'class="legend"')}`;
      x += 18 + s.name.length * CHAR_WIDTH + 20;
      return item;
    })
    .join('');
}

/**
 * Draws a horizontal bar chart with a value axis at the bottom, gridlines, a legend when there is more
 * than one series, and a tooltip on every bar.
 *
 * @param spec - What to draw.
 * @returns The SVG element (an empty-state chart when there are no rows).
 */
export function renderBarChart(spec: BarChartSpec): string {
  const width = spec.width ?? CHART_WIDTH;
  if (spec.rows.length === 0) return emptyChart(spec.id, 'No data', width);
  const grouped = spec.mode === 'grouped';
  const maxRows = spec.maxRows ?? 30;
  const rows = spec.rows.slice(0, maxRows);
  const hidden = spec.rows.length - rows.length;
  const labelWidth = Math.min(LABEL_CHARS, Math.max(...rows.map((r) => [...r.label].length))) * CHAR_WIDTH + 16;
  const x0 = labelWidth;
  const plotWidth = width - x0 - VALUE_SPACE;
  const top = spec.series.length > 1 ? 30 : 8;
  const barHeight = grouped ? 10 : 16;
  const rowHeight = grouped ? spec.series.length * (barHeight + 2) + 12 : barHeight + 10;
  const max = Math.max(...rows.map((r) => (grouped ? Math.max(...r.values) : r.values.reduce((s, v) => s + v, 0))));
  const ticks = niceTicks(max, 4, spec.integer === true);
  const tickFormat = spec.tickFormat ?? spec.format;
  const scale = plotWidth / (ticks.at(-1) ?? 1);
  const plotBottom = top + rows.length * rowHeight;

  const parts: string[] = [];
  if (spec.series.length > 1) parts.push(legend(spec.series, 16));
  for (const t of ticks) {
    const x = round(x0 + t * scale);
    parts.push(`<line class="grid" x1="${x}" y1="${top}" x2="${x}" y2="${plotBottom}" stroke="${COLORS.grid}"/>`);
    parts.push(text(x, plotBottom + 16, tickFormat(t), 'class="tick" text-anchor="middle"'));
  }
  rows.forEach((row, i) => {
    const y = top + i * rowHeight + 5;
    parts.push(
      `<g class="row">${text(x0 - 8, y + rowHeight / 2 + 1, truncate(row.label, LABEL_CHARS), 'class="row-label" text-anchor="end" dominant-baseline="middle"')}` +
        tooltip(row.label),
    );
    let x = x0;
    row.values.forEach((v, s) => {
      const series = spec.series[s]!;
      const w = Math.max(0, v * scale);
      const by = grouped ? y + s * (barHeight + 2) : y;
      const bx = grouped ? x0 : x;
      parts.push(
        `<rect class="bar" x="${round(bx)}" y="${round(by)}" width="${round(w)}" height="${barHeight}" rx="2" fill="${series.color}">` +
          `${tooltip(`${row.label} - ${series.name}: ${spec.format(v)}`)}</rect>`,
      );
      if (grouped) parts.push(text(bx + w + 4, by + barHeight - 1, spec.format(v), 'class="value small"'));
      else x += w;
    });
    if (!grouped) parts.push(text(x + 6, y + barHeight - 3, spec.format(row.values.reduce((s, v) => s + v, 0)), 'class="value"'));
    parts.push('</g>');
  });
  let height = plotBottom + 28;
  if (hidden > 0) {
    parts.push(text(x0, height, `… and ${hidden} more not shown`, 'class="note"'));
    height += 16;
  }
  parts.push(`<line x1="${x0}" y1="${top}" x2="${x0}" y2="${plotBottom}" stroke="${COLORS.axis}"/>`);
  return svg(spec.id, spec.label, height, parts.join(''), width);
}
