// The OTel mirror alone (no log): ours vs the obvious per-record SDK calls vs prom-client, same series.
//   node mirror.mjs <variant> <file> <records>
//   ours-meter:  the library's mirror on a user's Meter (observable counters, SDK histograms)
//   ours-telemetry: the library's mirror on createTelemetry() (pre-aggregated, no SDK call per record)
//   otel-naive:  SDK counters and histograms of the same names and attributes, add()/record() per value
//   prom-client: Counter and Histogram with the same names and labels, inc()/observe() per value (its default use)
//   prom-client-best: the same on the process's one registry reused (`client.register`; see peer-metrics.mjs)
// (see peer-metrics.mjs; the peers do not track previous attempts: escalations stay 0)
import { performance } from 'node:perf_hooks';
import { loadRecords, report, since } from './common.mjs';

const [variant, file, n] = process.argv.slice(2);
const records = loadRecords(file, Number(n));
import { otelNaive, promClient, promClientBest } from './peer-metrics.mjs';

let record;
let stop = async () => {};
if (variant === 'ours-meter' || variant === 'ours-telemetry') {
  const { createMirror } = await import('../../dist/otel/mirror.js');
  let options;
  if (variant === 'ours-meter') {
    const { MeterProvider } = await import('@opentelemetry/sdk-metrics');
    const { PrometheusExporter } = await import('@opentelemetry/exporter-prometheus');
    const provider = new MeterProvider({ readers: [new PrometheusExporter({ preventServerStart: true })] });
    options = { meter: provider.getMeter('bench') };
    stop = () => provider.shutdown();
  } else {
    const { createTelemetry } = await import('../../dist/telemetry/index.js');
    const telemetry = await createTelemetry({ prometheus: { port: 0, host: '127.0.0.1' } });
    options = { telemetry };
    stop = () => telemetry.shutdown();
  }
  const mirror = createMirror({ ...options, logger: { warn() {} } });
  record = (r) => mirror.record(r);
} else if (variant === 'otel-naive') {
  const { MeterProvider } = await import('@opentelemetry/sdk-metrics');
  const { PrometheusExporter } = await import('@opentelemetry/exporter-prometheus');
  const provider = new MeterProvider({ readers: [new PrometheusExporter({ preventServerStart: true })] });
  record = otelNaive(provider.getMeter('bench'));
  stop = () => provider.shutdown();
} else if (variant === 'prom-client') {
  const client = await import('prom-client');
  record = promClient(client, new client.Registry());
} else if (variant === 'prom-client-best') {
  const client = await import('prom-client');
  record = promClientBest(client);
} else throw new Error(`unknown variant ${variant}`);

const t0 = performance.now();
for (const r of records) record(r);
const seconds = since(t0);
await stop();
report({ variant, seconds, recordsPerSec: records.length / seconds });
