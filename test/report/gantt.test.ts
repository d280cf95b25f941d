import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createGanttSampler, selectGanttItems, toGanttItem, type GanttItem } from '../../src/report/gantt.js';
import { rec } from './helpers/records.js';

const item = (id: string, startMs: number, durationMs: number, extra: Partial<GanttItem> = {}): GanttItem => ({
  id,
  agent: 'a',
  phase: 0,
  startMs,
  durationMs,
  success: true,
  attempt: 1,
  ...extra,
});

describe('toGanttItem', () => {
  it('projects a record, with its start in epoch ms', () => {
    const r = rec('coder', 5, { invocationId: 'x', phase: 2, attempt: 3, success: false, errorClass: 'timeout', durationMs: 1234 });
    expect(toGanttItem(r)).toEqual({ id: 'x', agent: 'coder', phase: 2, startMs: Date.UTC(2026, 10, 20, 9, 0, 5), durationMs: 1234, success: false, attempt: 3, errorClass: 'timeout' });
  });
});

describe('selectGanttItems', () => {
  it('keeps everything (in start order) within the limit', () => {
    expect(selectGanttItems([item('b', 20, 1), item('a', 10, 1)], 5).map((i) => i.id)).toEqual(['a', 'b']);
  });

  it('beyond the limit: failures, then retries, then the longest, drawn in start order', () => {
    const items = [
      item('short', 0, 1),
      item('long', 1, 100),
      item('retry', 2, 1, { attempt: 2 }),
      item('failed', 3, 1, { success: false }),
      item('medium', 4, 50),
    ];
    expect(selectGanttItems(items, 3).map((i) => i.id)).toEqual(['long', 'retry', 'failed']);
    expect(selectGanttItems(items, 4).map((i) => i.id)).toEqual(['long', 'retry', 'failed', 'medium']);
  });

  it('the streaming sampler equals sorting everything, for any input and limit', () => {
    const arb = fc.array(
      fc.record({ startMs: fc.integer({ min: 0, max: 50 }), durationMs: fc.integer({ min: 0, max: 20 }), success: fc.boolean(), attempt: fc.integer({ min: 1, max: 3 }) }),
      { maxLength: 300 },
    );
    fc.assert(
      fc.property(arb, fc.integer({ min: 0, max: 40 }), (raw, limit) => {
        const items = raw.map((r, i) => item(String(i), r.startMs, r.durationMs, r));
        const rank = [...items.entries()].sort(
          ([i, a], [j, b]) =>
            Number(a.success) - Number(b.success) ||
            Number(b.attempt > 1) - Number(a.attempt > 1) ||
            b.durationMs - a.durationMs ||
            a.startMs - b.startMs ||
            i - j,
        );
        const expected = rank
          .slice(0, limit)
          .sort(([i, a], [j, b]) => a.startMs - b.startMs || i - j)
          .map(([, x]) => x.id);
        const sampler = createGanttSampler(limit);
        for (const x of items) sampler.add(x);
        expect(sampler.items().map((x) => x.id)).toEqual(expected);
        expect(sampler.seen).toBe(items.length);
      }),
    );
  });
});
