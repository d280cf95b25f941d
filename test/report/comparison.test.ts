/**
 * The comparison section of the reports (`report --baseline`): present only when asked, the diff's
 * tables and verdict, every string escaped for its target.
 */
import { describe, expect, it } from 'vitest';
import { createAggregator } from '../../src/aggregate/aggregator.js';
import type { MetricsAggregate } from '../../src/aggregate/types.js';
import { diffRuns, type DiffSide } from '../../src/diff/compare.js';
import { samplesOfState } from '../../src/diff/samples.js';
import type { InvocationMetric } from '../../src/record.js';
import { renderHtmlReport } from '../../src/report/html.js';
import { renderMarkdownReport } from '../../src/report/markdown.js';
import { HOSTILE_AGENTS, hostileRun, sampleRun } from './helpers/records.js';

const sideOf = (records: readonly InvocationMetric[]): DiffSide => {
  const aggregator = createAggregator();
  for (const r of records) aggregator.add(r);
  return { aggregate: aggregator.result(), samples: samplesOfState(aggregator.serialize()) };
};

function comparison(): { aggregate: MetricsAggregate; comparison: { diff: ReturnType<typeof diffRuns>; baseline: string } } {
  const base = sideOf([...sampleRun(), ...hostileRun()]);
  // The candidate: the same run plus a second hostile run, so the hostile agents have rows on both sides.
  const candidate = sideOf([...sampleRun(), ...hostileRun(), ...hostileRun()]);
  return { aggregate: candidate.aggregate, comparison: { diff: diffRuns(base, candidate), baseline: '<b>base</b>|dir' } };
}

describe('report --baseline sections', () => {
  it('HTML: a comparison card with the three tables, hostile names and the baseline path as text', () => {
    const { aggregate, comparison: c } = comparison();
    expect(renderHtmlReport(aggregate)).not.toContain('id="comparison"');
    const html = renderHtmlReport(aggregate, { comparison: c });
    expect(html).toContain('<section class="card" id="comparison"><h2>Compared with the baseline</h2>');
    for (const id of ['diff-total', 'diff-agents', 'diff-phases']) expect(html).toContain(`id="table-${id}"`);
    expect(html).toContain('Baseline: &lt;b&gt;base&lt;/b&gt;|dir.');
    expect(html).not.toMatch(/<(img|i|b|s)>|<img /);
    expect(html.match(/<script/g)).toHaveLength(1);
    const agentsTable = /<table id="table-diff-agents">(.*?)<\/table>/s.exec(html)![1]!;
    for (const agent of HOSTILE_AGENTS) expect(agentsTable).toContain(`<td>${agent.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;')}</td>`);
    // The hostile agents ran twice as often in the candidate: their invocations row shows it.
    expect(agentsTable).toContain('<td class="num">+1 (+100.0%)</td>');
  });

  it('Markdown: the section before the tables, pipes in names escaped, the verdict in words', () => {
    const { aggregate, comparison: c } = comparison();
    expect(renderMarkdownReport(aggregate)).not.toContain('Compared with the baseline');
    const md = renderMarkdownReport(aggregate, { comparison: c });
    const at = md.indexOf('## Compared with the baseline');
    expect(at).toBeGreaterThan(0);
    expect(at).toBeLessThan(md.indexOf('## Summary'));
    for (const title of ['### Whole run', '### By agent', '### By phase']) expect(md).toContain(title);
    expect(md).toContain('| pipe\\|agent | invocations | 1 | 2 | +1 (+100.0%) |');
    expect(md).toMatch(/(No change|\d+ rows?) beyond noise: \d+ tests at a family-wise level of 0\.05 \(Holm\)/);
    expect(md).toContain('Baseline: &lt;b>base&lt;/b>\\|dir.');
  });
});
