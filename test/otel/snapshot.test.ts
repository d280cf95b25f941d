/**
 * The snapshot contract (src/otel/snapshot.ts) as the mirror's store fulfils it: cumulative, plain data,
 * histograms consistent with their buckets, string attributes only; what any SnapshotSink relies on.
 */
import { describe, expect, it } from 'vitest';
import type { HistogramPoint, MetricSnapshot, SumPoint } from '../../src/otel/snapshot.js';
import { MetricStore } from '../../src/otel/store.js';
import { coverageRecords, fleetRecords } from '../fixtures/otel/records.js';

function collected(): MetricSnapshot[] {
  const s = new MetricStore({ maxAttributeValues: 100, maxTrackedAttempts: 1000, warn: () => {} });
  for (const r of [...coverageRecords(), ...fleetRecords(300, 8)]) s.record(r);
  s.begin({ agent: 'x', phase: 0 });
  return s.collect();
}

describe('MetricSnapshot from the store', () => {
  const snaps = collected();
  const histograms = snaps.filter((s) => s.spec.kind === 'histogram').flatMap((s) => s.points as readonly HistogramPoint[]);
  const sums = snaps.filter((s) => s.spec.kind !== 'histogram').flatMap((s) => s.points as readonly SumPoint[]);

  it('holds one snapshot per instrument, histograms first', () => {
    expect(snaps.map((s) => s.spec.kind)).toEqual(['histogram', 'histogram', 'counter', 'counter', 'counter', 'counter', 'counter', 'counter', 'counter', 'updowncounter']);
    expect(new Set(snaps.map((s) => s.spec.name)).size).toBe(10);
  });

  it('gives every histogram point boundaries + 1 counts that add up to its count, with min <= max', () => {
    expect(histograms.length).toBeGreaterThan(0);
    for (const p of histograms) {
      expect(p.counts).toHaveLength(p.boundaries.length + 1);
      expect(p.counts.reduce((a, b) => a + b, 0)).toBe(p.count);
      expect(p.count).toBeGreaterThan(0);
      expect(p.min).toBeLessThanOrEqual(p.max);
      expect(p.sum).toBeGreaterThanOrEqual(p.min);
    }
  });

  it('uses string attribute values only, and finite non-negative values', () => {
    for (const p of [...histograms, ...sums]) for (const v of Object.values(p.attributes)) expect(typeof v).toBe('string');
    for (const p of sums) {
      expect(Number.isFinite(p.value)).toBe(true);
      expect(p.value).toBeGreaterThanOrEqual(0);
    }
  });

  it('never repeats an attribute set within one instrument', () => {
    for (const s of snaps) {
      const keys = s.points.map((p) => JSON.stringify(Object.entries(p.attributes).sort()));
      expect(new Set(keys).size, s.spec.name).toBe(keys.length);
    }
  });

  it('is plain data that survives a JSON round trip (no SDK objects)', () => {
    const finite = snaps.map((s) => ({ ...s, points: s.points.filter((p) => !('min' in p) || Number.isFinite(p.min)) }));
    expect(JSON.parse(JSON.stringify(finite))).toEqual(finite);
  });
});
