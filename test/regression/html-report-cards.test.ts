/**
 * The HTML report's headline cards read right for a new user (issue 20, item 13): "1 agent", not
 * "1 agents"; the Total cost card does not repeat its value; a run with no input tokens has no cache-hit
 * rate ("n/a"), not "0.0%".
 */
import { describe, expect, it } from 'vitest';
import { computeAggregate } from '../../src/aggregate/index.js';
import { renderHtmlReport } from '../../src/report/html.js';
import { renderTextSummary } from '../../src/report/text.js';
import { rec } from '../report/helpers/records.js';

/** The label, value and sub-line of every headline card. */
function cards(html: string): Map<string, { value: string; sub: string | undefined }> {
  const out = new Map<string, { value: string; sub: string | undefined }>();
  for (const m of html.matchAll(/<div class="kpi"><div class="label">([^<]*)<\/div><div class="value">([^<]*)<\/div>(?:<div class="sub">([^<]*)<\/div>)?<\/div>/g))
    out.set(m[1]!, { value: m[2]!, sub: m[3] });
  return out;
}

describe('the HTML report headline cards', () => {
  it('count one agent in the singular', () => {
    const kpi = cards(renderHtmlReport(computeAggregate([rec('solo', 0), rec('solo', 20)])));
    expect(kpi.get('Invocations')).toEqual({ value: '2', sub: '1 agent' });
    expect(cards(renderHtmlReport(computeAggregate([rec('a', 0), rec('b', 0)]))).get('Invocations')?.sub).toBe('2 agents');
  });

  it('show the total cost once, and the mean per invocation under it', () => {
    const kpi = cards(renderHtmlReport(computeAggregate([rec('a', 0, { cost: 0.01 }), rec('a', 20, { cost: 0.02 })])));
    expect(kpi.get('Total cost')).toEqual({ value: '$0.0300', sub: 'avg $0.0150 per invocation' });
    // One invocation: the mean would repeat the total, so there is no sub-line.
    expect(cards(renderHtmlReport(computeAggregate([rec('a', 0, { cost: 0.5 })]))).get('Total cost')).toEqual({ value: '$0.5000', sub: undefined });
  });

  it('say n/a for the cache-hit rate when no input tokens were recorded', () => {
    const records = [rec('a', 0, { inputTokens: undefined, cachedTokens: 300 }), rec('a', 20, { inputTokens: undefined })];
    const aggregate = computeAggregate(records);
    expect(aggregate.totalInputTokens).toBe(0);
    expect(cards(renderHtmlReport(aggregate)).get('Tokens')?.sub).toBe('cache hit n/a: no input tokens recorded');
    expect(renderTextSummary(aggregate)).toMatch(/^Cache-hit share of input +n\/a \(no input tokens recorded\)$/m);
    // With input tokens, the share is shown as before.
    const withInput = computeAggregate([rec('a', 0, { inputTokens: 1000, cachedTokens: 250 })]);
    expect(cards(renderHtmlReport(withInput)).get('Tokens')?.sub).toBe('cache hit 25.0% of input');
  });
});
