import { describe, expect, it } from 'vitest';
import { sumSnapshots, type Series } from '../../src/otel/series.js';

const series = (patch: Partial<Series> = {}): Series => ({
  attributes: { 'gen_ai.agent.name': 'coder', 'invocation_metrics.phase': '1' },
  successes: 0,
  failures: new Map(),
  cost: 0,
  tokens: 0,
  cachedTokens: 0,
  parseFailures: 0,
  infraRetries: 0,
  codeRetries: 0,
  escalations: 0,
  active: 0,
  ...patch,
});

const byName = (s: ReturnType<typeof sumSnapshots>) => Object.fromEntries(s.map((m) => [m.spec.name, m.points]));

describe('sumSnapshots', () => {
  it('builds one snapshot per counter and for the in-flight up-down counter, in a fixed order', () => {
    expect(sumSnapshots([]).map((s) => [s.spec.name, s.spec.kind, s.points.length])).toEqual([
      ['invocation_metrics.invocations', 'counter', 0],
      ['invocation_metrics.cost', 'counter', 0],
      ['invocation_metrics.tokens', 'counter', 0],
      ['invocation_metrics.cached_tokens', 'counter', 0],
      ['invocation_metrics.retries', 'counter', 0],
      ['invocation_metrics.escalations', 'counter', 0],
      ['invocation_metrics.output_parse_failures', 'counter', 0],
      ['invocation_metrics.active', 'updowncounter', 0],
    ]);
  });

  it('reports every counter of every series, zeros included (a first increment must not be lost to rate())', () => {
    const got = byName(sumSnapshots([series()]));
    const a = { 'gen_ai.agent.name': 'coder', 'invocation_metrics.phase': '1' };
    expect(got['invocation_metrics.invocations']).toEqual([{ attributes: { ...a, 'invocation_metrics.outcome': 'success' }, value: 0 }]);
    expect(got['invocation_metrics.retries']).toEqual([
      { attributes: { ...a, 'invocation_metrics.retry.kind': 'infra' }, value: 0 },
      { attributes: { ...a, 'invocation_metrics.retry.kind': 'code' }, value: 0 },
    ]);
    for (const n of ['invocation_metrics.cost', 'invocation_metrics.tokens', 'invocation_metrics.cached_tokens', 'invocation_metrics.escalations', 'invocation_metrics.output_parse_failures', 'invocation_metrics.active'])
      expect(got[n]).toEqual([{ attributes: a, value: 0 }]);
  });

  it('splits invocations by outcome and failures by error.type', () => {
    const s = series({ successes: 3, failures: new Map([['timeout', 2], ['_OTHER', 1]]) });
    const points = byName(sumSnapshots([s]))['invocation_metrics.invocations']!;
    expect(points.map((p) => [p.attributes['invocation_metrics.outcome'], p.attributes['error.type'], 'value' in p ? p.value : NaN])).toEqual([
      ['success', undefined, 3],
      ['failure', 'timeout', 2],
      ['failure', '_OTHER', 1],
    ]);
  });

  it('copies each counter of the series into its point', () => {
    const s = series({ cost: 1.5, tokens: 10, cachedTokens: 4, parseFailures: 2, infraRetries: 3, codeRetries: 5, escalations: 1, active: 7 });
    const got = byName(sumSnapshots([s]));
    const v = (n: string) => got[n]!.map((p) => ('value' in p ? p.value : NaN));
    expect([v('invocation_metrics.cost'), v('invocation_metrics.tokens'), v('invocation_metrics.cached_tokens'), v('invocation_metrics.output_parse_failures'), v('invocation_metrics.retries'), v('invocation_metrics.escalations'), v('invocation_metrics.active')]).toEqual([
      [1.5], [10], [4], [2], [3, 5], [1], [7],
    ]);
  });

  it('does not let a point share or alter the series attributes', () => {
    const s = series();
    const got = byName(sumSnapshots([s]));
    expect(s.attributes).toEqual({ 'gen_ai.agent.name': 'coder', 'invocation_metrics.phase': '1' });
    expect(got['invocation_metrics.invocations']![0]!.attributes).not.toBe(s.attributes);
  });
});
