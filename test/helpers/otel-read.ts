/**
 * Reading what an exporter really produced into the reference's forms (test/helpers/otel-expected.ts): an
 * in-process sdk-metrics reader, decoded OTLP requests, Prometheus text and Prometheus query results.
 */
import {
  DataPointType,
  MetricReader,
  type Histogram,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import { attrKey, sampleKey, type Attrs, type MetricTable } from './otel-expected.js';
import type { OtlpMetricsRequest } from './otlp-proto.js';
import type { MetricSnapshot } from '../../src/otel/snapshot.js';

/** A pull reader for tests: `collect()` returns what the provider holds, nothing is exported on its own. */
export class TestReader extends MetricReader {
  protected override async onShutdown(): Promise<void> {}
  protected override async onForceFlush(): Promise<void> {}
}

const stringAttrs = (a: Record<string, unknown>): Attrs => Object.fromEntries(Object.entries(a).map(([k, v]) => [k, String(v)]));

/**
 * @param rm - What a reader collected.
 * @param scope - Keep only this instrumentation scope (all when absent).
 * @returns The table of every metric, plus each metric's descriptor and data point type.
 */
export function tableFromResourceMetrics(rm: ResourceMetrics, scope?: string): { table: MetricTable; kinds: Map<string, { type: DataPointType; monotonic?: boolean; unit: string; temporality: number }> } {
  const table: MetricTable = new Map();
  const kinds = new Map<string, { type: DataPointType; monotonic?: boolean; unit: string; temporality: number }>();
  for (const sm of rm.scopeMetrics) {
    if (scope !== undefined && sm.scope.name !== scope) continue;
    for (const m of sm.metrics) {
      let points = table.get(m.descriptor.name);
      if (points === undefined) table.set(m.descriptor.name, (points = new Map()));
      kinds.set(m.descriptor.name, {
        type: m.dataPointType,
        ...('isMonotonic' in m ? { monotonic: m.isMonotonic } : {}),
        unit: m.descriptor.unit,
        temporality: m.aggregationTemporality,
      });
      for (const p of m.dataPoints) {
        const attributes = stringAttrs(p.attributes);
        if (m.dataPointType === DataPointType.HISTOGRAM) {
          const h = p.value as Histogram;
          points.set(attrKey(attributes), { attributes, value: { count: h.count, sum: h.sum ?? Number.NaN, counts: [...h.buckets.counts] } });
        } else points.set(attrKey(attributes), { attributes, value: p.value as number });
      }
    }
  }
  return { table, kinds };
}

/** @returns The table of the mirror's own snapshots (src/otel/snapshot.ts). */
export function tableFromSnapshots(snapshots: readonly MetricSnapshot[]): MetricTable {
  const table: MetricTable = new Map();
  for (const s of snapshots) {
    let points = table.get(s.spec.name);
    if (points === undefined) table.set(s.spec.name, (points = new Map()));
    for (const p of s.points) {
      const attributes = { ...p.attributes };
      points.set(attrKey(attributes), { attributes, value: 'value' in p ? p.value : { count: p.count, sum: p.sum, counts: [...p.counts] } });
    }
  }
  return table;
}

/** @returns The table of a decoded OTLP request (every scope). */
export function tableFromOtlp(req: OtlpMetricsRequest): MetricTable {
  const table: MetricTable = new Map();
  for (const m of req.metrics) {
    let points = table.get(m.name);
    if (points === undefined) table.set(m.name, (points = new Map()));
    for (const p of m.points) {
      const attributes = stringAttrs(p.attributes);
      if ('value' in p) points.set(attrKey(attributes), { attributes, value: p.value });
      else points.set(attrKey(attributes), { attributes, value: { count: p.count, sum: p.sum ?? Number.NaN, counts: p.bucketCounts } });
    }
  }
  return table;
}

/** One metric family of a Prometheus text exposition. */
export interface Family {
  type?: string;
  unit?: string;
  help?: string;
}

/** A parsed Prometheus text exposition (format 0.0.4). */
export interface ParsedExposition {
  /** `name{sorted labels}` -> value, without `target_info` and without the `dropLabels`. */
  samples: Map<string, number>;
  /** Every sample line's metric name and labels, as served. */
  lines: { name: string; labels: Record<string, string>; value: number }[];
  /** `# HELP`, `# TYPE` and `# UNIT` lines by family name. */
  families: Map<string, Family>;
}

function parseLabels(s: string): Record<string, string> {
  const labels: Record<string, string> = {};
  let i = 0;
  while (i < s.length) {
    const eq = s.indexOf('=', i);
    const name = s.slice(i, eq).trim();
    if (s[eq + 1] !== '"') throw new Error(`bad label value in {${s}}`);
    let j = eq + 2;
    let value = '';
    while (s[j] !== '"') {
      if (j >= s.length) throw new Error(`unterminated label value in {${s}}`);
      if (s[j] === '\\') {
        const c = s[j + 1];
        value += c === 'n' ? '\n' : c;
        j += 2;
      } else value += s[j++];
    }
    labels[name] = value;
    i = j + 1;
    if (s[i] === ',') i++;
  }
  return labels;
}

function parseValue(v: string): number {
  if (v === '+Inf') return Infinity;
  if (v === '-Inf') return -Infinity;
  return Number(v);
}

/**
 * @param text - A scrape body.
 * @param dropLabels - Labels left out of `samples` keys (the exporter's `otel_scope_name` by default).
 */
export function parseExposition(text: string, dropLabels: readonly string[] = ['otel_scope_name']): ParsedExposition {
  const samples = new Map<string, number>();
  const lines: ParsedExposition['lines'] = [];
  const families = new Map<string, Family>();
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const meta = /^# (HELP|TYPE|UNIT) (\S+) ?(.*)$/.exec(line);
    if (meta !== null) {
      const f = families.get(meta[2]!) ?? {};
      f[meta[1]!.toLowerCase() as keyof Family] = meta[3]!;
      families.set(meta[2]!, f);
      continue;
    }
    if (line.startsWith('#')) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)(?: \S+)?$/.exec(line);
    if (m === null) throw new Error(`unparsable sample line: ${line}`);
    const labels = m[2] === undefined ? {} : parseLabels(m[2]);
    const value = parseValue(m[3]!);
    lines.push({ name: m[1]!, labels, value });
    if (m[1] === 'target_info') continue;
    const kept = Object.fromEntries(Object.entries(labels).filter(([k]) => !dropLabels.includes(k)));
    const key = sampleKey(m[1]!, kept);
    if (samples.has(key)) throw new Error(`duplicate sample ${key}`);
    samples.set(key, value);
  }
  return { samples, lines, families };
}

