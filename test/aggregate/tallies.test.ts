import { describe, expect, it } from 'vitest';
import { tally } from '../../src/aggregate/tallies.js';
import { metric, ms, stateOf } from './helpers.js';

describe('tally', () => {
  it('counts and sums per id in one pass', () => {
    const s = stateOf([
      metric({ agent: 'a', phase: 3, model: 'm', cost: 0.5, durationMs: 10, timestamp: '2026-01-01T00:00:10Z' }),
      metric({ agent: 'b', phase: 0, cost: 0.25, durationMs: 0, success: false, errorClass: '', outputParsed: false, attempt: 2, timestamp: '2026-01-01T00:00:00Z' }),
      metric({ agent: 'a', phase: 3, model: 'm', cost: 1, durationMs: 5.5, success: false, errorClass: 'timeout', timestamp: '2026-01-01T00:00:20Z' }),
    ]);
    const t = tally(s.columns, s.count, { agents: 2, phases: 2, models: 1, errorClasses: s.errorClasses });
    expect([...t.agentCount]).toEqual([2, 1]);
    expect([...t.agentCost]).toEqual([1.5, 0.25]);
    expect([...t.agentDuration]).toEqual([15.5, 0]);
    expect([...t.agentSuccesses]).toEqual([1, 0]);
    expect([...t.agentRetries]).toEqual([0, 1]);
    expect([...t.phaseCount]).toEqual([2, 1]);
    expect([...t.phaseRetries]).toEqual([0, 1]);
    expect([...t.modelCount]).toEqual([1, 2]);
    expect([...t.modelCost]).toEqual([0.25, 1.5]);
    // Slot 0 gathers failures whose error class is absent or empty.
    expect(s.errorClasses).toEqual(['', 'timeout']);
    expect([...t.failuresByError]).toEqual([1, 0, 1]);
    expect([t.totalCost, t.totalDuration, t.successes, t.retries, t.outputParseFailures]).toEqual([1.75, 15.5, 1, 1, 1]);
    expect(t.firstStart).toBe(ms('2026-01-01T00:00:00Z'));
    expect(t.lastEnd).toBe(ms('2026-01-01T00:00:20Z') + 5.5);
  });

  it('sums floats in input order', () => {
    const costs = [1e16, 1, -0, 1, 3.3, 0.1];
    const s = stateOf(costs.map((cost) => metric({ cost: Math.abs(cost) })));
    let expected = 0;
    for (const c of costs) expected += Math.abs(c);
    expect(tally(s.columns, s.count, { agents: 1, phases: 1, models: 0, errorClasses: [] }).totalCost).toBe(expected);
  });
});
