/**
 * The diff as tables: values in their units, changes with signs, bounded tables that keep every flagged row.
 */
import { describe, expect, it } from 'vitest';
import { diffTables, formatChange, formatP, formatValue } from '../../src/diff/tables.js';
import { DIFF_FORMAT, type DiffResult, type DiffRow } from '../../src/diff/types.js';

const row = (patch: Partial<DiffRow>): DiffRow => ({
  scope: 'agent',
  key: 'a',
  metric: 'invocations',
  baseline: 10,
  candidate: 12,
  change: 2,
  relativeChange: 0.2,
  test: 'poisson',
  pValue: 0.5,
  adjustedP: 1,
  beyondNoise: false,
  ...patch,
});
const diffOf = (rows: DiffRow[]): DiffResult => ({ format: DIFF_FORMAT, options: { alpha: 0.05, minRelativeChange: 0.05, minRateChange: 0.01, tokensCv: 1 }, tests: rows.length, flagged: rows.filter((r) => r.beyondNoise).length, rows });

describe('formatting', () => {
  it('values and changes in the metric unit', () => {
    expect(formatValue('success-rate', 0.935)).toBe('93.5%');
    expect(formatValue('cost', 1.23)).toBe('$1.2300');
    expect(formatValue('duration.p95', 12_300)).toBe('12.3 s');
    expect(formatValue('tokens', 1_204_000)).toBe('1,204,000');
    expect(formatValue('invocations', null)).toBe('-');
    expect(formatChange(row({ change: 2, relativeChange: 0.2 }))).toBe('+2 (+20.0%)');
    expect(formatChange(row({ metric: 'cost', baseline: 2, candidate: 1.5, change: -0.5, relativeChange: -0.25 }))).toBe('-$0.5000 (-25.0%)');
    expect(formatChange(row({ metric: 'success-rate', baseline: 0.95, candidate: 0.929, change: -0.021, relativeChange: -0.0221 }))).toBe('-2.1 pp');
    expect(formatChange(row({ baseline: 0, candidate: 3, change: 3, relativeChange: null }))).toBe('+3 (new)');
    expect(formatChange(row({ metric: 'tokens', baseline: 1e6, candidate: 999_990, change: -10, relativeChange: -1e-5 }))).toBe('-10 (0.0%)');
    expect(formatChange(row({ baseline: null, change: null, relativeChange: null }))).toBe('-');
    expect(formatChange(row({ candidate: 10, change: 0, relativeChange: 0 }))).toBe('0');
  });

  it('p-values: three decimals, <0.001 below, - when not tested', () => {
    expect(formatP(0.04321)).toBe('0.043');
    expect(formatP(0.0004)).toBe('<0.001');
    expect(formatP(null)).toBe('-');
  });
});

describe('diffTables', () => {
  it('shows every row of a small diff, the run without a key column', () => {
    const [total, agents, phases] = diffTables(diffOf([row({ scope: 'total', key: null }), row({}), row({ scope: 'phase', key: '2', beyondNoise: true })]));
    expect(total!.rows).toEqual([['invocations', '10', '12', '+2 (+20.0%)', '1.000', '']]);
    expect(agents!.rows).toEqual([['a', 'invocations', '10', '12', '+2 (+20.0%)', '1.000', '']]);
    expect(phases!.rows[0]!.at(-1)).toBe('yes');
  });

  it('bounds a scope at maxRows: flagged rows first, then the busiest agents, in diff order, and counts the rest', () => {
    // 300 agents with 1..300 invocations; agent 5 (a small one) is flagged.
    const rows = Array.from({ length: 300 }, (_, i) => row({ key: `agent-${String(i).padStart(3, '0')}`, baseline: i + 1, candidate: i + 1, beyondNoise: i === 5 }));
    const agents = diffTables(diffOf(rows), 10)[1]!;
    expect(agents.rows).toHaveLength(11);
    expect(agents.rows.slice(0, 10).map((r) => r[0])).toEqual(['agent-005', ...Array.from({ length: 9 }, (_, i) => `agent-${291 + i}`)]);
    expect(agents.rows[10]).toEqual(['… and 290 more rows', '', '', '', '', '', 'none']);
    expect(agents.omitted).toBe(290);
    const allFlagged = diffTables(diffOf(rows.map((r) => ({ ...r, beyondNoise: true }))), 10)[1]!;
    expect(allFlagged.rows[10]!.at(-1)).toBe('290 of them');
  });
});
