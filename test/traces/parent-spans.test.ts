/**
 * Parent spans with the real trace SDK and an in-memory exporter: `record(m, { parent })`, and the run and
 * phase spans of the `spanParents` option (their names, times, nesting, and ends at close()).
 */
import { context, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { afterEach, describe, expect, it } from 'vitest';
import { InvocationMetricsCollector, type CollectorOptions } from '../../src/collector.js';
import { InvalidOptionError } from '../../src/errors.js';
import { memoryLogger, metric, tempDir } from '../helpers/records.js';

const T0 = Date.parse('2026-12-07T10:00:00.000Z');
const iso = (ms: number): string => new Date(ms).toISOString();
const ms = (s: ReadableSpan, which: 'startTime' | 'endTime'): number => s[which][0] * 1000 + s[which][1] / 1e6;

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

function setup(options: CollectorOptions = {}): { collector: InvocationMetricsCollector; exporter: InMemorySpanExporter; provider: TracerProvider; clock: { t: number } } {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  const tmp = tempDir('im-parents-');
  const clock = { t: T0 };
  const collector = new InvocationMetricsCollector(tmp.dir, memoryLogger(), { tracer: provider, clock: { now: () => clock.t }, ...options });
  cleanups.push(() => tmp.cleanup(), () => provider.shutdown(), () => collector.close());
  return { collector, exporter, provider, clock };
}

const byName = (spans: ReadableSpan[], name: string): ReadableSpan => {
  const found = spans.find((s) => s.name === name);
  if (found === undefined) throw new Error(`no span ${name} among ${spans.map((s) => s.name).join(', ')}`);
  return found;
};

describe('record(metric, { parent })', () => {
  it('parents the record span under the given context, and refuses a parent that is not a Context', async () => {
    const { collector, exporter, provider } = setup();
    const task = provider.getTracer('user').startSpan('task T-1');
    await collector.record(metric({ invocationId: 'a', timestamp: iso(T0) }), { parent: trace.setSpan(context.active(), task) });
    await collector.record(metric({ invocationId: 'b', timestamp: iso(T0) }));
    task.end();
    const spans = exporter.getFinishedSpans();
    const [a, b] = spans.filter((s) => s.name.startsWith('invoke_agent'));
    expect(a!.parentSpanContext?.spanId).toBe(task.spanContext().spanId);
    expect(a!.spanContext().traceId).toBe(task.spanContext().traceId);
    expect(b!.parentSpanContext).toBeUndefined();
    await expect(collector.record(metric({ invocationId: 'c' }), { parent: {} as never })).rejects.toBeInstanceOf(InvalidOptionError);
    // The refused call recorded nothing.
    expect(collector.getAll().map((m) => m.invocationId)).toEqual(['a', 'b']);
  });
});

describe('spanParents', () => {
  it('makes one run span and one span per phase, from the first start to the last end, ended at close()', async () => {
    const { collector, exporter, clock } = setup({ spanParents: { run: 'nightly', phase: true } });
    await collector.record(metric({ invocationId: 'p1a', phase: 1, timestamp: iso(T0 + 1000), durationMs: 500 }));
    await collector.record(metric({ invocationId: 'p1b', phase: 1, timestamp: iso(T0 + 1200), durationMs: 2000 }));
    clock.t = T0 + 5000;
    const live = collector.begin({ agent: 'reviewer', phase: 2 });
    clock.t = T0 + 9000;
    await live.end({ success: true, tokens: 1, cost: 0, exitCode: 0 });
    expect(exporter.getFinishedSpans().map((s) => s.name).sort()).toEqual(['invoke_agent coder', 'invoke_agent coder', 'invoke_agent reviewer']);
    await collector.close();

    const spans = exporter.getFinishedSpans();
    const run = byName(spans, 'invoke_workflow nightly');
    const p1 = byName(spans, 'phase 1');
    const p2 = byName(spans, 'phase 2');
    expect(run.attributes).toMatchObject({ 'gen_ai.operation.name': 'invoke_workflow', 'invocation_metrics.run.name': 'nightly' });
    expect(run.parentSpanContext).toBeUndefined();
    expect([ms(run, 'startTime'), ms(run, 'endTime')]).toEqual([T0 + 1000, T0 + 9000]);
    expect([ms(p1, 'startTime'), ms(p1, 'endTime')]).toEqual([T0 + 1000, T0 + 3200]);
    expect([ms(p2, 'startTime'), ms(p2, 'endTime')]).toEqual([T0 + 5000, T0 + 9000]);
    for (const p of [p1, p2]) expect(p.parentSpanContext?.spanId).toBe(run.spanContext().spanId);
    for (const s of spans.filter((x) => x.name.startsWith('invoke_agent'))) {
      const phase = s.attributes['invocation_metrics.phase'];
      expect(s.parentSpanContext?.spanId).toBe((phase === 1 ? p1 : p2).spanContext().spanId);
      expect(s.spanContext().traceId).toBe(run.spanContext().traceId);
    }
  });

  it('parents to the run span alone, and an explicit parent wins over it', async () => {
    const { collector, exporter, provider } = setup({ spanParents: { run: true } });
    const mine = provider.getTracer('user').startSpan('mine');
    await collector.record(metric({ invocationId: 'x', phase: 3 }));
    await collector.record(metric({ invocationId: 'y', phase: 3 }), { parent: trace.setSpan(context.active(), mine) });
    mine.end();
    await collector.close();
    const spans = exporter.getFinishedSpans();
    const run = byName(spans, 'invoke_workflow run');
    const [x, y] = spans.filter((s) => s.name.startsWith('invoke_agent'));
    expect(x!.parentSpanContext?.spanId).toBe(run.spanContext().spanId);
    expect(y!.parentSpanContext?.spanId).toBe(mine.spanContext().spanId);
    expect(spans.some((s) => s.name.startsWith('phase'))).toBe(false);
  });

  it('refuses a bad option naming the key', () => {
    const tmp = tempDir('im-parents-bad-');
    cleanups.push(() => tmp.cleanup());
    expect(() => new InvocationMetricsCollector(tmp.dir, memoryLogger(), { spanParents: { run: '' } })).toThrow(/spanParents\.run/);
    expect(() => new InvocationMetricsCollector(tmp.dir, memoryLogger(), { spanParents: { phases: true } as never })).toThrow(/spanParents\.phases/);
    expect(() => new InvocationMetricsCollector(tmp.dir, memoryLogger(), { spanParents: 'run' as never })).toThrow(InvalidOptionError);
  });
});
