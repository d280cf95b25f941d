import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { createAggregator, shardsOf } from '../../src/aggregate/aggregator.js';
import { computeAhead, type AheadInput } from '../../src/aggregate/ahead-jobs.js';
import type { InvocationMetric } from '../../src/record.js';
import { referenceParallelism, referenceStats } from './references.js';
import { runs } from '../helpers/property.js';

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

/** Job input of rows with these starts, durations and agents (every other column neutral). */
function inputOf(start: Float64Array, durationMs: Float64Array, agent: Int32Array, agents: number): AheadInput {
  const n = start.length;
  const ids = (v: number): Int32Array => new Int32Array(n).fill(v);
  const columns = { start, durationMs, agent, cost: new Float64Array(n), attempt: new Float64Array(n).fill(1), phase: ids(0), taskId: ids(-1), model: ids(-1), tier: ids(-1), errorClass: ids(-1), flags: new Uint8Array(n).fill(3) };
  return { columns, count: n, sizes: { agents, phases: 1, models: 0, errorClasses: [] } };
}

describe('parts computed ahead, adopted by an aggregator', () => {
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
    shards.adoptAhead(computeAhead(shards.aheadInput()!, 1000));
    expect(ahead.result()).toEqual(plain.result());
  });

  it('gives the same aggregate from columns in shared memory, and the jobs read them where they are', () => {
    const plain = createAggregator({ bucketMs: 1000 });
    const shared = createAggregator({ bucketMs: 1000 });
    const shards = shardsOf(shared)!;
    shards.shareColumns();
    // 1,600 rows: past the initial capacity, so the columns grow (and stay shared).
    for (let k = 0; k < 8; k++) {
      for (const r of records) {
        plain.add(r);
        shared.add(r);
      }
    }
    const input = shards.aheadInput()!;
    expect(input.columns.start.buffer).toBeInstanceOf(SharedArrayBuffer);
    expect(input.columns.flags.buffer).toBeInstanceOf(SharedArrayBuffer);
    const ahead = computeAhead(input, 1000);
    expect(ahead.tallies.agentCount.reduce((a, b) => a + b, 0)).toBe(8 * records.length);
    shards.adoptAhead(ahead);
    expect(shared.result()).toEqual(plain.result());
  });

  it('takes previous attempts and retry outcomes computed ahead from retryInput()', () => {
    const plain = createAggregator({ bucketMs: 1000 });
    const ahead = createAggregator({ bucketMs: 1000 });
    // Error classes and tiers that vary, so that infra retries and escalations are counted.
    for (const r of records.map((r, i) => ({ ...r, errorClass: ['timeout', '', 'oom'][i % 3]!, tier: ['s', 'l'][(i >> 1) % 2]! }))) {
      plain.add(r);
      ahead.add(r);
    }
    const shards = shardsOf(ahead)!;
    const computed = computeAhead(shards.retryInput()!, 1000);
    const expected = plain.result();
    expect(expected.infraRetries).toBeGreaterThan(0);
    expect(expected.escalationCount).toBeGreaterThan(0);
    expect([computed.retries!.infra, computed.retries!.escalations]).toEqual([expected.infraRetries, expected.escalationCount]);
    shards.adoptAhead(computed);
    expect(ahead.result()).toEqual(expected);
  });

  it('drops the runs when a record is added after', () => {
    const plain = createAggregator({ bucketMs: 1000 });
    const ahead = createAggregator({ bucketMs: 1000 });
    for (const r of records.slice(0, 100)) {
      plain.add(r);
      ahead.add(r);
    }
    const shards = shardsOf(ahead)!;
    shards.adoptAhead(computeAhead(shards.aheadInput()!, 1000));
    for (const r of records.slice(100)) {
      plain.add(r);
      ahead.add(r);
    }
    expect(ahead.result()).toEqual(plain.result());
  });

  it('keeps -0 where the sort puts it, and ignores stale input', () => {
    const ahead = computeAhead(inputOf(new Float64Array([0, 0, 0]), new Float64Array([0, -0, 0]), new Int32Array([0, 0, 0]), 1), 1000);
    expect(Object.is(ahead.duration!.min, -0)).toBe(true);
    expect(ahead.parallelism.peak).toBe(0);
    const aggregator = createAggregator({ bucketMs: 1000 });
    aggregator.add(records[0]!);
    shardsOf(aggregator)!.adoptAhead(ahead); // 3 rows computed, 1 held: not taken
    expect(aggregator.result().duration!.count).toBe(1);
  });
});

describe('the jobs against full sorts', () => {
  const rowsArb = fc.record({
    agents: fc.integer({ min: 1, max: 5 }),
    rows: fc.array(
      fc.tuple(
        fc.integer({ min: -3_000, max: 3_000 }).map((x) => Date.UTC(2026, 10, 20, 9) + x * 250),
        fc.oneof(fc.constantFrom(0, -0, 250, 1000, 60_000), fc.integer({ min: 0, max: 5000 }), fc.double({ min: 0, max: 1e5, noNaN: true })),
        fc.nat(),
      ),
      { minLength: 1, maxLength: 500 },
    ),
    bucketMs: fc.constantFrom(1000, 60_000),
  });

  it('give the statistics of the sorted durations per agent and overall (-0 included), and the full-sort parallelism', () => {
    fc.assert(
      fc.property(rowsArb, ({ agents, rows, bucketMs }) => {
        // Agent ids 0..agents - 1; with two or more, the last one is never used: an empty group.
        const used = Math.max(1, agents - 1);
        const start = Float64Array.from(rows, ([s]) => s);
        const durationMs = Float64Array.from(rows, ([, d]) => d);
        const agent = Int32Array.from(rows, ([, , a]) => a % used);
        const ahead = computeAhead(inputOf(start, durationMs, agent, agents), bucketMs);
        const expectedByAgent = Array.from({ length: agents }, (_, a) => referenceStats(rows.filter((_, i) => agent[i] === a).map(([, d]) => d)));
        expect(ahead.durationByAgent).toEqual(expectedByAgent);
        expect(ahead.duration).toEqual(referenceStats(rows.map(([, d]) => d)));
        expect(ahead.parallelism).toEqual(referenceParallelism([...start], [...durationMs], bucketMs));
      }),
      { numRuns: runs(300) },
    );
  });
});
