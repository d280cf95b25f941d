// record() throughput: 300k records through the collector (validate, JSONL log, memory, OTel mirror) vs
// pino logging the same objects to a synchronous destination (sonic-boom, sync: true).
//   node record.mjs <variant> <file> <records>
//   ours-meter:     the collector mirroring into a user's Meter (sdk-metrics MeterProvider + Prometheus reader)
//   ours-telemetry: the collector with createTelemetry() (Prometheus endpoint on 127.0.0.1, port 0)
//   ours-off:       the collector alone (no mirror, no tracer): the baseline of the span variant
//   ours-spans:     the collector with `tracer`: a real trace SDK TracerProvider, a BatchSpanProcessor (defaults:
//                   queue 2048, batches of 512) and the OTLP http/protobuf exporter, pushing to a receiver in a
//                   child process (127.0.0.1) that answers 200. Timed until every span is exported
//                   (forceFlush); the spans the processor dropped (queue full) are counted and reported.
//   ours-tracing:   the collector with createTracing() (its direct span path: spans built as data, batched to
//                   its own OTLP exporter), to the same kind of receiver
//   pino-sdk-spans: the glue a user would write instead: pino (sync destination) logs the record and a trace
//                   SDK span is made per record with the same name, times and attributes (TracerProvider,
//                   BatchSpanProcessor, OTLP exporter)
//   pino-sync:      pino(pino.destination({ sync: true })), logger.info(record): pino's default configuration
//                   (it adds level, time, pid and hostname to each line and issues one write a record)
//   pino-best:      pino({ base: null, timestamp: false }, pino.destination({ sync: true, minLength: 4096 })):
//                   the configuration a user picks for throughput, writing the record's bytes (plus pino's
//                   level) through a 4 KiB buffer
//   VARIANT-paced:  ours-meter-paced, ours-telemetry-paced, pino-best-paced: the same, but the loop yields to
//                   the event loop every 256 records (setImmediate), as a live program records: an agent's
//                   invocations end over time, never 300k in one synchronous tick. The burst (no suffix)
//                   makes the collector hold every line of the run in fresh memory until the tick ends;
//                   paced, its writer writes while records come in and reuses its warm chunk. pino writes
//                   synchronously either way (the yield costs it the same setImmediate per 256 records).
//   sdk-histograms: the floor of ours-meter: ONLY the SDK histogram record() calls that the mirror makes on a
//                   user's Meter (gen_ai.invoke_agent.duration and gen_ai.client.token.usage input / output), with
//                   the very values and attribute objects the mirror passes (captured before timing by the
//                   mirror's store with a recording HistogramRecorder), on the same MeterProvider + Prometheus
//                   reader as ours-meter. No validation, no log, no counters: what no record() on that path can
//                   go below.
//   pino-best-histograms: pino-best plus those same SDK calls per record: the glue a user writes for the same
//                   log line and histograms
// Every span variant holds all spans in its queue (maxQueueSize = records; OTEL_BSP_MAX_QUEUE_SIZE for
// createTracing), so that none is dropped: each variant then encodes and sends every span, the same output.
// ours-off and ours-spans yield to the event loop every 256 records (setImmediate), so that the batch
// processor's timer can export while records come in, as it would in a live program.
import { PerformanceObserver, performance } from 'node:perf_hooks';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadRecords, report, since } from './common.mjs';

