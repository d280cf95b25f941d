import { DataPointType, MeterProvider, type Histogram } from '@opentelemetry/sdk-metrics';
import { afterEach, describe, expect, it } from 'vitest';
import { createMeterInstruments } from '../../src/otel/meter-path.js';
import { INSTRUMENTS } from '../../src/otel/names.js';
import type { MetricSnapshot } from '../../src/otel/snapshot.js';
import { warnOnce } from '../../src/otel/warn-once.js';
import { DURATION_BOUNDS, TOKEN_BOUNDS } from '../helpers/otel-expected.js';
import { TestReader, tableFromResourceMetrics } from '../helpers/otel-read.js';
import { memoryLogger } from '../helpers/records.js';

const providers: MeterProvider[] = [];
afterEach(async () => {
  for (const p of providers.splice(0)) await p.shutdown();
});

function setup() {
  const reader = new TestReader();
  const provider = new MeterProvider({ readers: [reader] });
  providers.push(provider);
  const logger = memoryLogger();
  const instruments = createMeterInstruments(provider.getMeter('user-scope'), warnOnce(logger));
  return { reader, instruments, logger };
}

const sums = (value: number): MetricSnapshot[] => [
  { spec: INSTRUMENTS.invocations, points: [{ attributes: { 'gen_ai.agent.name': 'a', 'invocation_metrics.outcome': 'success' }, value }] },
  { spec: INSTRUMENTS.cost, points: [{ attributes: { 'gen_ai.agent.name': 'a' }, value: value / 4 }] },
  { spec: INSTRUMENTS.active, points: [{ attributes: { 'gen_ai.agent.name': 'a' }, value: 2 }] },
];

describe('createMeterInstruments', () => {
  it('records histograms on the user meter with the GenAI bucket boundaries', async () => {
    const { reader, instruments } = setup();
    instruments.recorder.duration(0.1, { 'gen_ai.agent.name': 'a' });
    instruments.recorder.duration(500, { 'gen_ai.agent.name': 'a' });
    instruments.recorder.tokens('gen_ai.client.token.usage', 1024, { 'gen_ai.token.type': 'input' });
    const { resourceMetrics } = await reader.collect();
    const metrics = resourceMetrics.scopeMetrics[0]!.metrics;
    const byName = Object.fromEntries(metrics.map((m) => [m.descriptor.name, m]));
    const d = byName['gen_ai.invoke_agent.duration']!;
    expect(d.dataPointType).toBe(DataPointType.HISTOGRAM);
    expect(d.descriptor.unit).toBe('s');
    const dv = d.dataPoints[0]!.value as Histogram;
    expect(dv.buckets.boundaries).toEqual(DURATION_BOUNDS);
    expect(dv.buckets.counts).toEqual([1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
    const tv = byName['gen_ai.client.token.usage']!.dataPoints[0]!.value as Histogram;
    expect(tv.buckets.boundaries).toEqual(TOKEN_BOUNDS);
    expect(tv.buckets.counts[5]).toBe(1);
  });

  it('reports the counters observed at each collection, as monotonic sums and an up-down sum', async () => {
    const { reader, instruments } = setup();
    let n = 4;
    instruments.observe(() => sums(n));
    let got = tableFromResourceMetrics((await reader.collect()).resourceMetrics);
    expect([...got.table.get('invocation_metrics.invocations')!.values()].map((p) => p.value)).toEqual([4]);
    expect([...got.table.get('invocation_metrics.cost')!.values()].map((p) => p.value)).toEqual([1]);
    expect(got.kinds.get('invocation_metrics.invocations')).toMatchObject({ type: DataPointType.SUM, monotonic: true, unit: '{invocation}' });
    expect(got.kinds.get('invocation_metrics.active')).toMatchObject({ type: DataPointType.SUM, monotonic: false });
    n = 8;
    got = tableFromResourceMetrics((await reader.collect()).resourceMetrics);
    expect([...got.table.get('invocation_metrics.invocations')!.values()].map((p) => p.value)).toEqual([8]);
  });

  it('stops reporting once detached; detaching twice is harmless', async () => {
    const { reader, instruments } = setup();
    let calls = 0;
    let n = 1;
    const detach = instruments.observe(() => (calls++, sums(n)));
    await reader.collect();
    detach();
    detach();
    n = 100;
    const { resourceMetrics } = await reader.collect();
    expect(calls).toBe(1);
    // The SDK keeps the last cumulative value of an observable; it no longer moves.
    const counts = resourceMetrics.scopeMetrics.flatMap((s) => s.metrics).filter((m) => m.descriptor.name === 'invocation_metrics.invocations');
    expect(counts.flatMap((m) => m.dataPoints.map((p) => p.value))).toEqual([1]);
  });

  it('warns once when reading the counters fails, and the collection goes on', async () => {
    const { reader, instruments, logger } = setup();
    instruments.observe(() => {
      throw new Error('store broken');
    });
    instruments.recorder.duration(1, {});
    for (let i = 0; i < 3; i++) {
      const { errors, resourceMetrics } = await reader.collect();
      expect(errors).toEqual([]);
      expect(resourceMetrics.scopeMetrics[0]!.metrics.some((m) => m.descriptor.name === 'gen_ai.invoke_agent.duration')).toBe(true);
    }
    expect(logger.lines).toHaveLength(1);
    expect(logger.lines[0]).toContain('store broken');
  });
});
