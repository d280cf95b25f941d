/**
 * `WatchState`: the aggregate of records fed a few at a time, with snapshots in between, is the exact
 * aggregate of them all (retries infra vs code and escalations included).
 */
import { describe, expect, it } from 'vitest';
import { computeAggregate } from '../../src/aggregate/index.js';
import { loadLog } from '../../src/log/reader.js';
import { WatchState } from '../../src/cli/watch-state.js';

describe('WatchState', () => {
  it('snapshots between batches end on the aggregate of every record, as computeAggregate gives it', async () => {
    const { records } = await loadLog('test/fixtures/cli/run.jsonl');
    const state = new WatchState(() => Date.parse('2026-11-20T09:03:00Z'));
    for (let i = 0; i < records.length; i += 4) {
      for (const r of records.slice(i, i + 4)) state.sink.record(r);
      state.snapshot(true);
    }
    const snap = state.snapshot(true);
    const expected = computeAggregate(records);
    expect(snap.records).toBe(records.length);
    expect(snap.aggregatedRecords).toBe(records.length);
    expect(snap.aggregate).toEqual(expected);
    // The running sums agree with it exactly (the same additions in the same order).
    expect(snap.totals).toEqual({ successes: expected.totalSuccesses, cost: expected.totalCost, tokens: expected.totalTokens });
    // The fixture has both kinds of retries and an escalation: the figures shown are not trivially zero.
    expect([expected.infraRetries, expected.codeRetries, expected.escalationCount].every((n) => n > 0)).toBe(true);
  });

  it('while the files are still being read, the aggregate waits (unless forced); the running sums do not', async () => {
    const { records } = await loadLog('test/fixtures/cli/run.jsonl');
    const state = new WatchState();
    for (const r of records) state.sink.record(r);
    const reading = state.snapshot(false, true);
    expect(reading).toMatchObject({ aggregate: undefined, aggregatedRecords: 0, records: records.length });
    expect(reading.totals.successes).toBe(records.filter((r) => r.success).length);
    expect(state.snapshot(false, false).aggregatedRecords).toBe(records.length);
  });

  it('counts skipped lines and keeps the latest notices, each also handed to onNotice', () => {
    const told: string[] = [];
    const state = new WatchState(Date.now, (t) => told.push(t));
    state.sink.skipped('a.jsonl', 3, 'malformed JSON');
    for (const n of ['one', 'two', 'three']) state.sink.notice(n);
    const snap = state.snapshot();
    expect(snap.skipped).toBe(1);
    expect(snap.notices).toEqual(['one', 'two', 'three']);
    expect(told).toEqual(['a.jsonl:3: malformed JSON', 'one', 'two', 'three']);
    expect(snap.aggregate).toBeUndefined();
  });
});
