import { describe, expect, it } from 'vitest';
import { computeAggregate, createAggregator } from '../../src/aggregate/index.js';
import type { Aggregator } from '../../src/aggregate/index.js';
import { InvalidOptionError } from '../../src/errors.js';
import type { InvocationMetric } from '../../src/record.js';
import { metric } from './helpers.js';

const fed = (records: InvocationMetric[], bucketMs?: number): Aggregator => {
  const aggregator = createAggregator(bucketMs === undefined ? undefined : { bucketMs });
  for (const record of records) aggregator.add(record);
  return aggregator;
};

const A = [
  metric({ agent: 'a', taskId: 't', timestamp: '2026-11-20T09:00:00Z', errorClass: 'timeout', success: false, tier: 'small' }),
  metric({ agent: 'b', taskId: 'u', model: 'x', cost: 0.1 }),
];
const B = [
  // Same start as A's first record: as the later record in input order it becomes the previous attempt.
  metric({ agent: 'a', taskId: 't', timestamp: '2026-11-20T09:00:00Z', tier: 'large' }),
  metric({ agent: 'a', taskId: 't', timestamp: '2026-11-20T09:00:30Z', attempt: 2, tier: 'small', cost: 0.2 }),
  metric({ agent: 'c', model: 'y', inputTokens: 10, cachedTokens: 4 }),
];

describe('createAggregator', () => {
  it('validates bucketMs', () => {
    expect(() => createAggregator({ bucketMs: 0 })).toThrow(InvalidOptionError);
    expect(() => createAggregator({ bucketMs: 2.5 })).toThrow(/`bucketMs`/);
  });

  it('counts records, merged ones included', () => {
    const a = fed(A);
    expect(a.count).toBe(2);
    a.merge(fed(B));
    expect(a.count).toBe(5);
  });

  it('computes result() repeatedly, and accepts records after it', () => {
    const a = fed(A);
    const first = a.result();
    expect(a.result()).toEqual(first);
    for (const record of B) a.add(record);
    expect(a.result()).toEqual(computeAggregate([...A, ...B]));
  });

  it('merges a shard as if its records came after, input-order ties included', () => {
    const merged = fed(A);
    merged.merge(fed(B));
    const whole = computeAggregate([...A, ...B]);
    expect(merged.result()).toEqual(whole);
    // The tie went to B's first record (no errorClass, tier large): a code retry and an escalation.
    expect(whole.infraRetries).toBe(0);
    expect(whole.escalationsByTier).toEqual(Object.assign(Object.create(null), { 'large -> small': 1 }));
  });

  it('leaves the merged aggregator unchanged', () => {
    const b = fed(B);
    const before = b.result();
    fed(A).merge(b);
    expect(b.result()).toEqual(before);
    expect(b.count).toBe(B.length);
  });

  it('merges an aggregator into itself as a doubled input', () => {
    const a = fed(A);
    a.merge(a);
    expect(a.result()).toEqual(computeAggregate([...A, ...A]));
  });

  it("uses the receiving aggregator's bucketMs", () => {
    const a = fed(A, 1000);
    a.merge(fed(B, 60_000));
    expect(a.result()).toEqual(computeAggregate([...A, ...B], { bucketMs: 1000 }));
  });

  it('round-trips through serialize(), structuredClone and mergeState()', () => {
    const shard = fed(B).serialize();
    const a = fed(A);
    a.mergeState(structuredClone(shard));
    expect(a.result()).toEqual(computeAggregate([...A, ...B]));
    const empty = createAggregator();
    empty.mergeState(fed(A).serialize());
    expect(empty.result()).toEqual(computeAggregate(A));
  });

  it('serializes fresh copies: later adds do not change an earlier state', () => {
    const a = fed(A);
    const state = a.serialize();
    a.add(metric({ agent: 'z' }));
    expect(state.count).toBe(2);
    expect(state.agents).toEqual(['a', 'b']);
    expect(state.columns.start.length).toBe(2);
  });

  it('rejects a malformed state without changing anything', () => {
    const a = fed(A);
    const state = fed(B).serialize();
    state.columns.agent[0] = 99;
    expect(() => a.mergeState(state)).toThrow(InvalidOptionError);
    expect(a.count).toBe(2);
    expect(a.result()).toEqual(computeAggregate(A));
  });
});
