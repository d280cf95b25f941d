/**
 * `diffRuns()` on generated runs: two runs drawn from the same distributions flag nothing; a run with a
 * known change (coder 30% slower, tester's infra failures doubled) flags exactly that change and what
 * follows from it, nothing else.
 */
import { describe, expect, it } from 'vitest';
import { createAggregator } from '../../src/aggregate/aggregator.js';
import { diffRuns, type DiffSide } from '../../src/diff/compare.js';
import { samplesOfState } from '../../src/diff/samples.js';
import type { DiffResult } from '../../src/diff/types.js';
import { InvalidOptionError } from '../../src/errors.js';
import type { InvocationMetric } from '../../src/record.js';
import { FLEET, generateRun, type RunOptions } from '../helpers/runs.js';

const sideOf = (records: readonly InvocationMetric[]): DiffSide => {
  const aggregator = createAggregator();
  for (const r of records) aggregator.add(r);
  return { aggregate: aggregator.result(), samples: samplesOfState(aggregator.serialize()) };
};
const run = (options: RunOptions): DiffSide => sideOf(generateRun({ tasksPerAgent: 600, ...options }));
/** The known change: coder's median duration 20 s -> 26 s (+30%), tester's infra failures 10% -> 20%. */
const CHANGE = { coder: { medianMs: FLEET.coder!.medianMs * 1.3 }, tester: { infraFailure: FLEET.tester!.infraFailure * 2 } };
const flagged = (d: DiffResult): string[] => d.rows.filter((r) => r.beyondNoise).map((r) => `${r.key ?? 'total'}:${r.metric}`);

const CODER_DURATIONS = ['coder:duration.p50', 'coder:duration.p90', 'coder:duration.p95', 'coder:duration.p99', 'coder:duration.mean'];
/** What must be found whatever the seeds: the slower coder and the tester's infra retries. */
const REQUIRED = ['coder:duration.p50', 'coder:duration.mean', 'tester:retries.infra'];
/**
 * What may be found beside it, because the change causes it: more infra failures of the tester lower its
 * success rate and add retries, which show in the whole run's rates and in its phases' retries; the
 * slower coder moves the whole run's durations.
 */
const ALLOWED = new Set([
  ...CODER_DURATIONS,
  'tester:retries.infra',
  'tester:retries',
  'tester:success-rate',
  'total:retries.infra',
  'total:retries',
  'total:success-rate',
  ...['p50', 'p90', 'p95', 'p99', 'mean'].map((p) => `total:duration.${p}`),
  ...['0', '1', '2'].map((phase) => `${phase}:retries`),
]);

describe('diffRuns on generated runs', () => {
  it('two runs of the same distributions (different seeds) flag nothing', () => {
    for (const seed of [1, 3, 5, 7, 9, 11]) {
      const d = diffRuns(run({ seed }), run({ seed: seed + 1 }));
      expect(d.tests).toBe(61);
      expect(flagged(d), `seeds ${seed}, ${seed + 1}`).toEqual([]);
    }
  });

  it('the known change: exactly the coder durations and the tester retries (seeds 1, 2)', () => {
    const d = diffRuns(run({ seed: 1 }), run({ seed: 2, changes: CHANGE }));
    expect(flagged(d)).toEqual([
      'total:success-rate',
      'total:retries',
      'total:retries.infra',
      ...CODER_DURATIONS,
      'tester:success-rate',
      'tester:retries',
      'tester:retries.infra',
    ]);
    expect(d.flagged).toBe(11);
    const p50 = d.rows.find((r) => r.key === 'coder' && r.metric === 'duration.p50')!;
    expect(p50.relativeChange).toBeGreaterThan(0.2);
    expect(p50.adjustedP).toBeLessThan(1e-6);
    expect(p50.test).toBe('mann-whitney');
  });

  it('the known change under other seeds: the required rows, and nothing outside what it causes', () => {
    for (const seed of [3, 5, 7, 9]) {
      const found = flagged(diffRuns(run({ seed }), run({ seed: seed + 1, changes: CHANGE })));
      for (const row of REQUIRED) expect(found, `seeds ${seed}, ${seed + 1}`).toContain(row);
      for (const row of found) expect(ALLOWED.has(row), `seeds ${seed}, ${seed + 1}: ${row}`).toBe(true);
    }
  });

  it('flags the tested quantity only past the minimum effect, and never peak parallelism', () => {
    const base = run({ seed: 1 });
    const changed = run({ seed: 2, changes: CHANGE });
    // A 30% slower coder is significant, but not a 50% change.
    expect(flagged(diffRuns(base, changed, { minRelativeChange: 0.5 })).filter((r) => r.startsWith('coder:'))).toEqual([]);
    const peak = diffRuns(base, changed).rows.find((r) => r.metric === 'peak-parallelism')!;
    expect(peak).toMatchObject({ scope: 'total', test: 'none', pValue: null, adjustedP: null, beyondNoise: false });
  });

  it('a stricter alpha flags fewer rows, never more', () => {
    const base = run({ seed: 3 });
    const changed = run({ seed: 4, changes: CHANGE });
    const loose = new Set(flagged(diffRuns(base, changed, { alpha: 0.2 })));
    const strict = flagged(diffRuns(base, changed, { alpha: 1e-6 }));
    for (const row of strict) expect(loose.has(row)).toBe(true);
    expect(strict.length).toBeLessThan(loose.size);
  });
});

