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
//   pino-sync:      pino(pino.destination({ sync: true })), logger.info(record)
// ours-off and ours-spans yield to the event loop every 256 records (setImmediate), so that the batch
// processor's timer can export while records come in, as it would in a live program.
import { performance } from 'node:perf_hooks';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadRecords, report, since } from './common.mjs';

const [variant, file, n] = process.argv.slice(2);
const records = loadRecords(file, Number(n));
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'im-bench-record-'));
const quiet = { warn() {}, info() {}, error() {}, debug() {} };
let spans;

/** The trace SDK as a user sets it up, exporting to a receiver in a child process. */
async function startSpans() {
  const { spawn } = await import('node:child_process');
  const receiver = spawn(process.execPath, ['-e', `
    const http = require('node:http');
    const server = http.createServer((req, res) => { req.resume(); req.on('end', () => { res.statusCode = 200; res.setHeader('content-type', 'application/x-protobuf'); res.end(); }); });
    server.listen(0, '127.0.0.1', () => process.stdout.write(server.address().port + '\\n'));
  `], { stdio: ['ignore', 'pipe', 'inherit'] });
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
  const processor = new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url: `http://127.0.0.1:${port}/v1/traces` }) });
  const provider = new TracerProvider({ spanProcessors: [processor] });
  return {
    provider,
    dropped: () => dropped + processor._droppedSpansCount,
    stop: async () => {
      await provider.shutdown();
      receiver.kill();
    },
  };
}
try {
  if (variant === 'pino-sync') {
    const { default: pino } = await import('pino');
    const logger = pino(pino.destination({ dest: path.join(dir, 'pino.log'), sync: true }));
    const t0 = performance.now();
    for (const r of records) logger.info(r);
    logger.flush();
    report({ variant, seconds: since(t0), recordsPerSec: records.length / since(t0) });
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
    } else if (variant !== 'ours-off') throw new Error(`unknown variant ${variant}`);
    const collector = new lib.InvocationMetricsCollector(dir, quiet, options);
    const yielding = variant === 'ours-off' || variant === 'ours-spans';
    const t0 = performance.now();
    if (yielding) {
      for (let i = 0; i < records.length; i++) {
        void collector.record(records[i]);
        if ((i & 255) === 255) await new Promise(setImmediate);
      }
    } else for (const r of records) void collector.record(r);
    await collector.flush();
    if (spans !== undefined) await spans.provider.forceFlush();
    const seconds = since(t0);
    await collector.close();
    const extra = spans === undefined ? {} : { droppedSpans: spans.dropped() };
    await stop();
    report({ variant, seconds, recordsPerSec: records.length / seconds, ...extra });
  }
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
