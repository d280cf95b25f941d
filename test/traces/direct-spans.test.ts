/**
 * The direct span path of `createTracing()` against the SDK path it replaces: the same records through
 * both, to a real OTLP/HTTP receiver decoding protobuf with the OTel proto definitions, give the same
 * spans (names, kinds, times, attributes, status, links, scope, resource), ids aside. Also its queue's
 * rules (bound, drops, flush, shutdown) with a recording exporter, and its sampling under a parent.
 */
import { context, trace, TraceFlags } from '@opentelemetry/api';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace';
import { afterAll, describe, expect, it } from 'vitest';
import { InvocationMetricsCollector } from '../../src/collector.js';
import { DirectExportQueue } from '../../src/telemetry/direct-queue.js';
import { createTracing } from '../../src/telemetry/tracing.js';
import type { FinishedSpan } from '../../src/traces/direct.js';
import { startOtlpTraceReceiver } from '../helpers/otlp-trace-receiver.js';
import type { OtlpSpan } from '../helpers/otlp-trace-proto.js';
import { memoryLogger, metric, tempDir } from '../helpers/records.js';

const BASE = Date.parse('2026-12-01T08:00:00.000Z');

/** Records with retries (infra and code), escalations, failures, a record without a taskId, optional fields. */
function records(): ReturnType<typeof metric>[] {
  const out: ReturnType<typeof metric>[] = [];
  for (let t = 0; t < 40; t++) {
    const taskId = t % 7 === 0 ? undefined : `T-${t}`;
    for (let a = 1; a <= 1 + (t % 3); a++) {
      const last = a === 1 + (t % 3);
      out.push(
        metric({
          invocationId: `inv-${t}-${a}`,
          agent: ['planner', 'coder', 'reviewer'][t % 3]!,
          phase: t % 2,
          taskId,
          attempt: a,
          tier: a === 3 ? 'large' : 'small',
          success: last,
          exitCode: last ? 0 : 1,
          errorClass: !last && t % 2 === 0 ? 'rate_limit' : undefined,
          cachedTokens: t % 4 === 0 ? undefined : 10,
          provider: t % 5 === 0 ? 'openai' : undefined,
          durationMs: 100 + t * 7.25,
          timestamp: new Date(BASE + t * 10_000 + a * 1000).toISOString(),
        }),
      );
    }
  }
  return out;
}

/** A span without its ids: links name the invocation of the span they point at. */
function normalized(spans: OtlpSpan[]): unknown[] {
  const invocationOf = new Map(spans.map((s) => [s.spanId, s.attributes['invocation_metrics.invocation_id']]));
  return spans
    .map(({ traceId: _t, spanId: _s, resource, links, ...rest }) => ({
      ...rest,
      resource: { ...resource, 'service.instance.id': '(random)' },
      links: links.map((l) => ({ to: invocationOf.get(l.spanId), attributes: l.attributes })),
    }))
    .sort((a, b) => String(a.attributes['invocation_metrics.invocation_id']).localeCompare(String(b.attributes['invocation_metrics.invocation_id'])));
}

async function spansOf(direct: boolean): Promise<OtlpSpan[]> {
  const receiver = await startOtlpTraceReceiver();
  const tmp = tempDir('im-direct-');
  try {
    const tracing = await createTracing({ url: receiver.url, serviceName: 'direct-test', scheduledDelayMs: 20, direct });
    const collector = new InvocationMetricsCollector(tmp.dir, memoryLogger(), { tracer: tracing.tracerProvider, provider: 'anthropic' });
    const all = records();
    for (const r of all) await collector.record(r);
    await collector.close();
    await tracing.shutdown();
    const spans = await receiver.waitForSpans(all.length);
    expect(receiver.errors).toEqual([]);
    return spans;
  } finally {
    await receiver.close();
    tmp.cleanup();
  }
}

