import { describe, expect, it } from 'vitest';
import { computeAggregate } from '../../src/aggregate/index.js';
import { InvalidOptionError } from '../../src/errors.js';
import type { InvocationMetric } from '../../src/record.js';
import { metric } from './helpers.js';

/** A null-prototype map, as the aggregate builds them. */
const map = <V>(entries: Record<string, V> = {}): Record<string, V> => Object.assign(Object.create(null) as Record<string, V>, entries);

describe('computeAggregate: no records', () => {
  it('gives zeros, empty maps, an empty series and null times', () => {
    const empty = computeAggregate([]);
    expect(empty).toEqual({
      totalInvocations: 0,
      invocationsByAgent: map(),
      invocationsByPhase: map(),
      totalRetries: 0,
      retriesByAgent: map(),
      retriesByPhase: map(),
      infraRetries: 0,
      codeRetries: 0,
      escalationCount: 0,
      totalTokens: 0,
      totalCost: 0,
      totalCachedTokens: 0,
      tokensByAgent: map(),
      costByAgent: map(),
      totalDurationMs: 0,
      avgDurationByAgent: map(),
      successRate: 0,
      peakParallelInvocations: 0,
      parallelismOverTime: [],
      bucketMs: 60_000,
      totalSuccesses: 0,
      successesByAgent: map(),
      infraRetriesByAgent: map(),
      codeRetriesByAgent: map(),
      durationByAgent: map(),
      duration: null,
      costByPhase: map(),
      tokensByPhase: map(),
      invocationsByModel: map(),
      costByModel: map(),
      tokensByModel: map(),
      totalInputTokens: 0,
      totalOutputTokens: 0,
      cacheHitShare: 0,
      failuresByErrorClass: map(),
      outputParseFailures: 0,
      escalationsByTier: map(),
      firstStart: null,
      lastEnd: null,
      wallClockSpanMs: 0,
    });
    expect(Object.getPrototypeOf(empty.invocationsByAgent)).toBeNull();
  });

  it('accepts any iterable', () => {
    function* none(): Generator<InvocationMetric> {}
    expect(computeAggregate(none()).totalInvocations).toBe(0);
    expect(computeAggregate(new Set([metric()])).totalInvocations).toBe(1);
  });

  it('validates bucketMs', () => {
    expect(() => computeAggregate([], { bucketMs: -5 })).toThrow(InvalidOptionError);
  });
});

