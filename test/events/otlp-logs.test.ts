/**
 * Records as OTLP log events, end to end: the collector with `createTelemetry({ logs })` (the real logs
 * SDK, its batch processor and the OTLP http/protobuf log exporter), or with a user's own SDK
 * `LoggerProvider`, pushes to a real OTLP/HTTP receiver that decodes each request with decoders generated
 * from the opentelemetry-proto definitions. The event bodies that come back are the log file's lines,
 * byte for byte, each exactly once, on a generated fleet of hostile records.
 */
import fs from 'node:fs';
import path from 'node:path';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { InMemorySpanExporter, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvocationMetricsCollector } from '../../src/collector.js';
import { EVENT_NAME } from '../../src/events/log-event-sink.js';
import type { InvocationMetric } from '../../src/record.js';
import { createTelemetry } from '../../src/telemetry/telemetry.js';
import { startOtlpLogsReceiver, type OtlpLogsReceiver } from '../helpers/otlp-logs-receiver.js';
import type { OtlpLogRecord } from '../helpers/otlp-logs-proto.js';
import { memoryLogger, metric, tempDir } from '../helpers/records.js';
import { validRecordArb } from '../reliability/arbitraries.js';

/** Epoch ms (fractions allowed) in ns, exactly; 0 (unknown) outside what OTLP's unsigned 64-bit nanoseconds hold. */
function ns(ms: number): bigint {
  const n = BigInt(Math.floor(ms)) * 1_000_000n + BigInt(Math.round((ms - Math.floor(ms)) * 1e6));
  return n < 0n || n >= 2n ** 64n ? 0n : n;
}

/** Generated records (any valid field values, unknown fields of any JSON), each with its own id, plus hand-made hard cases. */
function fleet(count: number): InvocationMetric[] {
  const generated = fc.sample(validRecordArb, { numRuns: count, seed: 23 }).map((r, i) => ({ ...r, invocationId: `inv-${i}` }));
  const hard = [
    metric({ invocationId: 'unknown', n: -0, big: 1e21, huge: Number.MAX_SAFE_INTEGER + 2, nested: { a: [null, true, 1.5, '\u0085\u009b'] }, s: '\ud800' } as never),
    metric({ invocationId: 'names', agent: '"agent"\n</script>🦊', taskId: '\u001b[31m', model: '模型', success: false, errorClass: 'rate_limit' }),
    metric({ invocationId: 'fraction', durationMs: 1234.5, timestamp: '2026-12-01T07:00:00.125+02:00', success: false, exitCode: 3 }),
  ];
  return [...generated, ...hard];
}

/** The log file's lines (without the newlines). */
const linesOf = (file: string): string[] => fs.readFileSync(file, 'utf8').split('\n').slice(0, -1);

/** Asserts that the events are the lines, each exactly once: none missing, none twice. */
function expectSameMultiset(events: OtlpLogRecord[], lines: string[]): void {
  const bodies = events.map((e) => e.body);
  expect(bodies.every((b) => typeof b === 'string')).toBe(true);
  expect([...(bodies as string[])].sort()).toEqual([...lines].sort());
  expect(new Set(lines).size).toBe(lines.length);
}