const [named, file, n] = process.argv.slice(2);
const paced = named.endsWith('-paced');
const variant = paced ? named.slice(0, -'-paced'.length) : named;
if (paced && !['ours-meter', 'ours-telemetry', 'pino-best'].includes(variant)) throw new Error(`no paced form of ${variant}`);
const records = loadRecords(file, Number(n));
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'im-bench-record-'));
const quiet = { warn() {}, info() {}, error() {}, debug() {} };
// Besides wall time, each variant reports the CPU time of the timed part (this process, every thread: the
// main thread, the GC's helpers, libuv's pool doing the async writes) per record: less swayed than wall time
// by other processes on a loaded machine.
// And the time the main thread spent in GC pauses during the timed part (gcMs), from the `gc` entries.
let cpu0;
let from = Infinity;
let to = Infinity;
const pauses = [];
const gcObserver = new PerformanceObserver((list) => pauses.push(...list.getEntries()));
gcObserver.observe({ entryTypes: ['gc'] });
const start = () => {
  cpu0 = process.cpuUsage();
  from = performance.now();
  return from;
};
const cpuPerRecord = () => {
  const c = process.cpuUsage(cpu0);
  to = performance.now();
  return (c.user + c.system) / records.length;
};
/** The report, with the GC pauses of the timed part (their entries are delivered later: wait for them). */
const reportWithGc = async (result) => {
  await new Promise((resolve) => setTimeout(resolve, 100));
  gcObserver.disconnect();
  const gcMs = pauses.filter((e) => e.startTime >= from && e.startTime < to).reduce((ms, e) => ms + e.duration, 0);
  report({ ...result, gcMs });
};
let spans;

/** The trace SDK as a user sets it up, exporting to a receiver in a child process. */
async function startSpans() {
  const { spawn } = await import('node:child_process');
  const receiver = spawn(process.execPath, ['-e', `
    const http = require('node:http');
    const server = http.createServer((req, res) => { req.resume(); req.on('end', () => { res.statusCode = 200; res.setHeader('content-type', 'application/x-protobuf'); res.end(); }); });
    server.listen(0, '127.0.0.1', () => process.stdout.write(server.address().port + '\\n'));
    // Ends with this process, however it ends: its stdin closes then (a receiver left behind would hold the
    // bench's stderr pipe open, and the bench would wait for it forever).
    process.stdin.on('end', () => process.exit(0)).resume();
  `], { stdio: ['pipe', 'pipe', 'inherit'] });
  const port = await new Promise((resolve) => receiver.stdout.once('data', (d) => resolve(Number(String(d).trim()))));
  const { diag, DiagLogLevel } = await import('@opentelemetry/api');
  const { TracerProvider, BatchSpanProcessor } = await import('@opentelemetry/sdk-trace');
  const { OTLPTraceExporter } = await import('@opentelemetry/exporter-trace-otlp-proto');
  let dropped = 0;
  // The processor reports drops as a diag warning ("Dropped N spans ...") when the next span fits again.
  const count = (m) => {
    const d = /Dropped (\d+) spans/.exec(String(m));
    if (d) dropped += Number(d[1]);
  };
  diag.setLogger({ warn: count, error() {}, info() {}, debug() {}, verbose() {} }, DiagLogLevel.WARN);
  const url = `http://127.0.0.1:${port}/v1/traces`;
  // The queue holds every span, and the processor exports every queued batch at once at forceFlush: the
  // exporter must allow that many concurrent exports (its default, 30, fails the rest; createTracing() sets
  // the same limit for its own exporters).
  const processor = new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url, concurrencyLimit: Math.max(30, Math.ceil(Number(n) / 512) + 1) }), maxQueueSize: Number(n) });
  const provider = new TracerProvider({ spanProcessors: [processor] });
  return {
    url,
    provider,
    dropped: () => dropped + processor._droppedSpansCount,
    stop: async () => {
      await provider.shutdown();
      receiver.kill();
    },
    kill: () => receiver.kill(),
  };
}
/**
 * The SDK histogram calls the mirror makes for `records`, captured by its own store (dist/otel/store.js) with a
 * recorder that keeps them: per record, its calls as (instrument name or null for the duration, value,
 * attributes), the attribute objects being the ones the mirror reuses per series.
 */
async function captureHistogramCalls() {
  const { MetricStore } = await import('../../dist/otel/store.js');
  const calls = [];
  const starts = [];
  const histograms = { duration: (s, a) => calls.push(null, s, a), tokens: (name, n, a) => calls.push(name, n, a) };
  const store = new MetricStore({ maxAttributeValues: 100, maxTrackedAttempts: 10_000, warn() {}, histograms });
  for (const r of records) {
    starts.push(calls.length);
    store.record(r);
  }
  starts.push(calls.length);
  return { calls, starts };
}

