import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeAggregate } from '../../src/aggregate/index.js';
import type { InvocationMetric } from '../../src/record.js';
import { CANDIDATES_PER_AGENT, CANDIDATES_PER_TASK, RetryTracker } from '../../src/otel/retries.js';
import { COVERAGE_FACTS, coverageRecords, fleetRecords } from '../fixtures/otel/records.js';
import { escalated, previousAttempt } from '../helpers/otel-expected.js';
import { metric } from '../helpers/records.js';
import { runs } from '../helpers/property.js';

type Verdict = { kind: 'infra' | 'code'; escalated: boolean } | undefined;

const verdicts = (records: readonly InvocationMetric[], maxKeys = 10_000): Verdict[] => {
  const t = new RetryTracker(maxKeys);
  return records.map((r) => {
    const v = t.observe(r);
    return v === undefined ? undefined : { kind: v.kind, escalated: v.escalated };
  });
};

/** The verdicts of shared/DESIGN.md, by brute force over every record. */
const reference = (records: readonly InvocationMetric[], seenOnly = false): Verdict[] =>
  records.map((r, i) => {
    if (r.attempt <= 1) return undefined;
    const prev = previousAttempt(records, i, { seenOnly });
    const infra = prev !== undefined && prev.errorClass !== undefined && prev.errorClass !== '';
    return { kind: infra ? 'infra' : 'code', escalated: prev !== undefined && escalated(prev, r) };
  });

const count = (vs: Verdict[], f: (v: NonNullable<Verdict>) => boolean) => vs.filter((v) => v !== undefined && f(v)).length;

