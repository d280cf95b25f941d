/**
 * `--fail-on`: the grammar (strict, the bad item named) and when a gate trips.
 */
import { describe, expect, it } from 'vitest';
import { applyGates, parseFailOn, type FailGate } from '../../src/diff/fail-on.js';
import { DIFF_FORMAT, type DiffResult, type DiffRow } from '../../src/diff/types.js';

const gates = (spec: string): FailGate[] => {
  const parsed = parseFailOn(spec);
  if ('problem' in parsed) throw new Error(parsed.problem);
  return parsed.gates;
};
const problem = (spec: string): string => {
  const parsed = parseFailOn(spec);
  return 'problem' in parsed ? parsed.problem : 'parsed';
};

describe('parseFailOn', () => {
  it('reads the issue example and agent-scoped gates', () => {
    expect(gates('cost+10%,success-rate-2pp,p95+20%,retries.infra+5')).toEqual([
      { text: 'cost+10%', metric: 'cost', agent: undefined, direction: 1, amount: 10, unit: '%' },
      { text: 'success-rate-2pp', metric: 'success-rate', agent: undefined, direction: -1, amount: 2, unit: 'pp' },
      { text: 'p95+20%', metric: 'duration.p95', agent: undefined, direction: 1, amount: 20, unit: '%' },
      { text: 'retries.infra+5', metric: 'retries.infra', agent: undefined, direction: 1, amount: 5, unit: 'abs' },
    ]);
    // The threshold is the last sign: agent names with - or + stay whole.
    expect(gates('p99@code-reviewer+12.5%, tokens@a+b-1000')).toMatchObject([
      { metric: 'duration.p99', agent: 'code-reviewer', direction: 1, amount: 12.5, unit: '%' },
      { metric: 'tokens', agent: 'a+b', direction: -1, amount: 1000, unit: 'abs' },
    ]);
  });

  it('refuses a bad item and names it', () => {
    expect(problem('cost+10%,latency+5%')).toBe(
      "Bad --fail-on item 'latency+5%': unknown metric 'latency' (expected one of invocations, success-rate, retries, retries.infra, retries.code, escalations, peak-parallelism, cost, tokens, p50, p90, p95, p99, duration.p50, duration.p90, duration.p95, duration.p99, duration.mean)",
    );
    expect(problem('cost10%')).toMatch(/^Bad --fail-on item 'cost10%': expected <metric>\[@<agent>\]\(\+\|-\)<amount>\[%\|pp\]/);
    expect(problem('cost+%')).toMatch(/^Bad --fail-on item 'cost\+%'/);
    expect(problem('cost+1e3')).toMatch(/^Bad --fail-on item 'cost\+1e3'/);
    expect(problem('cost+10%,')).toMatch(/an empty item/);
    expect(problem('cost+5pp')).toMatch(/'cost\+5pp': pp \(percentage points\) applies to success-rate only/);
    expect(problem('success-rate-2')).toMatch(/'success-rate-2': give the success rate's change in pp/);
    expect(problem('peak-parallelism@coder+1')).toMatch(/a figure of the whole run, not of an agent/);
    expect(problem('p95@+20%')).toMatch(/an empty agent name/);
  });
});

const row = (patch: Partial<DiffRow>): DiffRow => ({
  scope: 'total',
  key: null,
  metric: 'cost',
  baseline: 10,
  candidate: 11,
  change: 1,
  relativeChange: 0.1,
  test: 'welch',
  pValue: 0.5,
  adjustedP: 1,
  beyondNoise: false,
  ...patch,
});
const diffOf = (rows: DiffRow[]): DiffResult => ({ format: DIFF_FORMAT, options: { alpha: 0.05, minRelativeChange: 0.05, minRateChange: 0.01, tokensCv: 1 }, tests: 1, flagged: 0, rows });
const tripped = (rows: DiffRow[], spec: string): boolean[] => applyGates(diffOf(rows), gates(spec)).map((o) => o.tripped);

describe('applyGates', () => {
  it('trips strictly beyond the amount, in the gate direction, whatever the noise test says', () => {
    const rows = [row({ baseline: 10, candidate: 11.5 })];
    expect(tripped(rows, 'cost+10%,cost+15%,cost+20%,cost-1%,cost+1.4,cost+1.5')).toEqual([true, false, false, false, true, false]);
  });

  it('percentage points of a rate, without binary-fraction noise at the boundary', () => {
    const rows = [row({ metric: 'success-rate', baseline: 0.95, candidate: 0.93 })];
    expect(tripped(rows, 'success-rate-2pp,success-rate-1.9pp,success-rate+0pp')).toEqual([false, true, false]);
  });

  it('a rise from 0 is infinite in %; a side without a value does not trip', () => {
    expect(tripped([row({ metric: 'retries.infra', baseline: 0, candidate: 1 })], 'retries.infra+1000%')).toEqual([true]);
    expect(tripped([row({ metric: 'retries.infra', baseline: 0, candidate: 0 })], 'retries.infra+0%')).toEqual([false]);
    expect(tripped([row({ scope: 'agent', key: 'x', metric: 'duration.p95', baseline: null, candidate: 5 })], 'p95@x+0%')).toEqual([false]);
  });

  it('an agent gate reads the agent row, a plain gate the whole run', () => {
    const rows = [row({ baseline: 10, candidate: 10 }), row({ scope: 'agent', key: 'coder', baseline: 1, candidate: 2 })];
    expect(tripped(rows, 'cost+10%,cost@coder+10%')).toEqual([false, true]);
    expect(applyGates(diffOf(rows), gates('cost@nobody+1%'))[0]).toMatchObject({ row: undefined, tripped: false });
  });
});