describe('computeAggregate: a small run, every field', () => {
  const run: InvocationMetric[] = [
    metric({ agent: 'planner', phase: 0, taskId: 'T1', timestamp: '2026-11-20T09:00:00Z', durationMs: 30_000, tokens: 100, inputTokens: 80, outputTokens: 20, cachedTokens: 40, cost: 0.5, model: 'm-small', tier: 'small' }),
    // 09:00:10Z, written in +02:00.
    metric({ agent: 'coder', phase: 1, taskId: 'T2', timestamp: '2026-11-20T11:00:10+02:00', durationMs: 50_000, tokens: 200, inputTokens: 150, outputTokens: 50, cost: 1.25, success: false, errorClass: 'timeout', outputParsed: false, model: 'm-small', tier: 'small' }),
    // 09:01:00Z, written in -05:30: retries the timeout above on a larger tier.
    metric({ agent: 'coder', phase: 1, taskId: 'T2', attempt: 2, timestamp: '2026-11-20T03:31:00-05:30', durationMs: 60_000, tokens: 300, cost: 2, model: 'm-large', tier: 'large' }),
    // A retry without taskId whose previous attempt does not exist; zero-length.
    metric({ agent: 'coder', phase: 2, attempt: 2, timestamp: '2026-11-20T09:02:30Z', durationMs: 0, tokens: 0, cost: 0, success: false }),
    metric({ agent: 'reviewer', phase: 10, timestamp: '2026-11-20T09:00:20.000Z', durationMs: 10_000, tokens: 50, cost: 0.25, model: 'm-small' }),
  ];
  const result = computeAggregate(run);

  it('matches the definitions', () => {
    const coderMean = 110_000 / 3;
    expect(result).toEqual({
      totalInvocations: 5,
      invocationsByAgent: map({ coder: 3, planner: 1, reviewer: 1 }),
      invocationsByPhase: map({ 0: 1, 1: 2, 2: 1, 10: 1 }),
      totalRetries: 2,
      retriesByAgent: map({ coder: 2 }),
      retriesByPhase: map({ 1: 1, 2: 1 }),
      infraRetries: 1,
      codeRetries: 1,
      escalationCount: 1,
      totalTokens: 650,
      totalCost: 4,
      totalCachedTokens: 40,
      tokensByAgent: map({ coder: 500, planner: 100, reviewer: 50 }),
      costByAgent: map({ coder: 3.25, planner: 0.5, reviewer: 0.25 }),
      totalDurationMs: 150_000,
      avgDurationByAgent: map({ coder: coderMean, planner: 30_000, reviewer: 10_000 }),
      successRate: 0.6,
      // [0 s, 30 s), [10 s, 60 s), [60 s, 120 s), zero-length at 150 s, [20 s, 30 s): three at 20 s.
      peakParallelInvocations: 3,
      parallelismOverTime: [
        { bucketStart: '2026-11-20T09:00:00.000Z', concurrent: 3 },
        // The 10 s - 60 s interval ends exactly where the retry starts: one at a time.
        { bucketStart: '2026-11-20T09:01:00.000Z', concurrent: 1 },
        // The retry ends on the 09:02 edge; the zero-length invocation at 09:02:30 alone extends the range.
        { bucketStart: '2026-11-20T09:02:00.000Z', concurrent: 0 },
      ],
      bucketMs: 60_000,
      totalSuccesses: 3,
      successesByAgent: map({ coder: 1, planner: 1, reviewer: 1 }),
      infraRetriesByAgent: map({ coder: 1 }),
      codeRetriesByAgent: map({ coder: 1 }),
      durationByAgent: map({
        coder: { count: 3, min: 0, p50: 50_000, p90: 60_000, p95: 60_000, p99: 60_000, max: 60_000, mean: coderMean },
        planner: { count: 1, min: 30_000, p50: 30_000, p90: 30_000, p95: 30_000, p99: 30_000, max: 30_000, mean: 30_000 },
        reviewer: { count: 1, min: 10_000, p50: 10_000, p90: 10_000, p95: 10_000, p99: 10_000, max: 10_000, mean: 10_000 },
      }),
      duration: { count: 5, min: 0, p50: 30_000, p90: 60_000, p95: 60_000, p99: 60_000, max: 60_000, mean: 30_000 },
      costByPhase: map({ 0: 0.5, 1: 3.25, 2: 0, 10: 0.25 }),
      tokensByPhase: map({ 0: 100, 1: 500, 2: 0, 10: 50 }),
      invocationsByModel: map({ '(none)': 1, 'm-large': 1, 'm-small': 3 }),
      costByModel: map({ '(none)': 0, 'm-large': 2, 'm-small': 2 }),
      tokensByModel: map({ '(none)': 0, 'm-large': 300, 'm-small': 350 }),
      totalInputTokens: 230,
      totalOutputTokens: 70,
      cacheHitShare: 40 / 230,
      failuresByErrorClass: map({ '(none)': 1, timeout: 1 }),
      outputParseFailures: 1,
      escalationsByTier: map({ 'small -> large': 1 }),
      firstStart: '2026-11-20T09:00:00.000Z',
      lastEnd: '2026-11-20T09:02:30.000Z',
      wallClockSpanMs: 150_000,
    });
  });

  it('serializes deterministically, keys in documented order', () => {
    const json = JSON.stringify(result);
    expect(JSON.stringify(computeAggregate(run))).toBe(json);
    expect(json).toContain('"invocationsByPhase":{"0":1,"1":2,"2":1,"10":1}');
    expect(json).toContain('"invocationsByModel":{"(none)":1,"m-large":1,"m-small":3}');
  });

  it('follows the buckets option', () => {
    const seconds = computeAggregate(run, { bucketMs: 10_000 });
    expect(seconds.bucketMs).toBe(10_000);
    // 09:00:00 through the bucket of 09:02:30 (the zero-length record), 16 buckets.
    expect(seconds.parallelismOverTime.map((b) => b.concurrent)).toEqual([1, 2, 3, 1, 1, 1, 1, 1, 1, 1, 1, 1, 0, 0, 0, 0]);
  });
});

describe('computeAggregate: agent names', () => {
  const names = ['__proto__', 'constructor', 'toString', 'hasOwnProperty', '10', '9', 'Zed', 'ärger', '日本', '😀'];
  const result = computeAggregate(names.map((agent, i) => metric({ agent, tokens: i, attempt: 2 })));

  it('keeps prototype names as plain keys without polluting anything', () => {
    for (const field of ['invocationsByAgent', 'tokensByAgent', 'retriesByAgent', 'durationByAgent', 'infraRetriesByAgent'] as const) {
      expect(Object.getPrototypeOf(result[field])).toBeNull();
      expect(Object.keys(result[field])).toHaveLength(names.length);
    }
    expect(result.tokensByAgent.__proto__).toBe(0);
    expect(result.tokensByAgent.constructor).toBe(1);
    expect(result.durationByAgent[names[2]!]!.count).toBe(1);
    expect(({} as Record<string, unknown>).constructor).toBe(Object);
    expect(Object.prototype).not.toHaveProperty('count');
  });

  it('sorts by UTF-16 code units, integer-like names enumerated first by JavaScript', () => {
    expect(Object.keys(result.invocationsByAgent)).toEqual(['9', '10', 'Zed', '__proto__', 'constructor', 'hasOwnProperty', 'toString', 'ärger', '日本', '😀']);
    expect(JSON.stringify(result.tokensByAgent)).toBe(
      '{"9":5,"10":4,"Zed":6,"__proto__":0,"constructor":1,"hasOwnProperty":3,"toString":2,"ärger":7,"日本":8,"😀":9}',
    );
  });
});

