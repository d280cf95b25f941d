/**
 * `diffRuns()`: two runs side by side, each row with its change and whether the change is beyond noise.
 * Pure: two aggregates and their per-record samples in, plain data out.
 *
 * How "beyond noise" is decided (README, "diff"):
 * 1. Each figure gets a test suited to it: counts of invocations a Poisson test; retries, infra and code
 *    retries and escalations a two-proportion z-test of their share of the invocations (so that a longer
 *    run does not flag its retries); the success rate a two-proportion z-test; cost the mean cost per
 *    invocation, Welch's t-test on every record's cost; tokens the mean per invocation, a z-test with an
 *    assumed coefficient of variation (`tokensCv`); durations a Mann-Whitney U test per group, shared by
 *    that group's percentile and mean rows. A change in the number of invocations thus shows on the
 *    `invocations` row, not again on the cost and token rows.
 * 2. Holm's step-down adjustment across every test of the diff keeps the chance of flagging any row of
 *    two runs drawn from the same distributions at or below `alpha`.
 * 3. A significant row is flagged only if the tested quantity moved by at least `minRelativeChange` (or
 *    `minRateChange` for the success rate), so that huge runs do not flag trivial changes.
 *
 * @module
 */
import type { CountMap, MetricsAggregate } from '../aggregate/types.js';
import type { DiffSamples, GroupSamples } from './samples.js';
import { holmAdjust, mannWhitneyTest, momentsOf, normalTwoSided, poissonTest, twoProportionTest, welchTest } from './stats.js';
import { DIFF_FORMAT, type DiffMetric, type DiffOptions, type DiffResult, type DiffRow, type DiffTest, type ResolvedDiffOptions } from './types.js';
import { InvalidOptionError } from '../errors.js';

/** One side of a diff: a run's aggregate and its per-record values. */
export interface DiffSide {
  /** The run's aggregate. */
  aggregate: MetricsAggregate;
  /** The run's per-record durations and costs: `samplesOfState(aggregator.serialize())`. */
  samples: DiffSamples;
}

/** The defaults of {@link DiffOptions}. */
export const DIFF_DEFAULTS: ResolvedDiffOptions = Object.freeze({ alpha: 0.05, minRelativeChange: 0.05, minRateChange: 0.01, tokensCv: 1 });

function resolve(options: DiffOptions): ResolvedDiffOptions {
  const o = { ...DIFF_DEFAULTS, ...Object.fromEntries(Object.entries(options).filter(([, v]) => v !== undefined)) } as ResolvedDiffOptions;
  if (!(o.alpha > 0 && o.alpha < 1)) throw new InvalidOptionError('alpha', 'a number between 0 and 1 (exclusive)', o.alpha);
  if (!(o.minRelativeChange >= 0 && Number.isFinite(o.minRelativeChange))) throw new InvalidOptionError('minRelativeChange', 'a finite number >= 0', o.minRelativeChange);
  if (!(o.minRateChange >= 0 && o.minRateChange <= 1)) throw new InvalidOptionError('minRateChange', 'a number from 0 to 1', o.minRateChange);
  if (!(o.tokensCv > 0 && Number.isFinite(o.tokensCv))) throw new InvalidOptionError('tokensCv', 'a finite number > 0', o.tokensCv);
  return o;
}

const relative = (a: number, b: number): number => (a === 0 ? (b === 0 ? 0 : Infinity) : Math.abs(b - a) / Math.abs(a));
const EMPTY: GroupSamples = { durations: new Float64Array(0), costs: new Float64Array(0) };

/**
 * Builds rows and the family of p-values. What the adjustment needs of each row (its test, the size of
 * its tested change, which minimum applies) is kept in parallel arrays rather than in an object per row:
 * a run of 100,000 agents makes over a million rows.
 */
class Rows {
  readonly rows: DiffRow[] = [];
  readonly pValues: number[] = [];
  /** The row's index in `pValues`, or -1 when not tested. */
  readonly testOf: number[] = [];
  /** The tested quantity's change, compared with the minimum effect. */
  readonly effects: number[] = [];
  /** Whether the success rate's absolute minimum applies instead of the relative one. */
  readonly isRate: boolean[] = [];

  test(p: number | undefined): number | undefined {
    if (p === undefined) return undefined;
    this.pValues.push(p);
    return this.pValues.length - 1;
  }

