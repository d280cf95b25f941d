/**
 * The invocation timeline: one swimlane per agent, overlapping invocations stacked in sub-rows, failures
 * in red, retries with an orange top edge. The HTML report's counterpart of the Markdown report's Mermaid Gantt chart.
 *
 * @module
 */
import { formatDuration } from './format.js';
import type { GanttItem } from './gantt.js';
import { CHAR_WIDTH, CHART_WIDTH, COLORS, emptyChart, round, svg, text, timeTicks, tooltip, truncate } from './svg.js';

const LABEL_CHARS = 22;
const RIGHT = 16;
const TOP = 30;
const BAR = 9;
const GAP = 2;
const LANE_PAD = 5;
/** Beyond this many sub-rows a lane draws further overlaps on its last sub-row (bounded height). */
const MAX_SUBROWS = 10;

/** Assigns each item of one lane (sorted by start) to the first sub-row that is free at its start. */
function pack(items: readonly GanttItem[]): number[] {
  const ends: number[] = [];
  return items.map((item) => {
    let row = ends.findIndex((end) => end <= item.startMs);
    if (row === -1) row = ends.length < MAX_SUBROWS ? ends.length : MAX_SUBROWS - 1;
    ends[row] = Math.max(ends[row] ?? -Infinity, item.startMs + item.durationMs);
    return row;
  });
}

function describe(item: GanttItem): string {
  const outcome = item.success ? 'ok' : `failed${item.errorClass ? ` (${item.errorClass})` : ''}`;
  return `${item.agent} / phase ${item.phase} / ${item.id} / attempt ${item.attempt} / ${new Date(item.startMs).toISOString()} / ${formatDuration(item.durationMs)} / ${outcome}`;
}

/**
 * Draws the timeline of the given invocations (typically the subset from `selectGanttItems()`), lanes in
 * agent-name order, with a UTC time axis and a tooltip on every bar.
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
  let y = TOP;
  agents.forEach((agent, laneIndex) => {
    const lane = lanes.get(agent)!;
    const rows = pack(lane);
    const height = (Math.max(...rows) + 1) * (BAR + GAP) - GAP + 2 * LANE_PAD;
    if (laneIndex % 2 === 0) parts.push(`<rect class="lane" x="0" y="${y}" width="${width}" height="${height}" fill="#f6f7f9"/>`);
    parts.push(`<g class="lane-label">${text(x0 - 8, y + height / 2 + 4, truncate(agent, LABEL_CHARS), 'class="row-label" text-anchor="end"')}${tooltip(agent)}</g>`);
    lane.forEach((item, i) => {
      const by = y + LANE_PAD + (rows[i] ?? 0) * (BAR + GAP);
      // At least 2 px, so that a short invocation of a long run stays visible.
      const w = Math.max(2, item.durationMs * scale);
      parts.push(
        `<rect class="invocation${item.success ? '' : ' failed'}${item.attempt > 1 ? ' retry' : ''}" x="${x(item.startMs)}" y="${by}" ` +
          `width="${round(w)}" height="${BAR}" rx="1.5" fill="${item.success ? COLORS.primary : COLORS.danger}">${tooltip(describe(item))}</rect>`,
      );
      // A retry is marked by an orange top edge: unlike an outline, it leaves the outcome colour visible
      // on a bar only 2 px wide.
      if (item.attempt > 1)
        parts.push(`<rect class="retry-mark" x="${x(item.startMs)}" y="${by}" width="${round(w)}" height="3" fill="${COLORS.secondary}" pointer-events="none"/>`);
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
  return svg(id, `Timeline of ${items.length} invocations by agent`, y + 42, parts.join(''), width);
}