describe('RetryTracker', () => {
  it('judges a retry by its previous attempt as it was observed, not as that record object was changed since', () => {
    const t = new RetryTracker(100);
    const first = metric({ taskId: 'T-1', attempt: 1, success: false, errorClass: 'timeout', tier: 'small', timestamp: '2026-12-07T10:00:00.000Z' });
    expect(t.observe(first)).toBeUndefined();
    // What a `metric-recorded` listener could do to the record it is handed, after the mirror saw it.
    first.errorClass = undefined;
    first.tier = 'large';
    const retry = metric({ taskId: 'T-1', attempt: 2, tier: 'large', timestamp: '2026-12-07T10:01:00.000Z' });
    expect(t.observe(retry)).toEqual({ kind: 'infra', escalated: true });
  });

  it('classifies every retry of the hand-made set as worked out by hand', () => {
    const records = coverageRecords();
    const got = verdicts(records);
    const byId = Object.fromEntries(records.map((r, i) => [r.invocationId, got[i]]));
    expect(byId).toEqual({
      c01: undefined,
      c02: { kind: 'infra', escalated: false },
      c03: { kind: 'code', escalated: true },
      c04: undefined,
      c05: { kind: 'infra', escalated: true },
      c06: { kind: 'infra', escalated: false },
      c07: undefined,
      c08: undefined,
      c09: { kind: 'code', escalated: false },
      c10: undefined,
      c11: undefined,
      c12: { kind: 'infra', escalated: false },
      c13: { kind: 'code', escalated: false },
      c14: undefined,
      c15: { kind: 'infra', escalated: false },
      c16: { kind: 'code', escalated: false },
      c17: undefined,
      c18: { kind: 'code', escalated: false },
    });
    expect(count(got, (v) => v.kind === 'infra')).toBe(COVERAGE_FACTS.infraRetries);
    expect(count(got, (v) => v.kind === 'code')).toBe(COVERAGE_FACTS.codeRetries);
    expect(count(got, (v) => v.escalated)).toBe(COVERAGE_FACTS.escalations);
  });

  it('agrees with the post-run aggregate on the hand-made set', () => {
    const agg = computeAggregate(coverageRecords());
    expect([agg.totalRetries, agg.infraRetries, agg.escalationCount]).toEqual([COVERAGE_FACTS.retries, COVERAGE_FACTS.infraRetries, COVERAGE_FACTS.escalations]);
  });

  it('agrees with a brute-force previous attempt, record by record, on a realistic fleet', () => {
    const records = fleetRecords(3000, 7);
    const got = verdicts(records);
    expect(got).toEqual(reference(records));
    const agg = computeAggregate(records);
    expect(count(got, () => true)).toBe(agg.totalRetries);
    expect(count(got, (v) => v.kind === 'infra')).toBe(agg.infraRetries);
    expect(count(got, (v) => v.escalated)).toBe(agg.escalationCount);
  });

  it('agrees with the definition over the records seen so far, on any small set in any order', () => {
    const stamps = ['2026-01-01T00:00:00Z', '2026-01-01T00:00:01Z', '2026-01-01T01:00:01+01:00', '2026-01-01T00:00:02.5Z', '2026-01-01T00:01Z'];
    const record = fc.record({
      agent: fc.constantFrom('a', 'b'),
      phase: fc.constantFrom(0, 1),
      taskId: fc.constantFrom(undefined, 't1', 't2', ''),
      attempt: fc.integer({ min: 1, max: 3 }),
      timestamp: fc.constantFrom(...stamps),
      errorClass: fc.constantFrom(undefined, '', 'timeout'),
      tier: fc.constantFrom(undefined, 's', 'l'),
      model: fc.constantFrom(undefined, 'm1', 'm2'),
    });
    fc.assert(
      fc.property(fc.array(record, { maxLength: 14 }), (patches) => {
        const records = patches.map((p, i) => metric({ ...p, invocationId: `r${i}` }));
        expect(verdicts(records)).toEqual(reference(records, true));
      }),
      { numRuns: runs(500) },
    );
  });

  it('returns undefined for first attempts', () => {
    expect(new RetryTracker(10).observe(metric({ attempt: 1 }))).toBeUndefined();
  });

  it('compares tier with tier, else model with model, never a tier with a model', () => {
    const cases: [Partial<InvocationMetric>, Partial<InvocationMetric>, boolean][] = [
      [{ tier: 'a', model: 'x' }, { tier: 'a', model: 'y' }, false], // tiers decide, models ignored
      [{ tier: 'a', model: 'x' }, { tier: 'b', model: 'x' }, true],
      [{ tier: undefined, model: 'x' }, { tier: 'b', model: 'y' }, true], // one tier missing: models decide
      [{ tier: undefined, model: 'x' }, { tier: 'b', model: undefined }, false],
      [{ tier: undefined, model: undefined }, { tier: undefined, model: undefined }, false],
    ];
    for (const [a, b, expected] of cases) {
      const t = new RetryTracker(10);
      t.observe(metric({ attempt: 1, taskId: 't', timestamp: '2026-01-01T00:00:00Z', ...a }));
      const v = t.observe(metric({ attempt: 2, taskId: 't', timestamp: '2026-01-01T00:01:00Z', ...b }));
      expect(v?.escalated, JSON.stringify([a, b])).toBe(expected);
    }
  });

  it('only looks at attempt - 1 of the same agent and phase', () => {
    const t = new RetryTracker(10);
    const base = { taskId: 't', errorClass: 'timeout', success: false, timestamp: '2026-01-01T00:00:00Z' };
    t.observe(metric({ ...base, agent: 'other', attempt: 1 }));
    t.observe(metric({ ...base, phase: 9, attempt: 1 }));
    t.observe(metric({ ...base, attempt: 2 }));
    expect(t.observe(metric({ taskId: 't', attempt: 2, timestamp: '2026-01-01T00:01:00Z' }))?.kind).toBe('code');
    // Attempt 2 at 00:00 failed with a class; the attempt 2 at 00:01 started after this retry did.
    expect(t.observe(metric({ taskId: 't', attempt: 3, timestamp: '2026-01-01T00:00:30Z' }))?.kind).toBe('infra');
  });

  it('counts a retry whose previous attempt left the window as code (documented limit)', () => {
    const t = new RetryTracker(10);
    t.observe(metric({ taskId: 't', attempt: 1, success: false, errorClass: 'timeout', timestamp: '2026-01-01T00:00:00Z' }));
    // CANDIDATES_PER_TASK newer records of the same task push the failed attempt out.
    for (let i = 0; i < CANDIDATES_PER_TASK; i++) t.observe(metric({ taskId: 't', agent: `other-${i}`, attempt: 1 }));
    expect(t.observe(metric({ taskId: 't', attempt: 2, timestamp: '2026-01-01T00:01:00Z' }))?.kind).toBe('code');
    expect(CANDIDATES_PER_AGENT).toBeGreaterThan(CANDIDATES_PER_TASK);
  });

  it('forgets the oldest taskIds beyond maxKeys', () => {
    const t = new RetryTracker(2);
    t.observe(metric({ taskId: 'old', attempt: 1, success: false, errorClass: 'timeout', timestamp: '2026-01-01T00:00:00Z' }));
    t.observe(metric({ taskId: 'x', attempt: 1 }));
    t.observe(metric({ taskId: 'y', attempt: 1 }));
    expect(t.observe(metric({ taskId: 'old', attempt: 2, timestamp: '2026-01-01T00:01:00Z' }))?.kind).toBe('code');
  });
});
