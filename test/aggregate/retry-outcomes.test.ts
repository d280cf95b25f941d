import { describe, expect, it } from 'vitest';
import { findPreviousAttempts } from '../../src/aggregate/previous-attempt.js';
import { countRetryOutcomes } from '../../src/aggregate/retry-outcomes.js';
import type { InvocationMetric } from '../../src/record.js';
import { metric, stateOf } from './helpers.js';

function outcomesOf(records: InvocationMetric[]) {
  const s = stateOf(records);
  const previous = findPreviousAttempts(s.columns, s.count, { agents: s.agents.length, phases: s.phases.length, taskIds: s.taskIds.length });
  const o = countRetryOutcomes(s.columns, previous, { agents: s.agents.length, models: s.models, tiers: s.tiers, errorClasses: s.errorClasses });
  return { infra: o.infra, infraByAgent: [...o.infraByAgent], escalations: o.escalations, transitions: Object.fromEntries(o.transitions) };
}

/** A first attempt and its retry, 10 s later. */
const pair = (first: Partial<InvocationMetric>, retry: Partial<InvocationMetric>): InvocationMetric[] => [
  metric({ taskId: 't', timestamp: '2026-11-20T09:00:00Z', ...first }),
  metric({ taskId: 't', timestamp: '2026-11-20T09:00:10Z', attempt: 2, ...retry }),
];

describe('countRetryOutcomes', () => {
  it('counts an infra retry when the previous attempt has a non-empty errorClass', () => {
    expect(outcomesOf(pair({ success: false, errorClass: 'timeout' }, {})).infra).toBe(1);
    expect(outcomesOf(pair({ success: false, errorClass: '' }, {})).infra).toBe(0);
    expect(outcomesOf(pair({ success: false }, {})).infra).toBe(0);
  });

  it("reads the previous attempt's errorClass, not the retry's", () => {
    expect(outcomesOf(pair({ success: false }, { errorClass: 'timeout' })).infra).toBe(0);
  });

  it('counts nothing for a retry without a previous attempt', () => {
    expect(outcomesOf([metric({ attempt: 2, errorClass: 'timeout', tier: 'x' })])).toEqual({ infra: 0, infraByAgent: [0], escalations: 0, transitions: {} });
  });

  it('adds up a tier transition and a model transition of the same text, and keeps pairs of many ids apart', () => {
    const records = [
      ...pair({ tier: 'a' }, { tier: 'b' }),
      ...pair({ model: 'a' }, { model: 'b' }).map((r) => ({ ...r, taskId: 'm' })),
      ...pair({ tier: 'b' }, { tier: 'a' }).map((r) => ({ ...r, taskId: 'n' })),
      ...pair({ tier: 'c' }, { tier: 'a' }).map((r) => ({ ...r, taskId: 'o' })),
      ...pair({ tier: 'c' }, { tier: 'a' }).map((r) => ({ ...r, taskId: 'p' })),
    ];
    expect(outcomesOf(records)).toMatchObject({ escalations: 5, transitions: { 'a -> b': 2, 'b -> a': 1, 'c -> a': 2 } });
  });

  it('compares tiers where both have one', () => {
    expect(outcomesOf(pair({ tier: 'small' }, { tier: 'large' }))).toMatchObject({ escalations: 1, transitions: { 'small -> large': 1 } });
    expect(outcomesOf(pair({ tier: 'small', model: 'a' }, { tier: 'small', model: 'b' })).escalations).toBe(0);
    // A present empty tier is a tier.
    expect(outcomesOf(pair({ tier: '' }, { tier: 'x' })).transitions).toEqual({ ' -> x': 1 });
  });

  it('falls back to models when a tier is missing on either side, never comparing a tier with a model', () => {
    expect(outcomesOf(pair({ tier: 'small', model: 'a' }, { model: 'b' })).transitions).toEqual({ 'a -> b': 1 });
    expect(outcomesOf(pair({ model: 'a' }, { tier: 'large', model: 'a' })).escalations).toBe(0);
    expect(outcomesOf(pair({ tier: 'a' }, { model: 'b' })).escalations).toBe(0);
    expect(outcomesOf(pair({ model: 'a' }, {})).escalations).toBe(0);
    expect(outcomesOf(pair({}, {})).escalations).toBe(0);
  });

  it('counts infra retries per retry agent', () => {
    const records = [...pair({ agent: 'b', success: false, errorClass: 'rate_limit' }, { agent: 'b' }), metric({ agent: 'a' })];
    expect(outcomesOf(records).infraByAgent).toEqual([1, 0]);
  });
});
