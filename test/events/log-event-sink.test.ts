import fs from 'node:fs';
import { InMemoryLogRecordExporter, LoggerProvider, SimpleLogRecordProcessor } from '@opentelemetry/sdk-logs';
import { afterEach, describe, expect, it } from 'vitest';
import { InvocationMetricsCollector } from '../../src/collector.js';
import { InvalidOptionError } from '../../src/errors.js';
import { checkOtelLogger, EVENT_NAME, LogEventSink, type OtelLogRecord } from '../../src/events/log-event-sink.js';
import { serializeMetric } from '../../src/serialize.js';
import { memoryLogger, metric, tempDir } from '../helpers/records.js';

const cleanups: (() => void)[] = [];
afterEach(() => cleanups.splice(0).forEach((f) => f()));
const dir = (): string => {
  const t = tempDir('im-events-');
  cleanups.push(t.cleanup);
  return t.dir;
};

function sdkLogger(): { provider: LoggerProvider; exporter: InMemoryLogRecordExporter } {
  const exporter = new InMemoryLogRecordExporter();
  return { provider: new LoggerProvider({ processors: [new SimpleLogRecordProcessor({ exporter })] }), exporter };
}

describe('LogEventSink', () => {
  it('emits one event per record through the SDK: name, body = the JSON line, start time, severity', () => {
    const { provider, exporter } = sdkLogger();
    const sink = new LogEventSink(provider, memoryLogger());
    const ok = metric({ invocationId: 'a', timestamp: '2026-12-01T08:00:00.250Z' });
    const failed = metric({ invocationId: 'b', success: false, errorClass: 'timeout' });
    sink.emit(ok);
    sink.emit(failed);
    const [first, second] = exporter.getFinishedLogRecords();
    expect(first!.eventName).toBe(EVENT_NAME);
    expect(first!.body).toBe(serializeMetric(ok));
    expect(first!.hrTime).toEqual([Date.parse(ok.timestamp) / 1000 - 0.25, 250_000_000]);
    expect([first!.severityNumber, first!.severityText]).toEqual([9, 'INFO']);
    expect(first!.instrumentationScope.name).toBe('invocation-metrics');
    expect([second!.severityNumber, second!.attributes['error.type']]).toEqual([13, 'timeout']);
  });

  it('takes a Logger as well as a LoggerProvider', () => {
    const emitted: OtelLogRecord[] = [];
    new LogEventSink({ emit: (r) => emitted.push(r) }, memoryLogger()).emit(metric());
    expect(emitted.map((r) => r.eventName)).toEqual([EVENT_NAME]);
  });

  it('gives a start OTLP cannot hold (before 1970, after 2554) the unknown time 0; the body keeps it', () => {
    const emitted: OtelLogRecord[] = [];
    const sink = new LogEventSink({ emit: (r) => emitted.push(r) }, memoryLogger());
    sink.emit(metric({ timestamp: '1969-12-31T23:59:59.999Z' }));
    sink.emit(metric({ timestamp: '2600-01-01T00:00:00Z' }));
    sink.emit(metric({ timestamp: '1970-01-01T00:00:00Z' }));
    expect(emitted.map((r) => r.timestamp)).toEqual([[0, 0], [0, 0], [0, 0]]);
    expect(emitted[0]!.body).toContain('"timestamp":"1969-12-31T23:59:59.999Z"');
  });

  it('checkOtelLogger names what it expected', () => {
    for (const bad of [null, {}, 'logger', { emit: 1 }]) expect(() => checkOtelLogger(bad)).toThrow(InvalidOptionError);
    expect(() => checkOtelLogger({})).toThrow(/Expected `otelLogger` to be an OpenTelemetry Logger or LoggerProvider/);
  });
});

describe('the collector with otelLogger', () => {
  it('a logger that throws is warned about once; every record is still kept and written', async () => {
    const logger = memoryLogger();
    const collector = new InvocationMetricsCollector(dir(), logger, {
      otelLogger: {
        emit() {
          throw new Error('exporter down');
        },
      },
    });
    await collector.record(metric({ invocationId: '1' }));
    await collector.record(metric({ invocationId: '2' }));
    await collector.close();
    expect(collector.getCount()).toBe(2);
    expect(fs.readFileSync(collector.path, 'utf8').split('\n')).toHaveLength(3);
    expect(logger.lines.filter((l) => l.includes('exporter down'))).toHaveLength(1);
  });

  it('rejects an otelLogger that is neither a Logger nor a LoggerProvider', () => {
    expect(() => new InvocationMetricsCollector(dir(), memoryLogger(), { otelLogger: { log() {} } as never })).toThrow(InvalidOptionError);
  });
});