describe('rows', () => {
  it('an agent in one run only: counts 0 on the other side, rates and durations null, its invocations flagged', () => {
    const records = generateRun({ seed: 1, tasksPerAgent: 100 });
    const base = sideOf(records.filter((r) => r.agent !== 'docs'));
    const d = diffRuns(base, sideOf(records));
    const docs = d.rows.filter((r) => r.key === 'docs');
    const docsRecords = records.filter((r) => r.agent === 'docs').length;
    expect(docsRecords).toBeGreaterThan(100);
    expect(docs.find((r) => r.metric === 'invocations')).toMatchObject({ baseline: 0, candidate: docsRecords, relativeChange: null, beyondNoise: true });
    expect(docs.find((r) => r.metric === 'success-rate')).toMatchObject({ baseline: null, change: null, pValue: null, beyondNoise: false });
    expect(docs.find((r) => r.metric === 'duration.p95')).toMatchObject({ baseline: null, pValue: null, beyondNoise: false });
    expect(docs.find((r) => r.metric === 'cost')).toMatchObject({ baseline: 0, pValue: null });
  });

  it('rows come in a stable order: the run, agents in UTF-16 order, phases numerically; values as the aggregates hold them', () => {
    const a = run({ seed: 1 });
    const b = run({ seed: 2 });
    const d = diffRuns(a, b);
    const keys = [...new Set(d.rows.map((r) => `${r.scope}:${r.key}`))];
    expect(keys).toEqual(['total:null', 'agent:coder', 'agent:docs', 'agent:planner', 'agent:reviewer', 'agent:tester', 'phase:0', 'phase:1', 'phase:2']);
    const cost = d.rows.find((r) => r.scope === 'agent' && r.key === 'coder' && r.metric === 'cost')!;
    expect([cost.baseline, cost.candidate]).toEqual([a.aggregate.costByAgent.coder, b.aggregate.costByAgent.coder]);
    const p95 = d.rows.find((r) => r.scope === 'total' && r.metric === 'duration.p95')!;
    expect(p95.change).toBe(b.aggregate.duration!.p95 - a.aggregate.duration!.p95);
  });

  it('the samples hold every record of each group', () => {
    const side = run({ seed: 1 });
    for (const [agent, n] of Object.entries(side.aggregate.invocationsByAgent)) expect(side.samples.byAgent.get(agent)!.durations.length).toBe(n);
    for (const [phase, n] of Object.entries(side.aggregate.invocationsByPhase)) expect(side.samples.byPhase.get(phase)!.costs.length).toBe(n);
    expect(side.samples.all.durations.length).toBe(side.aggregate.totalInvocations);
  });

  it('refuses options out of their domain with an InvalidOptionError naming the option', () => {
    const side = run({ seed: 1, tasksPerAgent: 10 });
    expect(() => diffRuns(side, side, { alpha: 0 })).toThrow(InvalidOptionError);
    expect(() => diffRuns(side, side, { alpha: 1 })).toThrow(/`alpha`/);
    expect(() => diffRuns(side, side, { minRelativeChange: -1 })).toThrow(/`minRelativeChange`/);
    expect(() => diffRuns(side, side, { tokensCv: 0 })).toThrow(/`tokensCv`/);
    expect(diffRuns(side, side).options).toEqual({ alpha: 0.05, minRelativeChange: 0.05, minRateChange: 0.01, tokensCv: 1 });
  });
});
