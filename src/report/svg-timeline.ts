/**
 * The invocation timeline: one swimlane per agent, overlapping invocations stacked in sub-rows, failures
 * in red, retries with an orange top edge. The HTML report's counterpart of the Markdown report's Mermaid Gantt chart.
 *
 * Every bar gets a sub-row of its own where it overlaps others (up to {@link MAX_SUBROWS} per lane), so
 * that a run where everything overlaps shows each drawn invocation rather than bars on top of each
 * other; rows grow thinner as they grow in number ({@link rowPitch}), so the chart stays about as tall as
 * a screen for the default 200 invocations.
 *
 * @module
 */
import { formatDuration, formatInt, plural } from './format.js';
import type { GanttItem } from './gantt.js';
import { CHAR_WIDTH, CHART_WIDTH, COLORS, emptyChart, round, svg, text, timeTicks, tooltip, truncate } from './svg.js';

const LABEL_CHARS = 22;
const RIGHT = 16;
const TOP = 30;
const LANE_PAD = 5;
/**
 * Beyond this many sub-rows a lane draws further overlaps on its last sub-row, and the chart says how
 * many bars are drawn over others. Twice the default limit of shown invocations: reached only with a
 * larger `ganttLimit`, where the height must stay bounded.
 */
export const MAX_SUBROWS = 400;
/** Rows up to this many are drawn at full height (9 px bars, 2 px apart); more rows get thinner. */
const FULL_ROWS = 60;

/**
 * Height of one sub-row and of its bar, px: 11 and 9 up to {@link FULL_ROWS} rows in all, then thinner so
 * that the rows take about 660 px, down to 5 and 4 (200 rows: about 1000 px).
 *
 * @param rows - Sub-rows of all lanes together.
 * @returns The row pitch and bar height.
 */
export function rowPitch(rows: number): { pitch: number; bar: number } {
  if (rows <= FULL_ROWS) return { pitch: 11, bar: 9 };
  const pitch = Math.max(5, Math.floor((FULL_ROWS * 11) / rows));
  return { pitch, bar: pitch >= 8 ? pitch - 2 : pitch - 1 };
}

/**
 * Assigns each item of one lane (sorted by start) to the first sub-row that is free at its start.
 *
 * @returns The sub-row of each item, the number of sub-rows used, and how many items had to share a row
 * with an overlapping one.
 */
function pack(items: readonly GanttItem[]): { rows: number[]; used: number; overdrawn: number } {
  const ends: number[] = [];
  let overdrawn = 0;
  const rows = items.map((item) => {
    let row = ends.findIndex((end) => end <= item.startMs);
    if (row === -1) {
      if (ends.length < MAX_SUBROWS) row = ends.length;
      else {
        row = MAX_SUBROWS - 1;
        overdrawn++;
      }
    }
    ends[row] = Math.max(ends[row] ?? -Infinity, item.startMs + item.durationMs);
    return row;
  });
  return { rows, used: ends.length, overdrawn };
}

function describe(item: GanttItem): string {
  const outcome = item.success ? 'ok' : `failed${item.errorClass ? ` (${item.errorClass})` : ''}`;
  return `${item.agent} / phase ${item.phase} / ${item.id} / attempt ${item.attempt} / ${new Date(item.startMs).toISOString()} / ${formatDuration(item.durationMs)} / ${outcome}`;
}

/**
 * Draws the timeline of the given invocations (typically the subset from `selectGanttItems()`), lanes in
 * agent-name order, with a UTC time axis and a tooltip on every bar. When more than {@link MAX_SUBROWS}
 * invocations of one agent overlap, the extra ones are drawn on the lane's last sub-row and a line under
 * the axis says how many.
 *
 * @param items - Invocations to draw.
 * @param id - Chart id.
 * @param width - Width of the coordinate system, px.
 * @returns The SVG element (an empty-state chart when there are no items).
 */
