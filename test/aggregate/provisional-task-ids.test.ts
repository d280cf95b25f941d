/**
 * Worker shards whose task ids are appended, not interned (the scanner's path): `result()` tells task ids
 * apart only as far as retries need them (src/aggregate/provisional-task-ids.ts). Every case here makes a
 * wrong match visible: the previous attempts carry an error class (infra retries) and a tier (escalations).
 */
import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { computeAggregate, createAggregator } from '../../src/aggregate/index.js';
import { shardsOf } from '../../src/aggregate/aggregator.js';
import type { InvocationMetric } from '../../src/record.js';
import { metric } from './helpers.js';
import { runs } from '../helpers/property.js';

type Part = { kind: 'shard' | 'here'; records: InvocationMetric[] };

/** Feeds the parts to one aggregator: worker shards through exportShard/mergeShard, the rest through add(). */
function feed(parts: Part[]): ReturnType<typeof createAggregator> {
  const main = createAggregator();
  for (const part of parts) {
    if (part.kind === 'here') {
      for (const r of part.records) main.add(r);
      continue;
    }
    const worker = createAggregator();
    shardsOf(worker)!.deferTaskIds();
    for (const r of part.records) worker.add(r);
    shardsOf(main)!.mergeShard(structuredClone(shardsOf(worker)!.exportShard()));
  }
  return main;
}

const at = (second: number): string => new Date(Date.UTC(2026, 10, 20, 9, 0, second)).toISOString();
const attempt = (taskId: string | undefined, n: number, second: number, extra: Partial<InvocationMetric> = {}): InvocationMetric => {
  const r = metric({ attempt: n, timestamp: at(second), errorClass: 'timeout', tier: `t${n}`, ...extra });
  if (taskId !== undefined) r.taskId = taskId;
  return r;
};

function expectSameAsConcatenation(parts: Part[]): void {
  const records = parts.flatMap((p) => p.records);
  const expected = JSON.stringify(computeAggregate(records));
  const main = feed(parts);
  shardsOf(main)!.prepareResult();
  expect(JSON.stringify(main.result())).toBe(expected);
  const whole = createAggregator();
  for (const r of records) whole.add(r);
  expect(main.serialize()).toEqual(whole.serialize());
  expect(JSON.stringify(main.result())).toBe(expected);
}

describe('result() over worker shards with task ids not interned', () => {
  it('finds a previous attempt added in this thread before the shard (the interned table)', () => {
    const parts: Part[] = [
      { kind: 'here', records: [attempt('t1', 1, 0), attempt('t0', 1, 0)] },
      { kind: 'shard', records: [attempt('t1', 2, 5), attempt('t9', 1, 5)] },
    ];
    expect(computeAggregate(parts.flatMap((p) => p.records)).infraRetries).toBe(1);
    expectSameAsConcatenation(parts);
  });

  it('finds a previous attempt in an earlier shard, a later shard, and the same shard (keys held twice)', () => {
    const parts: Part[] = [
      { kind: 'shard', records: [attempt('a', 1, 0), attempt('b', 1, 0), attempt('c', 1, 9)] },
      { kind: 'shard', records: [attempt('a', 2, 3), attempt('b', 1, 1), attempt('b', 2, 4), attempt('a', 3, 8)] },
      { kind: 'shard', records: [attempt('c', 2, 10), attempt('c', 1, 1)] },
    ];
    const expected = computeAggregate(parts.flatMap((p) => p.records));
    expect(expected.infraRetries).toBe(4);
    expect(expected.escalationCount).toBe(4);
    expectSameAsConcatenation(parts);
  });

  it('keeps task ids that no retry has apart from the missing task id and from every retry key', () => {
    const parts: Part[] = [
      { kind: 'shard', records: [attempt(undefined, 1, 0), attempt('x', 1, 0), attempt('', 1, 0)] },
      { kind: 'shard', records: [attempt(undefined, 2, 5), attempt('', 2, 6), attempt('y', 2, 7)] },
    ];
    expect(computeAggregate(parts.flatMap((p) => p.records)).infraRetries).toBe(2);
    expectSameAsConcatenation(parts);
  });

  it('stays exact when records are added in this thread between shards and after result()', () => {
    const parts: Part[] = [
      { kind: 'shard', records: [attempt('k', 2, 5)] },
      { kind: 'here', records: [attempt('k', 1, 1), attempt('m', 1, 1)] },
      { kind: 'shard', records: [attempt('m', 2, 6), attempt('k', 1, 2)] },
    ];
    expectSameAsConcatenation(parts);
    const main = feed(parts);
    const first = main.result();
    main.add(attempt('m', 3, 9));
    expect(JSON.stringify(main.result())).toBe(JSON.stringify(computeAggregate([...parts.flatMap((p) => p.records), attempt('m', 3, 9)])));
    expect(first.totalRetries).toBe(2);
  });

  it('stays exact when a shard merged after result() makes an earlier key a retry key', () => {
    // Before the second shard neither key is a retry's; after it 'q' is, and 'p' must stay apart from it.
    const first: Part[] = [{ kind: 'shard', records: [attempt('q', 1, 0), attempt('p', 1, 2, { errorClass: '' })] }];
    const main = feed(first);
    expect(main.result().infraRetries).toBe(0);
    const later = createAggregator();
    shardsOf(later)!.deferTaskIds();
    later.add(attempt('q', 2, 4));
    shardsOf(main)!.mergeShard(structuredClone(shardsOf(later)!.exportShard()));
    const expected = computeAggregate([...first[0]!.records, attempt('q', 2, 4)]);
    expect(expected.infraRetries).toBe(1);
    expect(JSON.stringify(main.result())).toBe(JSON.stringify(expected));
  });

  it('agrees with the concatenation on random parts (one agent and phase: every task id match counts)', () => {
    const recordArb = fc
      .record({
        taskId: fc.option(fc.constantFrom('', 't1', 't2', 't3', '😀'), { nil: undefined }),
        n: fc.integer({ min: 1, max: 3 }),
        second: fc.integer({ min: 0, max: 20 }),
        errorClass: fc.constantFrom('', 'timeout'),
        tier: fc.constantFrom('s', 'l'),
      })
      .map(({ taskId, n, second, errorClass, tier }) => attempt(taskId, n, second, { errorClass, tier }));
    const partArb = fc.record({ kind: fc.constantFrom<'shard' | 'here'>('shard', 'shard', 'here'), records: fc.array(recordArb, { maxLength: 12 }) });
    fc.assert(
      fc.property(fc.array(partArb, { maxLength: 5 }), (parts) => expectSameAsConcatenation(parts)),
      { numRuns: runs(500) },
    );
  });
});