  add(scope: DiffRow['scope'], key: string | null, metric: DiffMetric, values: [number | null, number | null], kind: DiffTest, test: number | undefined, effect: number, floor: 'relative' | 'rate' = 'relative'): void {
    const [baseline, candidate] = values;
    const change = baseline === null || candidate === null ? null : candidate - baseline;
    const relativeChange = change === null || baseline === 0 ? null : change / Math.abs(baseline!);
    this.rows.push({ scope, key, metric, baseline, candidate, change, relativeChange, test: kind, pValue: null, adjustedP: null, beyondNoise: false });
    this.testOf.push(test ?? -1);
    this.effects.push(effect);
    this.isRate.push(floor === 'rate');
  }
}

/** The figures of one group (the whole run, an agent or a phase) on one side. */
interface GroupFigures {
  invocations: number;
  successes?: number;
  retries: number;
  infra?: number;
  code?: number;
  escalations?: number;
  cost: number;
  tokens: number;
  durations?: { p50: number; p90: number; p95: number; p99: number; mean: number } | null;
  samples: GroupSamples;
}

function compareGroup(rows: Rows, scope: DiffRow['scope'], key: string | null, a: GroupFigures, b: GroupFigures, o: ResolvedDiffOptions): void {
  rows.add(scope, key, 'invocations', [a.invocations, b.invocations], 'poisson', rows.test(poissonTest(a.invocations, b.invocations)), relative(a.invocations, b.invocations));
  if (a.successes !== undefined && b.successes !== undefined) {
    const ra = a.invocations > 0 ? a.successes / a.invocations : null;
    const rb = b.invocations > 0 ? b.successes / b.invocations : null;
    const p = twoProportionTest(a.successes, a.invocations, b.successes, b.invocations);
    rows.add(scope, key, 'success-rate', [ra, rb], 'two-proportion', rows.test(p), ra === null || rb === null ? 0 : Math.abs(rb - ra), 'rate');
  }
  const shares: [DiffMetric, number | undefined, number | undefined][] = [
    ['retries', a.retries, b.retries],
    ['retries.infra', a.infra, b.infra],
    ['retries.code', a.code, b.code],
    ['escalations', a.escalations, b.escalations],
  ];
  for (const [metric, ka, kb] of shares) {
    if (ka === undefined || kb === undefined) continue;
    const p = twoProportionTest(ka, a.invocations, kb, b.invocations);
    const effect = a.invocations > 0 && b.invocations > 0 ? relative(ka / a.invocations, kb / b.invocations) : 0;
    rows.add(scope, key, metric, [ka, kb], 'two-proportion', rows.test(p), effect);
  }
  const ca = momentsOf(a.samples.costs);
  const cb = momentsOf(b.samples.costs);
  rows.add(scope, key, 'cost', [a.cost, b.cost], 'welch', rows.test(welchTest(ca, cb)), ca.n > 0 && cb.n > 0 ? relative(ca.mean, cb.mean) : 0);
  const ta = a.invocations > 0 ? a.tokens / a.invocations : 0;
  const tb = b.invocations > 0 ? b.tokens / b.invocations : 0;
  rows.add(scope, key, 'tokens', [a.tokens, b.tokens], 'tokens-z', rows.test(tokensTest(ta, a.invocations, tb, b.invocations, o.tokensCv)), a.invocations > 0 && b.invocations > 0 ? relative(ta, tb) : 0);
  if (a.durations === undefined || b.durations === undefined) return;
  const test = rows.test(mannWhitneyTest(a.samples.durations, b.samples.durations));
  for (const name of ['p50', 'p90', 'p95', 'p99', 'mean'] as const) {
    const va = a.durations?.[name] ?? null;
    const vb = b.durations?.[name] ?? null;
    rows.add(scope, key, `duration.${name}`, [va, vb], 'mann-whitney', test, va === null || vb === null ? 0 : relative(va, vb));
  }
}

/**
 * The mean tokens per invocation of two runs, by a z-test whose per-record variance is
 * `(cv * mean)^2`: the aggregate keeps token sums, not per-record counts.
 */
function tokensTest(meanA: number, na: number, meanB: number, nb: number, cv: number): number | undefined {
  if (na < 2 || nb < 2) return undefined;
  const se = cv * Math.sqrt((meanA * meanA) / na + (meanB * meanB) / nb);
  if (se === 0) return 1;
  return normalTwoSided((meanB - meanA) / se);
}

