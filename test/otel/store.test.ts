import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { PointAttributes } from '../../src/otel/snapshot.js';
import { MetricStore, type HistogramRecorder } from '../../src/otel/store.js';
import { warnOnce } from '../../src/otel/warn-once.js';
import type { InvocationMetric } from '../../src/record.js';
import { COVERAGE_FACTS, coverageRecords, fleetRecords } from '../fixtures/otel/records.js';
import { expectedTable, total } from '../helpers/otel-expected.js';
import { plain, tableFromSnapshots } from '../helpers/otel-read.js';
import { memoryLogger, metric } from '../helpers/records.js';
import { runs } from '../helpers/property.js';

function store(options: { max?: number; histograms?: HistogramRecorder } = {}) {
  const logger = memoryLogger();
  const s = new MetricStore({ maxAttributeValues: options.max ?? 100, maxTrackedAttempts: 10_000, warn: warnOnce(logger), histograms: options.histograms });
  return { s, logger };
}

const recordAll = (s: MetricStore, records: readonly InvocationMetric[]) => {
  for (const r of records) s.record(r);
};

describe('MetricStore', () => {
  it('holds exactly the hand-computed counters and histograms of the hand-made set', () => {
    const { s } = store();
    recordAll(s, coverageRecords());
    const got = tableFromSnapshots(s.collect());
    expect(plain(got)).toEqual(plain(expectedTable(coverageRecords())));
    expect(total(got, 'invocation_metrics.invocations')).toBe(COVERAGE_FACTS.invocations);
    expect(total(got, 'invocation_metrics.retries', { 'invocation_metrics.retry.kind': 'infra' })).toBe(COVERAGE_FACTS.infraRetries);
    expect(total(got, 'invocation_metrics.retries', { 'invocation_metrics.retry.kind': 'code' })).toBe(COVERAGE_FACTS.codeRetries);
    expect(total(got, 'invocation_metrics.escalations')).toBe(COVERAGE_FACTS.escalations);
    expect(total(got, 'invocation_metrics.output_parse_failures')).toBe(COVERAGE_FACTS.parseFailures);
    expect(total(got, 'invocation_metrics.cost')).toBe(COVERAGE_FACTS.cost);
    expect(total(got, 'invocation_metrics.cached_tokens')).toBe(COVERAGE_FACTS.cachedTokens);
    expect(total(got, 'invocation_metrics.tokens')).toBe(COVERAGE_FACTS.tokens);
    for (const [errorType, n] of Object.entries(COVERAGE_FACTS.failures))
      expect(total(got, 'invocation_metrics.invocations', { 'invocation_metrics.outcome': 'failure', 'error.type': errorType }), errorType).toBe(n);
  });

  it('converts durationMs to seconds in the GenAI duration buckets, boundaries inclusive', () => {
    const { s } = store();
    recordAll(s, coverageRecords());
    const d = tableFromSnapshots(s.collect()).get('gen_ai.invoke_agent.duration')!;
    const planner = [...d.values()].find((p) => p.attributes['gen_ai.agent.name'] === 'planner' && p.attributes['error.type'] === undefined)!.value;
    const f = COVERAGE_FACTS.plannerSuccessDuration;
    expect(planner).toEqual({ count: f.count, sum: f.sum, counts: [0, 0, 0, 0, f.le1_6, 0, 0, 0, 0, 0, 0, 0, 0, f.inf] });
    // c01: 100 ms is exactly 0.1 s, the first bound: the first bucket.
    const timeout = [...d.values()].find((p) => p.attributes['gen_ai.agent.name'] === 'planner' && p.attributes['error.type'] === 'timeout')!.value;
    expect(timeout).toEqual({ count: 2, sum: 1.1, counts: [1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0] });
  });

  it('matches the reference on a realistic fleet', () => {
    const records = fleetRecords(2000, 3);
    const { s } = store();
    recordAll(s, records);
    expect(plain(tableFromSnapshots(s.collect()))).toEqual(plain(expectedTable(records)));
  });

  it('matches the reference on any small set of records, in any order', () => {
    const record = fc.record({
      agent: fc.constantFrom('a', 'b', 'c'),
      phase: fc.constantFrom(0, 1),
      taskId: fc.constantFrom(undefined, 't1', 't2'),
      attempt: fc.integer({ min: 1, max: 3 }),
      timestamp: fc.constantFrom('2026-01-01T00:00:00Z', '2026-01-01T00:00:01Z', '2026-01-01T01:00:01+01:00'),
      success: fc.boolean(),
      errorClass: fc.constantFrom(undefined, '', 'timeout', 'rate_limit'),
      tier: fc.constantFrom(undefined, 's', 'l'),
      model: fc.constantFrom(undefined, 'm1', 'm2'),
      durationMs: fc.constantFrom(0, 100, 100.5, 3200, 409_600, 500_000),
      tokens: fc.nat(100),
      inputTokens: fc.constantFrom(undefined, 0, 1, 4, 5, 67_108_864, 67_108_865),
      outputTokens: fc.constantFrom(undefined, 0, 16),
      cachedTokens: fc.constantFrom(undefined, 0, 7),
      cost: fc.constantFrom(0, 0.1, 0.25, 1e-7),
      outputParsed: fc.boolean(),
    });
    fc.assert(
      fc.property(fc.array(record, { maxLength: 25 }), (patches) => {
        const records = patches.map((p, i) => metric({ ...p, invocationId: `r${i}` }));
        const { s } = store();
        recordAll(s, records);
        expect(plain(tableFromSnapshots(s.collect()))).toEqual(plain(expectedTable(records, [], { seenOnly: true })));
      }),
      { numRuns: runs(300) },
    );
  });

  it('never turns invocationId, taskId or unknown fields into attributes', () => {
    const records = coverageRecords();
    const { s } = store();
    recordAll(s, records);
    const allowed = new Set(['gen_ai.agent.name', 'invocation_metrics.phase', 'gen_ai.request.model', 'invocation_metrics.tier', 'invocation_metrics.outcome', 'error.type', 'invocation_metrics.retry.kind', 'gen_ai.token.type', 'gen_ai.operation.name', 'gen_ai.provider.name', 'gen_ai.token.modality']);
    const forbiddenValues = new Set(records.flatMap((r) => [r.invocationId, r.taskId ?? 'no-task', 'sk-do-not-export', 'hello']));
    for (const snap of s.collect())
      for (const p of snap.points)
        for (const [k, v] of Object.entries(p.attributes)) {
          expect(allowed.has(k), k).toBe(true);
          expect(forbiddenValues.has(v), v).toBe(false);
        }
  });

  it('hands histogram values to a recorder instead of its own buckets (the bare-Meter path)', () => {
    const calls: [string, number, PointAttributes][] = [];
    const { s } = store({ histograms: { duration: (v, a) => calls.push(['duration', v, a]), tokens: (name, v, a) => calls.push([name, v, a]) } });
    s.record(metric({ agent: 'a', durationMs: 2500, inputTokens: 7, outputTokens: 3, model: 'm', success: false, errorClass: 'timeout' }));
    s.record(metric({ agent: 'a', durationMs: 1, inputTokens: undefined, outputTokens: undefined, model: undefined }));
    expect(calls).toEqual([
      ['duration', 2.5, { 'gen_ai.agent.name': 'a', 'error.type': 'timeout' }],
      ['gen_ai.client.token.usage', 7, { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.provider.name': '_OTHER', 'gen_ai.request.model': 'm', 'gen_ai.token.type': 'input' }],
      ['gen_ai.client.token.usage', 3, { 'gen_ai.operation.name': 'invoke_agent', 'gen_ai.provider.name': '_OTHER', 'gen_ai.request.model': 'm', 'gen_ai.token.type': 'output' }],
      ['duration', 0.001, { 'gen_ai.agent.name': 'a' }],
    ]);
    expect(s.histograms()).toEqual([]);
    // Counters stay in the store.
    expect(total(tableFromSnapshots(s.sums()), 'invocation_metrics.invocations')).toBe(2);
  });

  it('keeps the counters exact when the recorder throws (histograms go last)', () => {
    const { s } = store({
      histograms: {
        duration: () => {
          throw new Error('broken SDK');
        },
        tokens: () => {},
      },
    });
    expect(() => s.record(metric({ cost: 2 }))).toThrow('broken SDK');
    expect(total(tableFromSnapshots(s.sums()), 'invocation_metrics.cost')).toBe(2);
  });

  it('counts invocations in flight per series; ending twice lowers once', () => {
    const { s } = store();
    const active = () => tableFromSnapshots(s.sums());
    const end1 = s.begin({ agent: 'a', phase: 1, model: 'm', tier: 't' });
    const end2 = s.begin({ agent: 'a', phase: 1, model: 'm', tier: 't' });
    const end3 = s.begin({ agent: 'b', phase: 2 });
    expect(total(active(), 'invocation_metrics.active')).toBe(3);
    expect(total(active(), 'invocation_metrics.active', { 'gen_ai.agent.name': 'a', 'invocation_metrics.tier': 't' })).toBe(2);
    end1();
    end1();
    expect(total(active(), 'invocation_metrics.active')).toBe(2);
    end2();
    end3();
    expect(total(active(), 'invocation_metrics.active')).toBe(0);
    // The series begun stay, with zero counters, so that their first increment is seen by rate().
    expect(total(tableFromSnapshots(s.sums()), 'invocation_metrics.invocations')).toBe(0);
    expect(tableFromSnapshots(s.sums()).get('invocation_metrics.invocations')!.size).toBe(2);
  });

  it('keeps at most cap + 1 agent values, whatever the number of agents, with one warning per attribute', () => {
    const { s, logger } = store({ max: 100 });
    for (let i = 0; i < 10_000; i++) s.record(metric({ agent: `agent-${i}`, phase: i % 300, model: `model-${i}`, tier: `tier-${i}`, success: i % 2 === 0, errorClass: i % 2 === 0 ? undefined : `e-${i}` }));
    for (const snap of s.collect()) {
      for (const key of ['gen_ai.agent.name', 'invocation_metrics.phase', 'gen_ai.request.model', 'invocation_metrics.tier', 'error.type']) {
        const values = new Set(snap.points.map((p) => p.attributes[key]).filter((v) => v !== undefined));
        expect(values.size, `${snap.spec.name} ${key}`).toBeLessThanOrEqual(101);
      }
    }
    const names = new Set(s.sums()[0]!.points.map((p) => p.attributes['gen_ai.agent.name']));
    expect(names.has('_OTHER')).toBe(true);
    expect(names.has('agent-0')).toBe(true);
    expect(names.has('agent-100')).toBe(false);
    expect(logger.lines).toHaveLength(5);
    for (const key of ['gen_ai.agent.name', 'invocation_metrics.phase', 'gen_ai.request.model', 'invocation_metrics.tier', 'error.type']) expect(logger.lines.filter((l) => l.includes(` ${key} `))).toHaveLength(1);
    // Nothing lost: the folded records are counted under _OTHER.
    expect(total(tableFromSnapshots(s.sums()), 'invocation_metrics.invocations')).toBe(10_000);
  });

  it('exports the phase as a string and leaves model and tier out when the record has none', () => {
    const { s } = store();
    s.record(metric({ agent: 'a', phase: 0, model: undefined, tier: undefined }));
    expect(s.sums()[0]!.points[0]!.attributes).toEqual({ 'gen_ai.agent.name': 'a', 'invocation_metrics.phase': '0', 'invocation_metrics.outcome': 'success' });
  });

  it('starts its cumulative points when it is created', () => {
    const before = Date.now();
    const { s } = store();
    expect(s.startTimeMs).toBeGreaterThanOrEqual(before);
    expect(s.startTimeMs).toBeLessThanOrEqual(Date.now());
  });
});