describe('log events over OTLP/HTTP through createTelemetry({ logs })', () => {
  let receiver: OtlpLogsReceiver;
  let events: OtlpLogRecord[];
  let records: InvocationMetric[];
  let lines: string[];
  const logger = memoryLogger();
  const tmp = tempDir('im-logs-');

  beforeAll(async () => {
    receiver = await startOtlpLogsReceiver();
    const telemetry = await createTelemetry({ prometheus: false, serviceName: 'fleet-logs', logs: { url: receiver.url, scheduledDelayMs: 20 } });
    expect(telemetry.loggerProvider).toBeDefined();
    const collector = new InvocationMetricsCollector(tmp.dir, logger, { telemetry });
    records = fleet(1500);
    // Below the batch processor's queue (2048) between two exports: nothing is dropped.
    for (let i = 0; i < records.length; i++) {
      void collector.record(records[i]!);
      if (i % 200 === 199) await new Promise((r) => setTimeout(r, 30));
    }
    await collector.close();
    await telemetry.shutdown();
    lines = linesOf(collector.path);
    events = await receiver.waitForRecords(lines.length);
  }, 60_000);
  afterAll(async () => {
    await receiver.close();
    tmp.cleanup();
  });

  it('posts protobuf to /v1/logs that decodes, from the scope invocation-metrics and the bundle resource', () => {
    expect(receiver.errors).toEqual([]);
    expect(receiver.requests.length).toBeGreaterThan(1);
    expect(receiver.requests.every((r) => r.path === '/v1/logs' && r.contentType === 'application/x-protobuf')).toBe(true);
    expect(events.every((e) => e.scope === 'invocation-metrics' && e.resource['service.name'] === 'fleet-logs')).toBe(true);
    // The mirror's cardinality caps warn on the generated names; the logger never failed.
    expect(logger.lines.filter((l) => l.includes('logger'))).toEqual([]);
  });

  it('round-trips every record exactly: the bodies are the log lines, none missing, none twice', () => {
    expect(lines).toHaveLength(records.length);
    expect(events).toHaveLength(lines.length);
    expectSameMultiset(events, lines);
    // And each body parses back to the record as the log holds it (unknown fields, -0 written as 0, 1e21...).
    const unknown = events.find((e) => e.attributes['invocation_metrics.invocation_id'] === 'unknown')!;
    expect(JSON.parse(unknown.body!)).toMatchObject({ n: 0, big: 1e21, huge: Number.MAX_SAFE_INTEGER + 2, nested: { a: [null, true, 1.5, '\u0085\u009b'] }, s: '\ud800' });
  });

  it('names the event, times it at the record start, and sets the severity and a few attributes', () => {
    const byId = new Map(events.map((e) => [e.attributes['invocation_metrics.invocation_id'] as string, e]));
    for (const r of records) {
      const e = byId.get(r.invocationId.slice(0, 256))!;
      expect(e.eventName).toBe(EVENT_NAME);
      expect(e.timeNs).toBe(ns(Date.parse(r.timestamp)));
      expect([e.severityNumber, e.severityText]).toEqual(r.success ? [9, 'INFO'] : [13, 'WARN']);
      expect(e.attributes['gen_ai.operation.name']).toBe('invoke_agent');
      expect(e.attributes['error.type']).toBe(r.success ? undefined : r.errorClass === undefined || r.errorClass === '' ? '_OTHER' : r.errorClass.slice(0, 256));
      // No tracer: no span to point at.
      expect(e.traceId).toBe('');
    }
    expect(EVENT_NAME).toBe('invocation_metrics.invocation');
  });
});

describe('log events through a user LoggerProvider', () => {
  it('sends the events of record() and of begin()/end(), each pointing at its invoke_agent span', async () => {
    const receiver = await startOtlpLogsReceiver();
    const tmp = tempDir('im-logs-user-');
    try {
      const loggerProvider = new LoggerProvider({ processors: [new SimpleLogRecordProcessor({ exporter: new OTLPLogExporter({ url: receiver.url }) })] });
      const spans = new InMemorySpanExporter();
      const tracerProvider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter: spans })] });
      const collector = new InvocationMetricsCollector(tmp.dir, memoryLogger(), { otelLogger: loggerProvider, tracer: tracerProvider });
      await collector.record(metric({ invocationId: 'recorded' }));
      const call = collector.begin({ agent: 'coder', phase: 1, invocationId: 'live' });
      await call.end({ success: true, exitCode: 0, tokens: 5, cost: 0 });
      await collector.close();
      await loggerProvider.shutdown();
      // Read before shutdown, which empties the in-memory exporter.
      const finished = spans.getFinishedSpans();
      expect(finished).toHaveLength(2);
      await tracerProvider.shutdown();
      const events = await receiver.waitForRecords(2);
      expectSameMultiset(events, linesOf(collector.path));
      for (const id of ['recorded', 'live']) {
        const event = events.find((e) => e.attributes['invocation_metrics.invocation_id'] === id)!;
        const span = finished.find((s) => s.attributes['invocation_metrics.invocation_id'] === id)!;
        expect([event.traceId, event.spanId]).toEqual([span.spanContext().traceId, span.spanContext().spanId]);
      }
    } finally {
      await receiver.close();
      tmp.cleanup();
    }
  }, 30_000);

  it('createTelemetry({ logs: true }) honors OTEL_EXPORTER_OTLP_LOGS_ENDPOINT', async () => {
    const receiver = await startOtlpLogsReceiver();
    const tmp = tempDir('im-logs-env-');
    const saved = process.env.OTEL_EXPORTER_OTLP_LOGS_ENDPOINT;
    process.env.OTEL_EXPORTER_OTLP_LOGS_ENDPOINT = receiver.url;
    try {
      const telemetry = await createTelemetry({ prometheus: false, logs: true });
      const collector = new InvocationMetricsCollector(tmp.dir, memoryLogger(), { telemetry });
      await collector.record(metric({ invocationId: 'env' }));
      await collector.close();
      await telemetry.shutdown();
      const [event] = await receiver.waitForRecords(1);
      expect(event!.body).toBe(linesOf(path.join(tmp.dir, 'invocations.jsonl'))[0]);
    } finally {
      if (saved === undefined) delete process.env.OTEL_EXPORTER_OTLP_LOGS_ENDPOINT;
      else process.env.OTEL_EXPORTER_OTLP_LOGS_ENDPOINT = saved;
      await receiver.close();
      tmp.cleanup();
    }
  }, 30_000);
});
