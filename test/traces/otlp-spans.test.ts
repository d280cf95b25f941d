/**
 * Spans end to end: the collector with `createTracing()` (the real trace SDK, a batch processor and the
 * OTLP http/protobuf exporter) pushes to a real OTLP/HTTP receiver, which decodes each request with
 * decoders generated from the opentelemetry-proto definitions (not our own code). One span per record,
 * with the GenAI attributes and ours, the record's own times, the status, and a link from each retry to
 * its previous attempt as the aggregate defines it, on a generated fleet with retries, escalations and
 * records without a taskId.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvocationMetricsCollector } from '../../src/collector.js';
import { prng } from '../../src/demo/prng.js';
import type { InvocationMetric } from '../../src/record.js';
import { createTracing } from '../../src/telemetry/tracing.js';
import { MAX_ATTRIBUTE_LENGTH } from '../../src/traces/names.js';
import { startOtlpTraceReceiver, type OtlpTraceReceiver } from '../helpers/otlp-trace-receiver.js';
import type { OtlpSpan } from '../helpers/otlp-trace-proto.js';
import { memoryLogger, metric, tempDir } from '../helpers/records.js';

const AGENTS = ['planner', 'coder', 'reviewer'];
const BASE = Date.parse('2026-12-01T08:00:00.000Z');

/**
 * A fleet of tasks: each task runs attempts one after the other until one succeeds (at most 4); a failed
 * attempt is an infra failure (errorClass) or a code failure; a retry sometimes moves up a tier (and
 * model). One task in four has no taskId. Records come in order of start, as they are recorded live.
 */
function fleet(seed: number, tasks: number): InvocationMetric[] {
  const rnd = prng(seed);
  const out: InvocationMetric[] = [];
  for (let t = 0; t < tasks; t++) {
    const agent = AGENTS[Math.floor(rnd() * AGENTS.length)]!;
    const phase = 1 + Math.floor(rnd() * 2);
    const taskId = rnd() < 0.25 ? undefined : `T-${t}`;
    let start = BASE + Math.floor(rnd() * 600_000);
    let tier = 'small';
    const attempts = 1 + Math.floor(rnd() * 4);
    for (let a = 1; a <= attempts; a++) {
      if (a > 1 && rnd() < 0.4) tier = tier === 'small' ? 'large' : 'xl';
      const last = a === attempts;
      const infra = !last && rnd() < 0.5;
      const durationMs = 100 + Math.floor(rnd() * 5000);
      out.push(
        metric({
          invocationId: `inv-${t}-${a}`,
          agent,
          phase,
          taskId,
          attempt: a,
          tier,
          model: `model-${tier}`,
          success: last,
          exitCode: last ? 0 : 1,
          errorClass: infra ? 'timeout' : undefined,
          durationMs,
          timestamp: new Date(start).toISOString(),
        }),
      );
      start += durationMs + 1 + Math.floor(rnd() * 1000);
    }
  }
  return out.sort((x, y) => Date.parse(x.timestamp) - Date.parse(y.timestamp));
}

/** The aggregate's rule, by brute force over the whole fleet: the previous attempt of each retry. */
function previousOf(records: readonly InvocationMetric[], r: InvocationMetric): InvocationMetric | undefined {
  let best: InvocationMetric | undefined;
  for (const a of records) {
    if (a.agent !== r.agent || a.phase !== r.phase || a.taskId !== r.taskId || a.attempt !== r.attempt - 1) continue;
    if (Date.parse(a.timestamp) > Date.parse(r.timestamp)) continue;
    if (best === undefined || Date.parse(a.timestamp) >= Date.parse(best.timestamp)) best = a;
  }
  return best;
}

/** Epoch ms (fractions allowed) in ns, exactly (ms * 1e6 is past 2^53). */
const ns = (ms: number): bigint => BigInt(Math.floor(ms)) * 1_000_000n + BigInt(Math.round((ms - Math.floor(ms)) * 1e6));

