import { describe, expect, it } from 'vitest';
import { computeAggregate } from '../../src/aggregate/index.js';
import { toGanttItem } from '../../src/report/gantt.js';
import { renderMarkdownReport, renderMarkdownTable } from '../../src/report/markdown.js';
import { hostileRun, rec, sampleRun } from './helpers/records.js';

describe('renderMarkdownReport', () => {
  it('holds the tables and, with invocations, a mermaid gantt block', () => {
    const records = sampleRun();
    const md = renderMarkdownReport(computeAggregate(records), { invocations: records.map(toGanttItem), sources: ['a.jsonl'], skippedLines: 2 });
    expect(md).toMatch(/^# Invocation metrics report\n\nSources: a.jsonl\n\nSkipped 2 malformed log line\(s\)\.\n/);
    for (const h of ['Summary', 'By agent', 'By phase', 'Duration by agent', 'By model', 'Failures by error class', 'Escalations by routing transition', 'Timeline'])
      expect(md).toContain(`\n## ${h}\n`);
    expect(md).toContain('| coder | 3 | 66.7% | 1 | 0 |');
    expect(md).toContain('All 6 invocations.');
    expect(md).toMatch(/```mermaid\ngantt\n[\s\S]*\n```\n$/);
  });

  it('has no timeline without per-invocation data', () => {
    expect(renderMarkdownReport(computeAggregate(sampleRun()))).not.toContain('```mermaid');
  });

  it('says when the timeline shows a subset', () => {
    const records = Array.from({ length: 30 }, (_, i) => rec('a', i, { durationMs: 1000 + i }));
    const md = renderMarkdownReport(computeAggregate(records), { invocations: records.map(toGanttItem), ganttLimit: 10 });
    expect(md).toContain('Showing 10 of 30 invocations: failures and retries first, then the longest, drawn in start order.');
    expect(md.match(/ :t\d+, /g)).toHaveLength(10);
  });

  it('renders an empty aggregate', () => {
    const md = renderMarkdownReport(computeAggregate([]), { invocations: [] });
    expect(md).toContain('| Invocations | 0 |');
    expect(md).toContain('## By agent\n\n_None._');
  });

  it('escapes hostile names: no raw HTML, no broken table rows, no code spans', () => {
    const records = hostileRun();
    const md = renderMarkdownReport(computeAggregate(records), { invocations: records.map(toGanttItem), title: 'a <b>|</b> title' });
    expect(md).not.toMatch(/<(img|script|b|i)\b/);
    expect(md).toContain('# a &lt;b>\\|&lt;/b> title');
    expect(md).toContain('| &lt;img src=x onerror=alert(1)> |');
    expect(md).toContain('| &lt;/script>&lt;script>alert(1)&lt;/script> |');
    expect(md).toContain('| pipe\\|agent |');
    expect(md).toContain('| \\`tick\\` agent |');
    // Every table row keeps its column count: count the unescaped pipes.
    const byAgent = md.slice(md.indexOf('## By agent'), md.indexOf('## By phase'));
    for (const row of byAgent.split('\n').filter((l) => l.startsWith('|'))) expect(row.split(/(?<!\\)\|/).length).toBe(11);
  });
});

describe('renderMarkdownTable', () => {
  it('aligns numeric columns right', () => {
    expect(renderMarkdownTable({ id: 't', title: 'T', columns: [{ header: 'A', align: 'left' }, { header: 'N', align: 'right' }], rows: [['x', '1']] })).toBe(
      '| A | N |\n| --- | ---: |\n| x | 1 |\n',
    );
  });
});
