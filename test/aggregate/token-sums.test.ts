import { describe, expect, it } from 'vitest';
import { TokenSums } from '../../src/aggregate/token-sums.js';

describe('TokenSums', () => {
  it('sums tokens per id and totals, missing fields as 0', () => {
    const t = new TokenSums();
    t.add(0, 0, -1, 10, 8, 2, 5);
    t.add(1, 0, 0, 20);
    t.add(40, 3, 30, 1, undefined, undefined, 4); // ids beyond the initial capacity
    const s = t.toState(41, 4, 31, true);
    expect([s.total, s.input, s.output, s.cached]).toEqual([31, 8, 2, 9]);
    // Only the cached tokens of records that report inputTokens enter the cache-hit share.
    expect(s.cachedWithInput).toBe(5);
    expect(s.byAgent.length).toBe(41);
    expect([s.byAgent[0], s.byAgent[1], s.byAgent[40]]).toEqual([10, 20, 1]);
    expect([...s.byPhase]).toEqual([30, 0, 0, 1]);
    expect([s.byModel[0], s.byModel[1], s.byModel[31]]).toEqual([10, 20, 1]);
  });

  it('pads to table sizes the sums never reached', () => {
    const s = new TokenSums().toState(100, 0, 50, false);
    expect(s.byAgent.length).toBe(100);
    expect(s.byPhase.length).toBe(0);
    expect(s.byModel.length).toBe(51);
  });

  it('merges another sums, translating ids (model index 0 = no model stays 0)', () => {
    const a = new TokenSums();
    a.add(0, 0, 0, 1, 1, 1, 1);
    const b = new TokenSums();
    b.add(0, 0, -1, 10, 10, 10, 10);
    b.add(1, 1, 0, 100);
    a.merge(b.toState(2, 2, 1, true), Int32Array.from([1, 0]), Int32Array.from([0, 1]), Int32Array.from([2]));
    const s = a.toState(2, 2, 3, true);
    expect([s.total, s.input, s.output, s.cached, s.cachedWithInput]).toEqual([111, 11, 11, 11, 11]);
    expect([...s.byAgent]).toEqual([101, 10]);
    expect([...s.byPhase]).toEqual([11, 100]);
    expect([...s.byModel]).toEqual([10, 1, 0, 100]);
  });
});