describe('spans over OTLP/HTTP (createTracing, batch processor, protobuf)', () => {
  let receiver: OtlpTraceReceiver;
  let spans: OtlpSpan[];
  let records: InvocationMetric[];
  const hostileAgent = `"agent"\n</script><img onerror=x>{{7*7}}; DROP TABLE spans;--🦊`;
  const hostile = metric({ invocationId: 'hostile', agent: hostileAgent, taskId: 'x'.repeat(10_000), model: '🦊'.repeat(200), timestamp: '2026-12-02T00:00:00.000Z' });
  const logger = memoryLogger();
  const tmp = tempDir('im-traces-');

  beforeAll(async () => {
    receiver = await startOtlpTraceReceiver();
    const tracing = await createTracing({ url: receiver.url, serviceName: 'fleet-test', scheduledDelayMs: 50 });
    const collector = new InvocationMetricsCollector(tmp.dir, logger, { tracer: tracing.tracerProvider, provider: 'anthropic' });
    records = fleet(21, 150);
    for (const r of records) await collector.record(r);
    await collector.record(
      metric({ invocationId: 'fraction', durationMs: 1234.5, timestamp: '2026-12-01T07:00:00.125+02:00', success: false, errorClass: undefined, exitCode: 3 }),
    );
    await collector.record(hostile);
    await collector.close();
    await tracing.shutdown();
    spans = await receiver.waitForSpans(records.length + 2);
  }, 60_000);
  afterAll(async () => {
    await receiver.close();
    tmp.cleanup();
  });

  const byId = (id: string): OtlpSpan => {
    const found = spans.filter((s) => s.attributes['invocation_metrics.invocation_id'] === id);
    expect(found, id).toHaveLength(1);
    return found[0]!;
  };

  it('posts protobuf to /v1/traces that decodes, one span per record, from the scope invocation-metrics', () => {
    expect(receiver.errors).toEqual([]);
    expect(receiver.requests.every((r) => r.path === '/v1/traces' && r.contentType === 'application/x-protobuf')).toBe(true);
    expect(spans).toHaveLength(records.length + 2);
    expect(new Set(spans.map((s) => s.spanId)).size).toBe(spans.length);
    expect(spans.every((s) => s.scope === 'invocation-metrics' && s.resource['service.name'] === 'fleet-test')).toBe(true);
    expect(logger.lines).toEqual([]);
  });

  it('gives each span the GenAI attributes, ours, the record times, kind INTERNAL and its status', () => {
    for (const r of records) {
      const s = byId(r.invocationId);
      expect(s.name).toBe(`invoke_agent ${r.agent}`);
      expect(s.kind).toBe(1);
      expect(s.parentSpanId).toBe('');
      expect(s.startNs).toBe(ns(Date.parse(r.timestamp)));
      expect(s.endNs).toBe(ns(Date.parse(r.timestamp) + r.durationMs));
      expect(s.attributes).toMatchObject({
        'gen_ai.operation.name': 'invoke_agent',
        'gen_ai.agent.name': r.agent,
        'gen_ai.provider.name': 'anthropic',
        'gen_ai.request.model': r.model,
        'gen_ai.usage.input_tokens': r.inputTokens,
        'gen_ai.usage.output_tokens': r.outputTokens,
        'gen_ai.usage.cache_read.input_tokens': r.cachedTokens,
        'invocation_metrics.phase': r.phase,
        'invocation_metrics.attempt': r.attempt,
        'invocation_metrics.tier': r.tier,
        'invocation_metrics.cost': r.cost,
        'invocation_metrics.tokens': r.tokens,
        'invocation_metrics.exit_code': r.exitCode,
        'invocation_metrics.output_parsed': r.outputParsed,
      });
      expect(s.attributes['invocation_metrics.task_id']).toBe(r.taskId);
      expect(s.status).toBe(r.success ? 0 : 2);
      expect(s.attributes['error.type']).toBe(r.success ? undefined : (r.errorClass ?? '_OTHER'));
    }
  });

  it('keeps fractional milliseconds and zone offsets in the times, and sends _OTHER for a failure without errorClass', () => {
    const s = byId('fraction');
    const start = Date.parse('2026-12-01T07:00:00.125+02:00');
    expect(s.startNs).toBe(ns(start));
    expect(s.endNs - s.startNs).toBe(1_234_500_000n);
    expect(s.status).toBe(2);
    expect(s.attributes['error.type']).toBe('_OTHER');
    expect(s.attributes['invocation_metrics.exit_code']).toBe(3);
  });

  it('links every retry to the span of its previous attempt (the aggregate rule), marked infra or code, and escalated', () => {
    let retries = 0;
    let infra = 0;
    let escalated = 0;
    let withoutTask = 0;
    for (const r of records) {
      const s = byId(r.invocationId);
      if (r.attempt === 1) {
        expect(s.links).toEqual([]);
        expect(s.attributes['invocation_metrics.retry.kind']).toBeUndefined();
        continue;
      }
      retries++;
      const prev = previousOf(records, r)!;
      expect(prev, r.invocationId).toBeDefined();
      const kind = prev.errorClass === undefined ? 'code' : 'infra';
      const esc = prev.tier !== r.tier;
      const target = byId(prev.invocationId);
      expect(s.links, r.invocationId).toEqual([
        { traceId: target.traceId, spanId: target.spanId, attributes: { 'invocation_metrics.retry.kind': kind, 'invocation_metrics.escalated': esc } },
      ]);
      expect(s.attributes['invocation_metrics.retry.kind']).toBe(kind);
      expect(s.attributes['invocation_metrics.escalated']).toBe(esc);
      if (kind === 'infra') infra++;
      if (esc) escalated++;
      if (r.taskId === undefined) withoutTask++;
    }
    // The fleet exercises each case (a test of nothing could not fail).
    expect(retries).toBeGreaterThan(50);
    expect(infra).toBeGreaterThan(10);
    expect(retries - infra).toBeGreaterThan(10);
    expect(escalated).toBeGreaterThan(10);
    expect(withoutTask).toBeGreaterThan(5);
  });

  it('sends hostile names as they are, cut at MAX_ATTRIBUTE_LENGTH code units without splitting a character', () => {
    const s = byId('hostile');
    expect(s.name).toBe(`invoke_agent ${hostileAgent}`);
    expect(s.attributes['gen_ai.agent.name']).toBe(hostileAgent);
    expect(s.attributes['invocation_metrics.task_id']).toBe('x'.repeat(MAX_ATTRIBUTE_LENGTH));
    // 🦊 is two UTF-16 units: 256 units hold 128 whole foxes.
    expect(s.attributes['gen_ai.request.model']).toBe('🦊'.repeat(MAX_ATTRIBUTE_LENGTH / 2));
  });
});
