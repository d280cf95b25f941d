import { describe, expect, it } from 'vitest';
import { renderBarChart } from '../../src/report/svg-bars.js';
import { renderParallelismChart } from '../../src/report/svg-series.js';
import { renderTimelineChart } from '../../src/report/svg-timeline.js';
import { niceTicks, timeTicks, truncate } from '../../src/report/svg.js';
import { toGanttItem } from '../../src/report/gantt.js';
import { rec } from './helpers/records.js';

describe('svg helpers', () => {
  it('niceTicks covers the maximum with 1-2-5 steps', () => {
    expect(niceTicks(3, 4, true)).toEqual([0, 1, 2, 3]);
    expect(niceTicks(1, 4, true)).toEqual([0, 1]);
    expect(niceTicks(0.27)).toEqual([0, 0.1, 0.2, 0.3]);
    expect(niceTicks(45_000)).toEqual([0, 20_000, 40_000, 60_000]);
    expect(niceTicks(0)).toEqual([0, 0.5, 1]);
  });
  it('truncate cuts by code points with an ellipsis', () => {
    expect(truncate('abcdef', 4)).toBe('abc…');
    expect(truncate('🙂🙂🙂', 3)).toBe('🙂🙂🙂');
  });
});

describe('renderBarChart', () => {
  const spec = { id: 'c', label: 'L', format: String, series: [{ name: 's', color: '#000' }] };
  it('draws one bar per row with a tooltip, and an empty state', () => {
    const svg = renderBarChart({ ...spec, rows: [{ label: 'a', values: [2] }, { label: '<b>', values: [1] }] });
    expect(svg.match(/<rect class="bar"/g)).toHaveLength(2);
    expect(svg).toContain('<title>&lt;b&gt; - s: 1</title>');
    expect(renderBarChart({ ...spec, rows: [] })).toContain('No data');
  });
  it('says how many rows it leaves out', () => {
    const rows = Array.from({ length: 5 }, (_, i) => ({ label: `r${i}`, values: [i] }));
    expect(renderBarChart({ ...spec, rows, maxRows: 3 })).toContain('… and 2 more not shown');
  });
});

describe('renderParallelismChart', () => {
  it('merges long series into columns that keep the peak', () => {
    const buckets = Array.from({ length: 1000 }, (_, i) => ({ bucketStart: new Date(i * 1000).toISOString(), concurrent: i === 777 ? 9 : 1 }));
    const svg = renderParallelismChart(buckets, 1000, { maxColumns: 100 });
    expect(svg.match(/<rect class="hover"/g)).toHaveLength(100);
    expect(svg).toContain('peak 9');
    expect(svg).toContain('10 buckets per column (max)');
  });
  it('has an empty state', () => {
    expect(renderParallelismChart([], 60_000)).toContain('No invocations');
  });
});

describe('renderTimelineChart', () => {
  it('stacks overlapping invocations of one agent in sub-rows', () => {
    const svg = renderTimelineChart([rec('a', 0), rec('a', 1), rec('a', 20), rec('b', 0, { success: false })].map(toGanttItem));
    const ys = [...svg.matchAll(/<rect class="invocation[^"]*" x="[^"]*" y="([^"]*)"/g)].map((m) => Number(m[1]));
    expect(ys[0]).not.toBe(ys[1]); // overlap: two sub-rows
    expect(ys[2]).toBe(ys[0]); // after both ended: back on the first
    expect(svg).toContain('class="invocation failed"');
  });
});

describe('timeTicks', () => {
  it('gives round UTC instants, at most max of them', () => {
    const t0 = Date.UTC(2026, 10, 20, 9, 0, 3);
    expect(timeTicks(t0, t0 + 72_000).map((t) => new Date(t).toISOString().slice(11, 19))).toEqual(['09:00:15', '09:00:30', '09:00:45', '09:01:00', '09:01:15']);
    expect(timeTicks(0, 10 * 86_400_000, 5)).toEqual([0, 2, 4, 6, 8, 10].map((d) => d * 86_400_000));
  });
});