/** The mirror's instruments on a fresh user MeterProvider (as ours-meter sets it up): its HistogramRecorder. */
async function sdkRecorder() {
  const { MeterProvider } = await import('@opentelemetry/sdk-metrics');
  const { PrometheusExporter } = await import('@opentelemetry/exporter-prometheus');
  const { createMeterInstruments } = await import('../../dist/otel/meter-path.js');
  const provider = new MeterProvider({ readers: [new PrometheusExporter({ preventServerStart: true })] });
  return { provider, recorder: createMeterInstruments(provider.getMeter('bench'), () => {}).recorder };
}

/** Replays the calls of record `i` on `recorder`. */
function replay(recorder, { calls, starts }, i) {
  for (let c = starts[i]; c < starts[i + 1]; c += 3) {
    const name = calls[c];
    if (name === null) recorder.duration(calls[c + 1], calls[c + 2]);
    else recorder.tokens(name, calls[c + 1], calls[c + 2]);
  }
}

try {
  if (variant === 'sdk-histograms' || variant === 'pino-best-histograms') {
    const captured = await captureHistogramCalls();
    const { provider, recorder } = await sdkRecorder();
    let logger;
    if (variant === 'pino-best-histograms') {
      const { default: pino } = await import('pino');
      logger = pino({ base: null, timestamp: false }, pino.destination({ dest: path.join(dir, 'pino.log'), sync: true, minLength: 4096 }));
    }
    const t0 = start();
    if (logger === undefined) for (let i = 0; i < records.length; i++) replay(recorder, captured, i);
    else {
      for (let i = 0; i < records.length; i++) {
        logger.info(records[i]);
        replay(recorder, captured, i);
      }
      logger.flush();
    }
    const seconds = since(t0);
    const cpu = cpuPerRecord();
    await provider.shutdown();
    await reportWithGc({ variant: named, seconds, recordsPerSec: records.length / seconds, cpuUsPerRecord: cpu, sdkCalls: captured.calls.length / 3 });
  } else if (variant === 'pino-sdk-spans') {
    // What a user glues together without us: a log line and a span per record, written the plain way.
    const { default: pino } = await import('pino');
    const { SpanKind, SpanStatusCode } = await import('@opentelemetry/api');
    spans = await startSpans();
    const tracer = spans.provider.getTracer('app');
    const logger = pino(pino.destination({ dest: path.join(dir, 'pino.log'), sync: true }));
    const hr = (ms) => [Math.floor(ms / 1000), Math.round((ms % 1000) * 1e6)];
    const t0 = start();
    for (let i = 0; i < records.length; i++) {
      const r = records[i];
      logger.info(r);
      const start = Date.parse(r.timestamp);
      const span = tracer.startSpan(`invoke_agent ${r.agent}`, {
        kind: SpanKind.INTERNAL,
        startTime: hr(start),
        attributes: {
          'gen_ai.operation.name': 'invoke_agent',
          'gen_ai.agent.name': r.agent,
          'gen_ai.provider.name': 'anthropic',
          'gen_ai.request.model': r.model,
          'gen_ai.usage.input_tokens': r.inputTokens,
          'gen_ai.usage.output_tokens': r.outputTokens,
          'gen_ai.usage.cache_read.input_tokens': r.cachedTokens,
          'invocation_metrics.invocation_id': r.invocationId,
          'invocation_metrics.phase': r.phase,
          'invocation_metrics.task_id': r.taskId,
          'invocation_metrics.attempt': r.attempt,
          'invocation_metrics.tier': r.tier,
          'invocation_metrics.cost': r.cost,
          'invocation_metrics.tokens': r.tokens,
          'invocation_metrics.exit_code': r.exitCode,
          'invocation_metrics.output_parsed': r.outputParsed,
        },
      });
      if (!r.success) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end(hr(start + r.durationMs));
      if ((i & 255) === 255) await new Promise(setImmediate);
    }
    logger.flush();
    await spans.provider.forceFlush();
    const seconds = since(t0);
    const cpu = cpuPerRecord();
    const droppedSpans = spans.dropped();
    await spans.stop();
    await reportWithGc({ variant: named, seconds, recordsPerSec: records.length / seconds, cpuUsPerRecord: cpu, droppedSpans });
  } else if (variant === 'pino-sync' || variant === 'pino-best') {
    const { default: pino } = await import('pino');
    const dest = path.join(dir, 'pino.log');
    const logger = variant === 'pino-sync'
      ? pino(pino.destination({ dest, sync: true }))
      : pino({ base: null, timestamp: false }, pino.destination({ dest, sync: true, minLength: 4096 }));
    const t0 = start();
    if (paced) {
      for (let i = 0; i < records.length; i++) {
        logger.info(records[i]);
        if ((i & 255) === 255) await new Promise(setImmediate);
      }
    } else for (const r of records) logger.info(r);
    logger.flush();
    const seconds = since(t0);
    await reportWithGc({ variant: named, seconds, recordsPerSec: records.length / seconds, cpuUsPerRecord: cpuPerRecord() });
  } else {
    const lib = await import('../../dist/index.js');
    let options;
    let stop = async () => {};
    if (variant === 'ours-meter') {
      const { MeterProvider } = await import('@opentelemetry/sdk-metrics');
      const { PrometheusExporter } = await import('@opentelemetry/exporter-prometheus');
      const exporter = new PrometheusExporter({ preventServerStart: true });
      const provider = new MeterProvider({ readers: [exporter] });
      options = { meter: provider.getMeter('bench') };
      stop = () => provider.shutdown();
    } else if (variant === 'ours-telemetry') {
      const telemetry = await (await import('../../dist/telemetry/index.js')).createTelemetry({ prometheus: { port: 0, host: '127.0.0.1' } });
      options = { telemetry };
      stop = () => telemetry.shutdown();
    } else if (variant === 'ours-spans') {
      spans = await startSpans();
      options = { tracer: spans.provider, provider: 'anthropic' };
      stop = () => spans.stop();
    } else if (variant === 'ours-tracing') {
      spans = await startSpans();
      process.env.OTEL_BSP_MAX_QUEUE_SIZE = String(n);
      const tracing = await (await import('../../dist/telemetry/index.js')).createTracing({ url: spans.url });
      options = { tracer: tracing.tracerProvider, provider: 'anthropic' };
      const { diag, DiagLogLevel } = await import('@opentelemetry/api');
      let dropped = 0;
      // Its batch processors report drops as the SDK's does, when the next span fits again.
      diag.setLogger({ warn: (m) => { const d = /Dropped (\d+) spans/.exec(String(m)); if (d) dropped += Number(d[1]); }, error() {}, info() {}, debug() {}, verbose() {} }, DiagLogLevel.WARN);
      spans = { ...spans, provider: tracing, dropped: () => dropped };
      stop = async () => {
        await tracing.shutdown();
        spans.kill();
      };
    } else if (variant !== 'ours-off') throw new Error(`unknown variant ${variant}`);
    const collector = new lib.InvocationMetricsCollector(dir, quiet, options);
    const yielding = paced || variant === 'ours-off' || variant === 'ours-spans' || variant === 'ours-tracing';
    const t0 = start();
    if (yielding) {
      for (let i = 0; i < records.length; i++) {
        void collector.record(records[i]);
        if ((i & 255) === 255) await new Promise(setImmediate);
      }
    } else for (const r of records) void collector.record(r);
    await collector.flush();
    if (spans !== undefined) await spans.provider.forceFlush();
    const seconds = since(t0);
    const cpu = cpuPerRecord();
    await collector.close();
    const extra = spans === undefined ? {} : { droppedSpans: spans.dropped() };
    await stop();
    await reportWithGc({ variant: named, seconds, recordsPerSec: records.length / seconds, cpuUsPerRecord: cpu, ...extra });
  }
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
