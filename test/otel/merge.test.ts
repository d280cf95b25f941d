import { describe, expect, it } from 'vitest';
import { mergeSnapshots } from '../../src/otel/merge.js';
import { INSTRUMENTS } from '../../src/otel/names.js';
import type { HistogramPoint, MetricSnapshot } from '../../src/otel/snapshot.js';

const counter = (points: [string, number][]): MetricSnapshot => ({
  spec: INSTRUMENTS.cost,
  points: points.map(([agent, value]) => ({ attributes: { 'gen_ai.agent.name': agent }, value })),
});
const hist = (agent: string, counts: number[], sum: number, min: number, max: number): HistogramPoint => ({
  attributes: { 'gen_ai.agent.name': agent },
  count: counts.reduce((a, b) => a + b, 0),
  sum,
  min,
  max,
  boundaries: [1, 10],
  counts,
});

describe('mergeSnapshots', () => {
  it('passes a single source through', () => {
    const one = [counter([['a', 1]])];
    expect(mergeSnapshots([one])).toEqual(one);
  });

  it('returns nothing for no source', () => {
    expect(mergeSnapshots([])).toEqual([]);
  });

  it('adds counters of equal attributes and keeps the others', () => {
    const merged = mergeSnapshots([[counter([['a', 1], ['b', 2]])], [counter([['a', 0.5], ['c', 4]])]]);
    expect(merged).toHaveLength(1);
    expect(merged[0]!.points).toEqual([
      { attributes: { 'gen_ai.agent.name': 'a' }, value: 1.5 },
      { attributes: { 'gen_ai.agent.name': 'b' }, value: 2 },
      { attributes: { 'gen_ai.agent.name': 'c' }, value: 4 },
    ]);
  });

  it('adds histograms bucket by bucket, with the overall min and max', () => {
    const s1: MetricSnapshot = { spec: INSTRUMENTS.duration, points: [hist('a', [1, 0, 2], 30, 0.5, 20)] };
    const s2: MetricSnapshot = { spec: INSTRUMENTS.duration, points: [hist('a', [0, 3, 1], 40, 2, 50)] };
    const [m] = mergeSnapshots([[s1], [s2]]);
    expect(m!.points).toEqual([{ ...hist('a', [1, 3, 3], 70, 0.5, 50) }]);
  });

  it('merges per instrument name, whatever the order of instruments in each source', () => {
    const d: MetricSnapshot = { spec: INSTRUMENTS.duration, points: [hist('a', [1, 0, 0], 1, 1, 1)] };
    const merged = mergeSnapshots([[counter([['a', 1]]), d], [d, counter([['a', 2]])]]);
    const byName = Object.fromEntries(merged.map((m) => [m.spec.name, m.points]));
    expect(byName['invocation_metrics.cost']).toEqual([{ attributes: { 'gen_ai.agent.name': 'a' }, value: 3 }]);
    expect((byName['gen_ai.invoke_agent.duration']![0] as HistogramPoint).counts).toEqual([2, 0, 0]);
  });

  it('does not alter its inputs', () => {
    const a = [counter([['a', 1]])];
    const b = [counter([['a', 2]])];
    mergeSnapshots([a, b]);
    expect(a[0]!.points).toEqual([{ attributes: { 'gen_ai.agent.name': 'a' }, value: 1 }]);
  });
});