const get = (map: CountMap, key: string): number => map[key] ?? 0;

function agentFigures(side: DiffSide, agent: string): GroupFigures {
  const a = side.aggregate;
  const d = a.durationByAgent[agent];
  return {
    invocations: get(a.invocationsByAgent, agent),
    successes: get(a.successesByAgent, agent),
    retries: get(a.retriesByAgent, agent),
    infra: get(a.infraRetriesByAgent, agent),
    code: get(a.codeRetriesByAgent, agent),
    cost: get(a.costByAgent, agent),
    tokens: get(a.tokensByAgent, agent),
    durations: d === undefined ? null : d,
    samples: side.samples.byAgent.get(agent) ?? EMPTY,
  };
}

function phaseFigures(side: DiffSide, phase: string): GroupFigures {
  const a = side.aggregate;
  return {
    invocations: get(a.invocationsByPhase, phase),
    retries: get(a.retriesByPhase, phase),
    cost: get(a.costByPhase, phase),
    tokens: get(a.tokensByPhase, phase),
    samples: side.samples.byPhase.get(phase) ?? EMPTY,
  };
}

function totalFigures(side: DiffSide): GroupFigures {
  const a = side.aggregate;
  return {
    invocations: a.totalInvocations,
    successes: a.totalSuccesses,
    retries: a.totalRetries,
    infra: a.infraRetries,
    code: a.codeRetries,
    escalations: a.escalationCount,
    cost: a.totalCost,
    tokens: a.totalTokens,
    durations: a.duration,
    samples: side.samples.all,
  };
}

function union(a: CountMap, b: CountMap, order: (x: string, y: string) => number): string[] {
  const keys = new Set(Object.keys(a));
  for (const k of Object.keys(b)) keys.add(k);
  return [...keys].sort(order);
}

/**
 * Compares two runs: the whole run, each agent (invocations, success rate, retries infra and code, cost,
 * tokens, duration percentiles and mean) and each phase (invocations, retries, cost, tokens), with the
 * change and whether it is beyond noise (see the module's description for the method).
 *
 * @param baseline - The reference run.
 * @param candidate - The run compared with it.
 * @param options - Thresholds; see {@link DiffOptions} for the defaults.
 * @returns The rows, plain data (the `--json` output).
 * @throws {@link InvalidOptionError} for an option out of its domain.
 * @example
 * ```ts
 * const side = (agg: Aggregator) => ({ aggregate: agg.result(), samples: samplesOfState(agg.serialize()) });
 * const diff = diffRuns(side(before), side(after));
 * diff.rows.filter((r) => r.beyondNoise); // what changed
 * ```
 */
export function diffRuns(baseline: DiffSide, candidate: DiffSide, options: DiffOptions = {}): DiffResult {
  const o = resolve(options);
  const rows = new Rows();
  compareGroup(rows, 'total', null, totalFigures(baseline), totalFigures(candidate), o);
  const [a, b] = [baseline.aggregate, candidate.aggregate];
  rows.add('total', null, 'peak-parallelism', [a.peakParallelInvocations, b.peakParallelInvocations], 'none', undefined, 0);
  for (const agent of union(a.invocationsByAgent, b.invocationsByAgent, (x, y) => (x < y ? -1 : x > y ? 1 : 0)))
    compareGroup(rows, 'agent', agent, agentFigures(baseline, agent), agentFigures(candidate, agent), o);
  for (const phase of union(a.invocationsByPhase, b.invocationsByPhase, (x, y) => Number(x) - Number(y)))
    compareGroup(rows, 'phase', phase, phaseFigures(baseline, phase), phaseFigures(candidate, phase), o);

  const adjusted = holmAdjust(rows.pValues);
  let flagged = 0;
  rows.rows.forEach((row, i) => {
    const test = rows.testOf[i]!;
    if (test < 0) return;
    row.pValue = rows.pValues[test]!;
    row.adjustedP = adjusted[test]!;
    const effect = rows.effects[i]!;
    row.beyondNoise = row.adjustedP < o.alpha && effect > 0 && effect >= (rows.isRate[i] ? o.minRateChange : o.minRelativeChange);
    if (row.beyondNoise) flagged++;
  });
  return { format: DIFF_FORMAT, options: o, tests: rows.pValues.length, flagged, rows: rows.rows };
}
