import { AggregationTemporality, DataPointType, MeterProvider, type MetricData } from '@opentelemetry/sdk-metrics';
import { ValueType } from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import { SCOPE, SourceHub, createSnapshotProducer } from '../../src/telemetry/producer.js';
import { MetricStore } from '../../src/otel/store.js';
import { warnOnce } from '../../src/otel/warn-once.js';
import { coverageRecords, fleetRecords } from '../fixtures/otel/records.js';
import { attrKey, expectedTable, type HistogramValue, type MetricTable } from '../helpers/otel-expected.js';
import { TestReader, plain, tableFromResourceMetrics } from '../helpers/otel-read.js';
import { memoryLogger, metric } from '../helpers/records.js';

const providers: MeterProvider[] = [];
afterEach(async () => {
  for (const p of providers.splice(0)) await p.shutdown();
});

function setup(temporality = AggregationTemporality.CUMULATIVE) {
  const hub = new SourceHub();
  const reader = new TestReader({ metricProducers: [createSnapshotProducer(hub, temporality)] });
  const provider = new MeterProvider({ readers: [reader] });
  providers.push(provider);
  const store = new MetricStore({ maxAttributeValues: 100, maxTrackedAttempts: 10_000, warn: warnOnce(memoryLogger()) });
  const detach = hub.addSource({ startTimeMs: store.startTimeMs, collect: () => store.collect() });
  return { hub, reader, provider, store, detach };
}

const metrics = (rm: { scopeMetrics: { scope: { name: string }; metrics: MetricData[] }[] }, scope: string = SCOPE.name) =>
  Object.fromEntries(rm.scopeMetrics.filter((s) => s.scope.name === scope).flatMap((s) => s.metrics.map((m) => [m.descriptor.name, m])));

/** a - b, point by point (b's points must all be in a). */
function minus(a: MetricTable, b: MetricTable): MetricTable {
  const out: MetricTable = new Map();
  for (const [name, points] of a) {
    const m = new Map<string, { attributes: Record<string, string>; value: number | HistogramValue }>();
    for (const [k, { attributes, value }] of points) {
      const old = b.get(name)?.get(k)?.value;
      if (typeof value === 'number') m.set(k, { attributes, value: value - ((old as number | undefined) ?? 0) });
      else {
        const o = old as HistogramValue | undefined;
        m.set(k, { attributes, value: { count: value.count - (o?.count ?? 0), sum: value.sum - (o?.sum ?? 0), counts: value.counts.map((n, i) => n - (o?.counts[i] ?? 0)) } });
      }
    }
    out.set(name, m);
  }
  return out;
}

describe('SourceHub', () => {
  it('collects nothing without sources', () => {
    expect(new SourceHub().collect().metrics).toEqual([]);
  });

  it('merges its sources and reports the earliest start', () => {
    const hub = new SourceHub();
    const s1 = new MetricStore({ maxAttributeValues: 10, maxTrackedAttempts: 10, warn: () => {} });
    const s2 = new MetricStore({ maxAttributeValues: 10, maxTrackedAttempts: 10, warn: () => {} });
    s1.record(metric({ cost: 1 }));
    s2.record(metric({ cost: 2 }));
    hub.addSource({ startTimeMs: 2000, collect: () => s1.collect() });
    const remove = hub.addSource({ startTimeMs: 1000, collect: () => s2.collect() });
    const { startTimeMs, metrics: m } = hub.collect();
    expect(startTimeMs).toBe(1000);
    const cost = m.find((x) => x.spec.name === 'invocation_metrics.cost')!;
    expect(cost.points.map((p) => ('value' in p ? p.value : NaN))).toEqual([3]);
    remove();
    remove();
    expect(hub.collect().startTimeMs).toBe(2000);
  });
});