describe('computeAggregate: retries', () => {
  const at = (s: number): string => new Date(Date.UTC(2026, 10, 20, 9, 0, s)).toISOString();

  it('keeps a missing taskId apart from ""', () => {
    const result = computeAggregate([
      metric({ taskId: '', timestamp: at(0), errorClass: 'rate_limit', success: false }),
      metric({ attempt: 2, timestamp: at(10) }),
    ]);
    expect([result.totalRetries, result.infraRetries, result.codeRetries]).toEqual([1, 0, 1]);
  });

  it('finds the previous attempt later in the input', () => {
    const result = computeAggregate([
      metric({ taskId: 't', attempt: 2, timestamp: at(10), model: 'b' }),
      metric({ taskId: 't', timestamp: at(0), errorClass: 'timeout', success: false, model: 'a' }),
    ]);
    expect([result.infraRetries, result.escalationCount]).toEqual([1, 1]);
    expect(result.escalationsByTier).toEqual(map({ 'a -> b': 1 }));
  });

  it('breaks a tie in start towards the later record in input order', () => {
    const candidates = [
      metric({ taskId: 't', timestamp: at(0), errorClass: 'timeout', success: false }),
      metric({ taskId: 't', timestamp: at(0) }),
    ];
    const retry = metric({ taskId: 't', attempt: 2, timestamp: at(5) });
    expect(computeAggregate([...candidates, retry]).infraRetries).toBe(0);
    expect(computeAggregate([candidates[1]!, retry, candidates[0]!]).infraRetries).toBe(1);
  });

  it('counts a retry whose previous attempt does not exist as a code retry, without escalation', () => {
    const result = computeAggregate([metric({ attempt: 3, tier: 'x' }), metric({ attempt: 1, tier: 'y' })]);
    expect([result.totalRetries, result.infraRetries, result.codeRetries, result.escalationCount]).toEqual([1, 0, 1, 0]);
  });

  it('compares the model where one side has only a model', () => {
    const result = computeAggregate([
      metric({ taskId: 't', timestamp: at(0), tier: 'small', model: 'a' }),
      metric({ taskId: 't', timestamp: at(1), attempt: 2, model: 'b' }),
      metric({ taskId: 'u', timestamp: at(0), tier: 'small' }),
      metric({ taskId: 'u', timestamp: at(1), attempt: 2, model: 'b' }),
    ]);
    expect(result.escalationCount).toBe(1);
    expect(result.escalationsByTier).toEqual(map({ 'a -> b': 1 }));
  });
});

describe('computeAggregate: times', () => {
  it('reads zones as instants', () => {
    const result = computeAggregate([
      metric({ timestamp: '2026-11-20T11:00:00+02:00', durationMs: 1000 }),
      metric({ timestamp: '2026-11-20T03:30:00.5-05:30', durationMs: 1000 }),
    ]);
    expect(result.firstStart).toBe('2026-11-20T09:00:00.000Z');
    expect(result.peakParallelInvocations).toBe(2);
    expect(result.lastEnd).toBe('2026-11-20T09:00:01.500Z');
  });

  it('writes a fractional end as the millisecond that holds it, and keeps the span exact', () => {
    const result = computeAggregate([metric({ timestamp: '1969-12-31T23:59:59.000Z', durationMs: 999.5 })]);
    expect(result.lastEnd).toBe('1969-12-31T23:59:59.999Z');
    expect(result.wallClockSpanMs).toBe(999.5);
    expect(result.parallelismOverTime).toEqual([{ bucketStart: '1969-12-31T23:59:00.000Z', concurrent: 1 }]);
  });

  it('gives only-zero-length runs a series of zeros and peak 0', () => {
    const result = computeAggregate([metric({ durationMs: 0 }), metric({ durationMs: 0, timestamp: '2026-11-20T09:01:00Z' })]);
    expect(result.peakParallelInvocations).toBe(0);
    expect(result.parallelismOverTime).toEqual([
      { bucketStart: '2026-11-20T09:00:00.000Z', concurrent: 0 },
      { bucketStart: '2026-11-20T09:01:00.000Z', concurrent: 0 },
    ]);
    expect(result.wallClockSpanMs).toBe(60_000);
  });

  it('counts equal timestamps as overlapping', () => {
    expect(computeAggregate([metric(), metric(), metric({ durationMs: 0 })]).peakParallelInvocations).toBe(2);
  });
});

describe('computeAggregate: extras', () => {
  it('groups failures by error class, empty and absent under (none)', () => {
    const result = computeAggregate([
      metric({ success: false, errorClass: 'timeout' }),
      metric({ success: false, errorClass: '' }),
      metric({ success: false }),
      metric({ success: true, errorClass: 'timeout' }),
    ]);
    expect(result.failuresByErrorClass).toEqual(map({ '(none)': 2, timeout: 1 }));
  });

  it('computes the cache-hit share over records that report inputTokens', () => {
    const result = computeAggregate([metric({ inputTokens: 100, cachedTokens: 25 }), metric({ cachedTokens: 1000 }), metric({ inputTokens: 100 })]);
    expect(result.cacheHitShare).toBe(25 / 200);
    expect(result.totalCachedTokens).toBe(1025);
  });
});
