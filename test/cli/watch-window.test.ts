/**
 * `RateWindow`: the last minute of records, at their end or when they were seen if earlier.
 */
import { describe, expect, it } from 'vitest';
import type { InvocationMetric } from '../../src/record.js';
import { RateWindow } from '../../src/cli/watch-window.js';

const T0 = Date.parse('2026-11-20T09:00:00Z');
const rec = (endMs: number, durationMs: number, extra: Partial<InvocationMetric> = {}): InvocationMetric => ({
  invocationId: 'x',
  agent: 'a',
  phase: 0,
  durationMs,
  tokens: 10,
  cost: 0.5,
  exitCode: 0,
  success: true,
  attempt: 1,
  outputParsed: true,
  timestamp: new Date(endMs - durationMs).toISOString(),
  ...extra,
});

describe('RateWindow', () => {
  it('counts the records that ended in the last 60 s, and forgets them after', () => {
    const w = new RateWindow();
    w.add(rec(T0 - 70_000, 1000), T0); // ended 70 s ago: not in the window
    w.add(rec(T0 - 30_000, 2000), T0);
    w.add(rec(T0 - 1000, 3000), T0);
    expect(w.totals(T0)).toMatchObject({ invocations: 2, cost: 1, tokens: 20 });
    expect(w.totals(T0 + 30_500)).toMatchObject({ invocations: 1 });
    expect(w.totals(T0 + 60_000)).toMatchObject({ invocations: 0, cost: 0, slowest: [] });
  });

  it('a record whose end is later than when it was seen counts when it was seen', () => {
    const w = new RateWindow();
    w.add(rec(T0 + 600_000, 1000), T0); // a clock ten minutes ahead
    expect(w.totals(T0).invocations).toBe(1);
    expect(w.totals(T0 + 61_000).invocations).toBe(0);
  });

  it('keeps the three slowest calls of the window, longest first', () => {
    const w = new RateWindow();
    for (const [i, d] of [5, 50, 7, 40, 9, 30].entries()) w.add(rec(T0 - i * 1000, d * 1000, { agent: `a${d}` }), T0);
    expect(w.totals(T0).slowest.map((c) => c.agent)).toEqual(['a50', 'a40', 'a30']);
    // Slots that leave the window take their slow calls with them.
    expect(w.totals(T0 + 59_500).slowest.map((c) => c.agent)).toEqual(['a5']);
  });
});