describe('createSnapshotProducer', () => {
  it('makes a reader of a real MeterProvider collect the store exactly (cumulative)', async () => {
    const { reader, store } = setup();
    const records = fleetRecords(1500, 11);
    for (const r of records) store.record(r);
    const { resourceMetrics, errors } = await reader.collect();
    expect(errors).toEqual([]);
    expect(plain(tableFromResourceMetrics(resourceMetrics, SCOPE.name).table)).toEqual(plain(expectedTable(records)));
  });

  it('describes each metric with its unit, value type, kind and temporality', async () => {
    const { reader, store } = setup();
    for (const r of coverageRecords()) store.record(r);
    store.begin({ agent: 'x', phase: 0 });
    const m = metrics((await reader.collect()).resourceMetrics);
    const describe = (name: string) => {
      const d = m[name]!;
      return [d.descriptor.unit, d.descriptor.valueType, d.dataPointType, 'isMonotonic' in d ? d.isMonotonic : undefined, d.aggregationTemporality];
    };
    const C = AggregationTemporality.CUMULATIVE;
    expect(describe('gen_ai.client.token.usage')).toEqual(['{token}', ValueType.INT, DataPointType.HISTOGRAM, undefined, C]);
    expect(describe('gen_ai.invoke_agent.duration')).toEqual(['s', ValueType.DOUBLE, DataPointType.HISTOGRAM, undefined, C]);
    expect(describe('invocation_metrics.invocations')).toEqual(['{invocation}', ValueType.INT, DataPointType.SUM, true, C]);
    expect(describe('invocation_metrics.cost')).toEqual(['{USD}', ValueType.DOUBLE, DataPointType.SUM, true, C]);
    expect(describe('invocation_metrics.active')).toEqual(['{invocation}', ValueType.INT, DataPointType.SUM, false, C]);
    expect(m['gen_ai.invoke_agent.duration']!.descriptor.description).toBe('End-to-end duration of an agent invocation.');
  });

  it('starts cumulative points at the store start and ends them at collection time', async () => {
    const { reader, store } = setup();
    store.record(metric());
    const before = Date.now();
    const m = metrics((await reader.collect()).resourceMetrics);
    const p = m['invocation_metrics.invocations']!.dataPoints[0]!;
    const ms = (t: [number, number]) => t[0] * 1000 + t[1] / 1e6;
    expect(ms(p.startTime)).toBeCloseTo(store.startTimeMs, 3);
    expect(ms(p.endTime)).toBeGreaterThanOrEqual(before);
  });

  it('reports changes since the previous collection with DELTA; the in-flight count stays cumulative', async () => {
    const { reader, store } = setup(AggregationTemporality.DELTA);
    const first = coverageRecords();
    const second = fleetRecords(300, 5);
    for (const r of first) store.record(r);
    store.begin({ agent: 'planner', phase: 0, model: 'haiku', tier: 'small' });
    const c1 = await reader.collect();
    const t1 = tableFromResourceMetrics(c1.resourceMetrics, SCOPE.name);
    const open = [{ agent: 'planner', phase: 0, model: 'haiku', tier: 'small' }];
    expect(plain(t1.table)).toEqual(plain(expectedTable(first, open)));
    for (const r of second) store.record(r);
    const t2 = tableFromResourceMetrics((await reader.collect()).resourceMetrics, SCOPE.name);
    const delta = minus(expectedTable([...first, ...second], open), expectedTable(first, open));
    // The up-down counter is not a delta: the current number in flight.
    for (const [k, p] of expectedTable([...first, ...second], open).get('invocation_metrics.active')!) delta.get('invocation_metrics.active')!.set(k, p);
    expect(plain(t2.table)).toEqual(plain(delta));
    expect(t2.kinds.get('invocation_metrics.invocations')!.temporality).toBe(AggregationTemporality.DELTA);
    expect(t2.kinds.get('gen_ai.client.token.usage')!.temporality).toBe(AggregationTemporality.DELTA);
    expect(t2.kinds.get('invocation_metrics.active')!.temporality).toBe(AggregationTemporality.CUMULATIVE);
    // A third collection without records reports zero changes.
    const t3 = tableFromResourceMetrics((await reader.collect()).resourceMetrics, SCOPE.name);
    for (const p of t3.table.get('invocation_metrics.invocations')!.values()) expect(p.value).toBe(0);
    const k = attrKey({ 'gen_ai.agent.name': 'planner', 'invocation_metrics.phase': '0', 'gen_ai.request.model': 'haiku', 'invocation_metrics.tier': 'small' });
    expect(t3.table.get('invocation_metrics.active')!.get(k)!.value).toBe(1);
  });

  it('leaves a failing source out of the scrape, with the error, and still serves the SDK instruments', async () => {
    const hub = new SourceHub();
    const reader = new TestReader({ metricProducers: [createSnapshotProducer(hub, AggregationTemporality.CUMULATIVE)] });
    const provider = new MeterProvider({ readers: [reader] });
    providers.push(provider);
    provider.getMeter('user').createCounter('user.requests').add(5);
    hub.addSource({
      startTimeMs: Date.now(),
      collect: () => {
        throw new Error('broken source');
      },
    });
    const { resourceMetrics, errors } = await reader.collect();
    expect(errors.map(String)).toEqual(['Error: broken source']);
    expect(metrics(resourceMetrics, 'user')['user.requests']!.dataPoints[0]!.value).toBe(5);
    expect(metrics(resourceMetrics)).toEqual({});
  });

  it('adds no scope when no source is registered', async () => {
    const hub = new SourceHub();
    const reader = new TestReader({ metricProducers: [createSnapshotProducer(hub, AggregationTemporality.CUMULATIVE)] });
    providers.push(new MeterProvider({ readers: [reader] }));
    expect((await reader.collect()).resourceMetrics.scopeMetrics).toEqual([]);
  });
});
