/**
 * The direct span path of `createTracing()` against the SDK path it replaces: the same records through
 * both, to a real OTLP/HTTP receiver decoding protobuf with the OTel proto definitions, give the same
 * spans (names, kinds, times, attributes, status, links, scope, resource), ids aside. Also its sampling
 * under a parent, and the bound of its batch processor's queue.
 */
import { context, trace, TraceFlags } from '@opentelemetry/api';
import { describe, expect, it } from 'vitest';
import { InvocationMetricsCollector } from '../../src/collector.js';
import { createTracing } from '../../src/telemetry/tracing.js';
import { startOtlpTraceReceiver, type OtlpTraceReceiver } from '../helpers/otlp-trace-receiver.js';
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

describe('the direct path\'s batching (its own SDK batch processor)', () => {
  /** Runs `body` with a receiver, a temporary directory and `env` set, then puts the environment back. */
  const withBatching = async (env: Record<string, string>, body: (receiver: OtlpTraceReceiver, dir: string) => Promise<void>): Promise<void> => {
    const receiver = await startOtlpTraceReceiver();
    const tmp = tempDir('im-direct-batching-');
    const saved = { ...process.env };
    try {
      Object.assign(process.env, env);
      await body(receiver, tmp.dir);
    } finally {
      for (const key of Object.keys(process.env)) if (!(key in saved)) delete process.env[key];
      Object.assign(process.env, saved);
      await receiver.close();
      tmp.cleanup();
    }
  };

  it('flushes a queue of more batches than the exporter\'s 30 concurrent exports whole, on both paths', async () => {
    // 100 batches of 5: the SDK's processor exports them all at once at forceFlush().
    await withBatching({ OTEL_BSP_MAX_QUEUE_SIZE: '500', OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '5' }, async (receiver, dir) => {
      for (const direct of [true, false]) {
        receiver.spans.length = 0;
        // A delay no test reaches: only the flush exports.
        const tracing = await createTracing({ url: receiver.url, scheduledDelayMs: 600_000, direct });
        const collector = new InvocationMetricsCollector(dir, memoryLogger(), { tracer: tracing.tracerProvider, fileName: `flush-${direct}.jsonl` });
        await Promise.all(Array.from({ length: 500 }, (_, i) => collector.record(metric({ invocationId: `f-${direct}-${i}` }))));
        await tracing.forceFlush();
        expect(receiver.spans).toHaveLength(500);
        expect(new Set(receiver.spans.map((s) => s.attributes['invocation_metrics.invocation_id'])).size).toBe(500);
        await collector.close();
        await tracing.shutdown();
      }
    });
  }, 30_000);

  it('holds at most OTEL_BSP_MAX_QUEUE_SIZE spans past the batch in flight, never blocking record(); the log keeps every record', async () => {
    await withBatching({ OTEL_BSP_MAX_QUEUE_SIZE: '2', OTEL_BSP_MAX_EXPORT_BATCH_SIZE: '2' }, async (receiver, dir) => {
      const tracing = await createTracing({ url: receiver.url, scheduledDelayMs: 20 });
      const collector = new InvocationMetricsCollector(dir, memoryLogger(), { tracer: tracing.tracerProvider });
      // Synchronous records: no export can finish between them.
      const written = Array.from({ length: 10 }, (_, i) => collector.record(metric({ invocationId: `b-${i}` })));
      await Promise.all(written);
      await collector.close();
      await tracing.shutdown();
      // One batch of 2 in flight, 2 queued behind it: the other 6 dropped.
      const spans = await receiver.waitForSpans(1);
      await new Promise((r) => setTimeout(r, 100));
      expect(receiver.spans.length).toBeGreaterThan(0);
      expect(receiver.spans.length).toBeLessThanOrEqual(4);
      expect(spans.every((s) => String(s.attributes['invocation_metrics.invocation_id']).startsWith('b-'))).toBe(true);
      expect(collector.getAll()).toHaveLength(10);
    });
  }, 30_000);
});
