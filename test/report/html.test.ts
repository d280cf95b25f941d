import { describe, expect, it } from 'vitest';
import { computeAggregate } from '../../src/aggregate/index.js';
import { toGanttItem } from '../../src/report/gantt.js';
import { renderHtmlReport, renderHtmlTable } from '../../src/report/html.js';
import { HOSTILE_AGENTS, hostileRun, rec, sampleRun } from './helpers/records.js';

const CHARTS = [
  'chart-parallelism',
  'chart-timeline',
  'chart-cost-agent',
  'chart-tokens-agent',
  'chart-cost-phase',
  'chart-tokens-phase',
  'chart-duration-agent',
  'chart-retries-agent',
  'chart-escalations',
  'chart-failures',
  'chart-cost-model',
];

describe('renderHtmlReport', () => {
  it('is one document with every chart, the tables and the aggregate as inline JSON', () => {
    const records = sampleRun();
    const aggregate = computeAggregate(records);
    const html = renderHtmlReport(aggregate, { invocations: records.map(toGanttItem), sources: ['a.jsonl'] });
    expect(html).toMatch(/^<!doctype html>\n<html lang="en">/);
    for (const id of CHARTS) expect(html).toContain(`<svg class="chart" id="${id}"`);
    for (const t of ['summary', 'agents', 'phases', 'durations', 'models', 'failures', 'escalations']) expect(html).toContain(`id="table-${t}"`);
    const json = /<script type="application\/json" id="invocation-metrics-data">(.*)<\/script>/.exec(html)?.[1];
    expect(JSON.parse(json!)).toEqual(JSON.parse(JSON.stringify(aggregate)));
  });

  it('needs no network and allows none', () => {
    const html = renderHtmlReport(computeAggregate(sampleRun()));
    expect(html).toContain(`<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">`);
    expect(html).not.toMatch(/<(link|img|iframe|object|embed)\b/);
    expect(html).not.toMatch(/<script(?! type="application\/json")/);
    expect(html).not.toMatch(/url\(|@import|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
  });

  it('has no timeline without per-invocation data, and renders an empty run', () => {
    expect(renderHtmlReport(computeAggregate(sampleRun()))).not.toContain('chart-timeline');
    const empty = renderHtmlReport(computeAggregate([]), { invocations: [] });
    expect(empty).toContain('No invocations');
    expect(empty).toContain('<p class="none">None.</p>');
  });

  it('says when the timeline shows a subset', () => {
    const records = Array.from({ length: 12 }, (_, i) => rec('a', i));
    const html = renderHtmlReport(computeAggregate(records), { invocations: records.map(toGanttItem), ganttLimit: 5 });
    expect(html).toContain('Showing 5 of 12 invocations: failures and retries first, then the longest.');
    expect(html.match(/<rect class="invocation/g)).toHaveLength(5);
  });

  it('escapes every hostile string: no markup, no early end of the data script', () => {
    const records = hostileRun();
    const html = renderHtmlReport(computeAggregate(records), { invocations: records.map(toGanttItem), title: '<i>t</i>', sources: ['<s>.jsonl'] });
    expect(html).not.toMatch(/<(img|i|b|s)>|<img /);
    expect(html.match(/<script/g)).toHaveLength(1);
    expect(html.match(/<\/script>/g)).toHaveLength(1);
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;');
    expect(html).toContain('&lt;/script&gt;&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(html).toContain('<title>&lt;i&gt;t&lt;/i&gt;</title>');
    for (const agent of HOSTILE_AGENTS) expect(html).toContain(`<td>${agent.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')}</td>`);
  });
});

describe('renderHtmlTable', () => {
  it('right-aligns numeric columns', () => {
    const html = renderHtmlTable({ id: 'x', title: 'X', columns: [{ header: 'A', align: 'left' }, { header: 'N', align: 'right' }], rows: [['a', '1']] });
    expect(html).toContain('<th>A</th><th class="num">N</th>');
    expect(html).toContain('<tr><td>a</td><td class="num">1</td></tr>');
  });
});