export function renderTimelineChart(items: readonly GanttItem[], id = 'chart-timeline', width = CHART_WIDTH): string {
  if (items.length === 0) return emptyChart(id, 'No invocations', width);
  const lanes = new Map<string, GanttItem[]>();
  for (const item of [...items].sort((a, b) => a.startMs - b.startMs)) {
    const lane = lanes.get(item.agent);
    if (lane === undefined) lanes.set(item.agent, [item]);
    else lane.push(item);
  }
  const agents = [...lanes.keys()].sort();
  // Loops, not Math.min(...spread): a caller may pass more items than the engine accepts as arguments.
  let t0 = Infinity;
  let t1 = -Infinity;
  for (const i of items) {
    t0 = Math.min(t0, i.startMs);
    t1 = Math.max(t1, i.startMs + i.durationMs);
  }
  t1 = Math.max(t1, t0 + 1);
  const x0 = Math.min(LABEL_CHARS, Math.max(...agents.map((a) => [...a].length))) * CHAR_WIDTH + 16;
  const scale = (width - x0 - RIGHT) / (t1 - t0);
  const x = (t: number): number => round(x0 + (t - t0) * scale);

  const parts: string[] = [
    `<rect x="0" y="6" width="12" height="10" rx="2" fill="${COLORS.primary}"/>`,
    text(18, 15, 'succeeded', 'class="legend"'),
    `<rect x="100" y="6" width="12" height="10" rx="2" fill="${COLORS.danger}"/>`,
    text(118, 15, 'failed', 'class="legend"'),
    `<rect x="180" y="6" width="12" height="10" rx="2" fill="${COLORS.primary}"/>`,
    `<rect x="180" y="6" width="12" height="3" fill="${COLORS.secondary}"/>`,
    text(198, 15, 'retry (orange top edge)', 'class="legend"'),
  ];
  const packed = agents.map((agent) => pack(lanes.get(agent)!));
  let totalRows = 0;
  let overdrawn = 0;
  for (const p of packed) {
    totalRows += p.used;
    overdrawn += p.overdrawn;
  }
  const { pitch, bar } = rowPitch(totalRows);
  let y = TOP;
  agents.forEach((agent, laneIndex) => {
    const lane = lanes.get(agent)!;
    const { rows, used } = packed[laneIndex]!;
    const height = used * pitch - (pitch - bar) + 2 * LANE_PAD;
    if (laneIndex % 2 === 0) parts.push(`<rect class="lane" x="0" y="${y}" width="${width}" height="${height}" fill="#f6f7f9"/>`);
    parts.push(`<g class="lane-label">${text(x0 - 8, y + height / 2 + 4, truncate(agent, LABEL_CHARS), 'class="row-label" text-anchor="end"')}${tooltip(agent)}</g>`);
    lane.forEach((item, i) => {
      const by = y + LANE_PAD + (rows[i] ?? 0) * pitch;
      // At least 2 px, so that a short invocation of a long run stays visible.
      const w = Math.max(2, item.durationMs * scale);
      parts.push(
        `<rect class="invocation${item.success ? '' : ' failed'}${item.attempt > 1 ? ' retry' : ''}" x="${x(item.startMs)}" y="${by}" ` +
          `width="${round(w)}" height="${bar}" rx="1.5" fill="${item.success ? COLORS.primary : COLORS.danger}">${tooltip(describe(item))}</rect>`,
      );
      // A retry is marked by an orange top edge: unlike an outline, it leaves the outcome colour visible
      // on a bar only 2 px wide.
      if (item.attempt > 1)
        parts.push(`<rect class="retry-mark" x="${x(item.startMs)}" y="${by}" width="${round(w)}" height="${Math.min(3, bar - 1)}" fill="${COLORS.secondary}" pointer-events="none"/>`);
    });
    y += height;
  });
  parts.push(`<line x1="${x0}" y1="${y}" x2="${width - RIGHT}" y2="${y}" stroke="${COLORS.axis}"/>`);
  const long = t1 - t0 > 86_400_000;
  for (const t of timeTicks(t0, t1)) {
    const iso = new Date(t).toISOString();
    parts.push(`<line x1="${x(t)}" y1="${y}" x2="${x(t)}" y2="${y + 4}" stroke="${COLORS.axis}"/>`);
    parts.push(text(x(t), y + 16, long ? `${iso.slice(5, 10)} ${iso.slice(11, 16)}` : iso.slice(11, 19), 'class="tick" text-anchor="middle"'));
  }
  parts.push(text(x0, y + 34, 'UTC', 'class="note"'));
  let height = y + 42;
  if (overdrawn > 0) {
    parts.push(text(x0, y + 52, `${plural(overdrawn, 'invocation', 'invocations')} drawn over others: more than ${formatInt(MAX_SUBROWS)} of one agent overlap`, 'class="note"'));
    height += 18;
  }
  return svg(id, `Timeline of ${items.length} invocations by agent`, height, parts.join(''), width);
}
