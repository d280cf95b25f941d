// record() throughput: 300k records through the collector (validate, JSONL log, memory, OTel mirror) vs
// pino logging the same objects to a synchronous destination (sonic-boom, sync: true).
//   node record.mjs <variant> <file> <records>
//   ours-meter:     the collector mirroring into a user's Meter (sdk-metrics MeterProvider + Prometheus reader)
//   ours-telemetry: the collector with createTelemetry() (Prometheus endpoint on 127.0.0.1, port 0)
//   pino-sync:      pino(pino.destination({ sync: true })), logger.info(record)
import { performance } from 'node:perf_hooks';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadRecords, report, since } from './common.mjs';

const [variant, file, n] = process.argv.slice(2);
const records = loadRecords(file, Number(n));
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'im-bench-record-'));
const quiet = { warn() {}, info() {}, error() {}, debug() {} };
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
    } else throw new Error(`unknown variant ${variant}`);
    const collector = new lib.InvocationMetricsCollector(dir, quiet, options);
    const t0 = performance.now();
    for (const r of records) void collector.record(r);
    await collector.flush();
    const seconds = since(t0);
    await collector.close();
    await stop();
    report({ variant, seconds, recordsPerSec: records.length / seconds });
  }
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
