import { describe, expect, it } from 'vitest';
import { sumSnapshots, type Series } from '../../src/otel/series.js';

const series = (patch: Partial<Series> = {}): Series => ({
  attributes: { 'gen_ai.agent.name': 'coder', 'agent.phase': '1' },
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
      ['agent.invocation.count', 'counter', 0],
      ['agent.invocation.cost', 'counter', 0],
      ['agent.invocation.tokens', 'counter', 0],
      ['agent.invocation.cached_tokens', 'counter', 0],
      ['agent.invocation.retries', 'counter', 0],
      ['agent.invocation.escalations', 'counter', 0],
      ['agent.invocation.output_parse_failures', 'counter', 0],
      ['agent.invocation.active', 'updowncounter', 0],
    ]);
  });

  it('reports every counter of every series, zeros included (a first increment must not be lost to rate())', () => {
    const got = byName(sumSnapshots([series()]));
    const a = { 'gen_ai.agent.name': 'coder', 'agent.phase': '1' };
    expect(got['agent.invocation.count']).toEqual([{ attributes: { ...a, 'agent.outcome': 'success' }, value: 0 }]);
    expect(got['agent.invocation.retries']).toEqual([
      { attributes: { ...a, 'retry.kind': 'infra' }, value: 0 },
      { attributes: { ...a, 'retry.kind': 'code' }, value: 0 },
    ]);
    for (const n of ['agent.invocation.cost', 'agent.invocation.tokens', 'agent.invocation.cached_tokens', 'agent.invocation.escalations', 'agent.invocation.output_parse_failures', 'agent.invocation.active'])
      expect(got[n]).toEqual([{ attributes: a, value: 0 }]);
  });

  it('splits invocations by outcome and failures by error.type', () => {
    const s = series({ successes: 3, failures: new Map([['timeout', 2], ['_OTHER', 1]]) });
    const points = byName(sumSnapshots([s]))['agent.invocation.count']!;
    expect(points.map((p) => [p.attributes['agent.outcome'], p.attributes['error.type'], 'value' in p ? p.value : NaN])).toEqual([
      ['success', undefined, 3],
      ['failure', 'timeout', 2],
      ['failure', '_OTHER', 1],
    ]);
  });

  it('copies each counter of the series into its point', () => {
    const s = series({ cost: 1.5, tokens: 10, cachedTokens: 4, parseFailures: 2, infraRetries: 3, codeRetries: 5, escalations: 1, active: 7 });
    const got = byName(sumSnapshots([s]));
    const v = (n: string) => got[n]!.map((p) => ('value' in p ? p.value : NaN));
    expect([v('agent.invocation.cost'), v('agent.invocation.tokens'), v('agent.invocation.cached_tokens'), v('agent.invocation.output_parse_failures'), v('agent.invocation.retries'), v('agent.invocation.escalations'), v('agent.invocation.active')]).toEqual([
      [1.5], [10], [4], [2], [3, 5], [1], [7],
    ]);
  });

  it('does not let a point share or alter the series attributes', () => {
    const s = series();
    const got = byName(sumSnapshots([s]));
    expect(s.attributes).toEqual({ 'gen_ai.agent.name': 'coder', 'agent.phase': '1' });
    expect(got['agent.invocation.count']![0]!.attributes).not.toBe(s.attributes);
  });
});
