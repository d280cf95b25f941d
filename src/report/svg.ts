/**
 * Small SVG helpers shared by the HTML report's charts. Charts are drawn server-side as inline SVG: the
 * report needs no script, no font and no network to show them, and they print.
 *
 * @module
 */
import { escapeHtml } from './escape.js';

/**
 * Default width of a chart's coordinate system, in px. The SVG scales to its container; the HTML report
 * passes the width its card has, so that chart text keeps its nominal size.
 */
export const CHART_WIDTH = 720;

/** Chart colours, readable on white and distinguishable in grey. */
export const COLORS = {
  primary: '#3b6fd8',
  secondary: '#f08c2e',
  tertiary: '#8c5bd6',
  danger: '#d6453d',
  success: '#2f9e6a',
  grid: '#e3e6ec',
  axis: '#6b7280',
  text: '#1f2937',
} as const;

/**
 * Width of one character of the 12px chart font, for layout without measuring: generous (DejaVu Sans and
 * Segoe UI average about 6.5 px, punctuation such as `<` more), so labels are not clipped.
 */
export const CHAR_WIDTH = 7.6;

/**
 * Shortens text to at most `max` characters (code points), ending with an ellipsis when cut.
 *
 * @param text - Any text.
 * @param max - Largest length.
 * @returns The text or its shortened form.
 */
export function truncate(text: string, max: number): string {
  const chars = [...text];
  return chars.length <= max ? text : `${chars.slice(0, Math.max(1, max - 1)).join('')}…`;
}

/**
 * Evenly spaced "nice" axis ticks from 0 covering `max`: steps of 1, 2 or 5 times a power of ten.
 *
 * @param max - Largest value to cover; values <= 0 give the ticks of 1.
 * @param count - Desired number of intervals.
 * @param integer - Whether steps must be whole numbers (counts of invocations).
 * @returns Tick values, starting at 0; the last one is >= max.
 */
export function niceTicks(max: number, count = 4, integer = false): number[] {
  const top = max > 0 ? max : 1;
  const raw = top / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  const nice = ([1, 2, 5, 10].find((m) => m * power >= raw) ?? 10) * power;
  const step = integer ? Math.max(1, nice) : nice;
  const ticks: number[] = [];
  for (let v = 0; v < top + step / 2; v += step) ticks.push(Number(v.toPrecision(12)));
  if ((ticks.at(-1) ?? 0) < top) ticks.push(Number((ticks.length * step).toPrecision(12)));
  return ticks;
}

/**
 * An SVG `<text>` element with escaped content.
 *
 * @param x - X position.
 * @param y - Y position (baseline).
 * @param content - Untrusted text.
 * @param attrs - Extra attributes, written as given (trusted, from this module's callers).
 * @returns The element.
 */
export function text(x: number, y: number, content: string, attrs = ''): string {
  return `<text x="${round(x)}" y="${round(y)}"${attrs ? ` ${attrs}` : ''}>${escapeHtml(content)}</text>`;
}

/**
 * A `<title>` child (the browser's tooltip) with escaped content.
 *
 * @param content - Untrusted text.
 * @returns The element.
 */
export function tooltip(content: string): string {
  return `<title>${escapeHtml(content)}</title>`;
}

/**
 * Rounds a coordinate to 0.1 px, which keeps the SVG small and stable.
 *
 * @param n - A coordinate.
 * @returns The rounded coordinate.
 */
export function round(n: number): number {
  return Math.round(n * 10) / 10;
}

/**
 * Wraps chart content in an `<svg>` element that scales to its container.
 *
 * @param id - Stable identifier of the chart (an HTML id, also a data attribute for tests).
 * @param label - Accessible description; escaped.
 * @param height - Height of the coordinate system.
 * @param body - The chart's elements.
 * @param width - Width of the coordinate system.
 * @returns The SVG element.
 */
export function svg(id: string, label: string, height: number, body: string, width = CHART_WIDTH): string {
  return (
    `<svg class="chart" id="${escapeHtml(id)}" data-chart="${escapeHtml(id)}" role="img" aria-label="${escapeHtml(label)}" ` +
    `viewBox="0 0 ${width} ${round(height)}" xmlns="http://www.w3.org/2000/svg">${body}</svg>`
  );
}

/**
 * A chart that says there is nothing to draw, with the same frame as the others.
 *
 * @param id - Chart id.
 * @param message - What is missing.
 * @param width - Width of the coordinate system.
 * @returns The SVG element.
 */
export function emptyChart(id: string, message: string, width = CHART_WIDTH): string {
  return svg(id, message, 48, text(width / 2, 28, message, 'class="empty" text-anchor="middle"'), width);
}

const TIME_STEPS = [1, 2, 5, 10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600, 7200, 10_800, 21_600, 43_200, 86_400].map((s) => s * 1000);

/**
 * Round instants for a time axis: multiples of a step of 1 s, 2 s, 5 s ... 1 day (aligned to the Unix
 * epoch, so UTC labels end in round numbers), at most `max` of them within [t0, t1].
 *
 * @param t0 - Start, epoch ms.
 * @param t1 - End, epoch ms.
 * @param max - Largest number of ticks.
 * @returns Tick instants, ascending (whole days beyond the table's largest step).
 */
export function timeTicks(t0: number, t1: number, max = 6): number[] {
  const span = Math.max(1, t1 - t0);
  const step = TIME_STEPS.find((s) => span / s <= max) ?? Math.ceil(span / max / 86_400_000) * 86_400_000;
  const ticks: number[] = [];
  for (let t = Math.ceil(t0 / step) * step; t <= t1; t += step) ticks.push(t);
  return ticks;
}