/** One element of a Prometheus `/api/v1/query` vector result. */
export interface VectorSample {
  metric: Record<string, string>;
  value: [number, string];
}

/** @returns `name{sorted labels}` -> value of a query result, without the `dropLabels`. */
export function samplesFromQuery(result: readonly VectorSample[], dropLabels: readonly string[] = ['otel_scope_name', 'job', 'instance']): Map<string, number> {
  const out = new Map<string, number>();
  for (const { metric, value } of result) {
    const { __name__: name = '', ...labels } = metric;
    const kept = Object.fromEntries(Object.entries(labels).filter(([k]) => !dropLabels.includes(k)));
    out.set(sampleKey(name, kept), parseValue(value[1]));
  }
  return out;
}

/** Plain objects of a table for `toEqual` (maps compare poorly in failure output); metrics without points left out. */
export function plain(table: MetricTable): Record<string, Record<string, unknown>> {
  const out: Record<string, Record<string, unknown>> = {};
  for (const [name, points] of [...table].sort(([a], [b]) => (a < b ? -1 : 1))) {
    if (points.size === 0) continue;
    out[name] = {};
    for (const k of [...points.keys()].sort()) out[name][k] = points.get(k)!.value;
  }
  return out;
}

/** Plain object of a sample map, keys sorted. */
export function plainSamples(samples: Map<string, number>): Record<string, number> {
  return Object.fromEntries([...samples].sort(([a], [b]) => (a < b ? -1 : 1)));
}