describe('the direct span path', () => {
  it('sends exactly the spans the SDK path sends, ids aside', async () => {
    const [sdk, direct] = [await spansOf(false), await spansOf(true)];
    expect(direct).toHaveLength(records().length);
    expect(normalized(direct)).toEqual(normalized(sdk));
    // The links are there to compare: retries of a task point at their previous attempt.
    expect(direct.filter((s) => s.links.length === 1).length).toBeGreaterThan(20);
    expect(new Set(direct.map((s) => s.spanId)).size).toBe(direct.length);
    expect(direct.every((s) => /^[0-9a-f]{32}$/.test(s.traceId) && /^[0-9a-f]{16}$/.test(s.spanId))).toBe(true);
  }, 60_000);

  it('samples as the provider does: under a sampled parent, in its trace; under an unsampled one, not sent', async () => {
    const receiver = await startOtlpTraceReceiver();
    const tmp = tempDir('im-direct-parent-');
    try {
      const tracing = await createTracing({ url: receiver.url, scheduledDelayMs: 20 });
      const collector = new InvocationMetricsCollector(tmp.dir, memoryLogger(), { tracer: tracing.tracerProvider });
      const sampled = trace.wrapSpanContext({ traceId: 'a'.repeat(32), spanId: 'b'.repeat(16), traceFlags: TraceFlags.SAMPLED });
      const unsampled = trace.wrapSpanContext({ traceId: 'c'.repeat(32), spanId: 'd'.repeat(16), traceFlags: TraceFlags.NONE });
      await collector.record(metric({ invocationId: 'in-sampled' }), { parent: trace.setSpan(context.active(), sampled) });
      await collector.record(metric({ invocationId: 'in-unsampled' }), { parent: trace.setSpan(context.active(), unsampled) });
      await collector.record(metric({ invocationId: 'root' }));
      await collector.close();
      await tracing.shutdown();
      const spans = await receiver.waitForSpans(2);
      const ids = spans.map((s) => s.attributes['invocation_metrics.invocation_id']).sort();
      expect(ids).toEqual(['in-sampled', 'root']);
      const child = spans.find((s) => s.attributes['invocation_metrics.invocation_id'] === 'in-sampled')!;
      expect([child.traceId, child.parentSpanId]).toEqual(['a'.repeat(32), 'b'.repeat(16)]);
    } finally {
      await receiver.close();
      tmp.cleanup();
    }
  }, 30_000);
});

describe('DirectExportQueue', () => {
  const span = (n: number): FinishedSpan => ({ name: `s${n}` }) as unknown as FinishedSpan;
  const stops: (() => Promise<void>)[] = [];
  afterAll(async () => {
    for (const s of stops) await s();
  });

  function exporter(): SpanExporter & { batches: string[][]; shutdowns: number } {
    const e = {
      batches: [] as string[][],
      shutdowns: 0,
      export(spans: ReadableSpan[], done: (r: { code: number }) => void) {
        e.batches.push(spans.map((s) => s.name));
        setTimeout(() => done({ code: 0 }), 5);
      },
      shutdown: async () => {
        e.shutdowns++;
      },
    };
    return e;
  }

  it('exports full batches at once, one export at a time, the rest at flush; drops and counts past the bound', async () => {
    const e = exporter();
    const q = new DirectExportQueue(e, {}, { maxQueueSize: 10, maxExportBatchSize: 4, scheduledDelayMs: 60_000 });
    stops.push(() => q.shutdown());
    for (let i = 0; i < 12; i++) q.push(span(i));
    expect(q.dropped).toBe(2);
    await q.forceFlush();
    expect(e.batches).toEqual([
      ['s0', 's1', 's2', 's3'],
      ['s4', 's5', 's6', 's7'],
      ['s8', 's9'],
    ]);
    await q.shutdown();
    q.push(span(99));
    await q.forceFlush();
    expect(e.batches.flat()).not.toContain('s99');
    expect(e.shutdowns).toBe(1);
  });

  it('exports a partial batch after the scheduled delay', async () => {
    const e = exporter();
    const q = new DirectExportQueue(e, {}, { maxQueueSize: 10, maxExportBatchSize: 4, scheduledDelayMs: 10 });
    stops.push(() => q.shutdown());
    q.push(span(1));
    const until = Date.now() + 5000;
    while (e.batches.length === 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 5));
    expect(e.batches).toEqual([['s1']]);
  });
});
