/**
 * A log where every invocation overlaps (issue 20, item 13): the timeline said "Showing 200 of ..." but
 * packed them into 10 sub-rows, bars on top of each other. Each drawn invocation now has a row of its own.
 */
import { describe, expect, it } from 'vitest';
import { computeAggregate } from '../../src/aggregate/index.js';
import { toGanttItem } from '../../src/report/gantt.js';
import { renderHtmlReport } from '../../src/report/html.js';
import { MAX_SUBROWS, renderTimelineChart } from '../../src/report/svg-timeline.js';
import { rec } from '../report/helpers/records.js';

/** Every bar's x, y, width and height. */
function bars(svg: string): { x: number; y: number; w: number; h: number }[] {
  return [...svg.matchAll(/<rect class="invocation[^"]*" x="([^"]*)" y="([^"]*)" width="([^"]*)" height="([^"]*)"/g)].map((m) => ({
    x: Number(m[1]),
    y: Number(m[2]),
    w: Number(m[3]),
    h: Number(m[4]),
  }));
}

const overlapping = (n: number, agents = 1) =>
  Array.from({ length: n }, (_, i) => rec(`agent-${i % agents}`, i * 0.01, { durationMs: 600_000 }));

describe('the timeline of a run where everything overlaps', () => {
  it('draws each of the 200 shown invocations on its own row, none on top of another', () => {
    const records = overlapping(2000, 3);
    const html = renderHtmlReport(computeAggregate(records), { invocations: records.map(toGanttItem) });
    expect(html).toContain('Showing 200 of 2,000 invocations');
    const drawn = bars(html);
    expect(drawn).toHaveLength(200);
    const sorted = drawn.map((b) => b.y).sort((a, b) => a - b);
    expect(new Set(sorted).size).toBe(200);
    for (let i = 1; i < sorted.length; i++) expect(sorted[i]! - sorted[i - 1]!).toBeGreaterThanOrEqual(drawn[0]!.h);
    expect(drawn[0]!.h).toBeGreaterThanOrEqual(4);
    expect(html).not.toContain('drawn over others');
  });

  it('keeps full-height bars for a small run', () => {
    const drawn = bars(renderTimelineChart(overlapping(5).map(toGanttItem)));
    expect(drawn.map((b) => b.h)).toEqual([9, 9, 9, 9, 9]);
    expect(new Set(drawn.map((b) => b.y)).size).toBe(5);
  });

  it('bounds the height past MAX_SUBROWS overlapping bars of one agent, and says how many share a row', () => {
    const svg = renderTimelineChart(overlapping(MAX_SUBROWS + 25).map(toGanttItem));
    expect(new Set(bars(svg).map((b) => b.y)).size).toBe(MAX_SUBROWS);
    expect(svg).toContain(`25 invocations drawn over others: more than ${MAX_SUBROWS} of one agent overlap`);
  });
});
