import { describe, expect, it } from 'vitest';
import { createAggregator, shardsOf } from '../../src/aggregate/aggregator.js';
import { aheadJobs, computeAhead } from '../../src/aggregate/sorted-runs.js';
import type { InvocationMetric } from '../../src/record.js';

const record = (i: number, agent: string, durationMs: number, timestamp: string): InvocationMetric => ({
  invocationId: `id-${i}`,
  agent,
  phase: i % 3,
  taskId: `t${i % 5}`,
  durationMs,
  tokens: i,
  cost: i / 7,
  exitCode: 0,
  success: i % 4 !== 0,
  attempt: 1 + (i % 2),
  outputParsed: true,
  timestamp,
});

describe('sorting parts computed ahead, adopted by an aggregator', () => {
  const records = Array.from({ length: 200 }, (_, i) =>
    record(i, ['b', 'a', 'c'][i % 3]!, [0, -0, 5, 1e-300, 1000.5, 60_000][i % 6]!, new Date(Date.UTC(2026, 10, 20, 9) + ((i * 7919) % 500_000)).toISOString()),
  );

  it('gives the aggregate result() computes by itself', () => {
    const plain = createAggregator({ bucketMs: 1000 });
    const ahead = createAggregator({ bucketMs: 1000 });
    for (const r of records) {
      plain.add(r);
      ahead.add(r);
    }
    const shards = shardsOf(ahead)!;
    shards.adoptAhead(computeAhead(shards.aheadJobs()!, 1000));
    expect(ahead.result()).toEqual(plain.result());
  });

  it('drops the runs when a record is added after', () => {
    const plain = createAggregator({ bucketMs: 1000 });
    const ahead = createAggregator({ bucketMs: 1000 });
    for (const r of records.slice(0, 100)) {
      plain.add(r);
      ahead.add(r);
    }
    const shards = shardsOf(ahead)!;
    shards.adoptAhead(computeAhead(shards.aheadJobs()!, 1000));
    for (const r of records.slice(100)) {
      plain.add(r);
      ahead.add(r);
    }
    expect(ahead.result()).toEqual(plain.result());
  });

  it('keeps -0 where the sort puts it, and ignores stale input', () => {
    const ahead = computeAhead(aheadJobs(new Float64Array([0, 0, 0]), new Float64Array([0, -0, 0]), new Int32Array([0, 0, 0]), 3, 1), 1000);
    expect(Object.is(ahead.duration!.min, -0)).toBe(true);
    expect(ahead.parallelism.peak).toBe(0);
    const aggregator = createAggregator({ bucketMs: 1000 });
    aggregator.add(records[0]!);
    shardsOf(aggregator)!.adoptAhead(ahead); // 3 rows computed, 1 held: not taken
    expect(aggregator.result().duration!.count).toBe(1);
  });
});
