/**
 * Merging the snapshots of several sources (two collectors on one telemetry bundle) into one, exactly:
 * counters add, histograms add bucket by bucket. Two sources must not export the same series twice, or
 * Prometheus would reject the scrape. Pure.
 *
 * @module
 */
import type { HistogramPoint, MetricSnapshot, SumPoint } from './snapshot.js';

// Attribute objects are built in a fixed key order by the store, so their JSON is a stable key.
const keyOf = (p: { attributes: object }): string => JSON.stringify(p.attributes);

function addHistograms(a: HistogramPoint, b: HistogramPoint): HistogramPoint {
  return {
    attributes: a.attributes,
    count: a.count + b.count,
    sum: a.sum + b.sum,
    min: Math.min(a.min, b.min),
    max: Math.max(a.max, b.max),
    boundaries: a.boundaries,
    counts: a.counts.map((n, i) => n + (b.counts[i] ?? 0)),
  };
}

/**
 * @param groups - One snapshot list per source.
 * @returns One snapshot per instrument name, series with equal attributes summed.
 */
export function mergeSnapshots(groups: readonly (readonly MetricSnapshot[])[]): MetricSnapshot[] {
  if (groups.length === 1) return [...groups[0]!];
  const byName = new Map<string, { snapshot: MetricSnapshot; points: Map<string, SumPoint | HistogramPoint> }>();
  for (const group of groups) {
    for (const snapshot of group) {
      let entry = byName.get(snapshot.spec.name);
      if (entry === undefined) byName.set(snapshot.spec.name, (entry = { snapshot, points: new Map() }));
      for (const p of snapshot.points) {
        const key = keyOf(p);
        const seen = entry.points.get(key);
        if (seen === undefined) entry.points.set(key, p);
        else if ('value' in seen && 'value' in p) entry.points.set(key, { attributes: seen.attributes, value: seen.value + p.value });
        else if ('counts' in seen && 'counts' in p) entry.points.set(key, addHistograms(seen, p));
      }
    }
  }
  return [...byName.values()].map(({ snapshot, points }) => ({ spec: snapshot.spec, points: [...points.values()] }) as MetricSnapshot);
}
