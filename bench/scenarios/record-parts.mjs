// What one record() costs, part by part: each part of the record() path run alone over the same records,
// in one process, five times; CPU time (user + system, every thread) per record, the minimum and the median
// of the five. The parts are warm after the first run, so these are steady-state costs; record.mjs measures
// one cold burst, as the benchmark does (see BENCHMARKS.md, "record(): where the time goes").
//   node record-parts.mjs <file> <records> [part...]   (default: every part)
// Parts: copy (the stored copy + validation), line (the line's bytes into one reused 1 MiB buffer),
// line-fresh (the same into a fresh 1 MiB chunk per MiB, all held: what a burst does), store (the compact
// store's push, of a fresh copy), mirror-telemetry (the mirror's own work, no SDK), sdk (the SDK histogram
// calls of the user-Meter path alone: the mirror's values and attribute objects, captured first),
// mirror-meter (the mirror on a user's Meter: its own work + those SDK calls), pino-best, and the whole
// collector (collector: no mirror; collector-telemetry; collector-meter: record() of every record, then
// flush()), each three times in a row (fresh collector, fresh log).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { loadRecords } from './common.mjs';

const [file, n, ...only] = process.argv.slice(2);
const records = loadRecords(file, Number(n));
const N = records.length;
const D = '../../dist/';
const { copyRecord } = await import(D + 'stored-record.js');
const { findMetricProblem } = await import(D + 'record.js');
const { metricLineBound, writeMetricLine } = await import(D + 'serialize.js');
const { RecordStore } = await import(D + 'record-store.js');
const { createMirror } = await import(D + 'otel/mirror.js');
const { MetricStore } = await import(D + 'otel/store.js');
const { createMeterInstruments } = await import(D + 'otel/meter-path.js');
const { MeterProvider } = await import('@opentelemetry/sdk-metrics');
const { PrometheusExporter } = await import('@opentelemetry/exporter-prometheus');
const quiet = { warn() {}, info() {}, error() {}, debug() {} };
const on = (part) => only.length === 0 || only.includes(part);
const cpuNs = (c) => ((c.user + c.system) * 1000) / N;
const userMeter = () => new MeterProvider({ readers: [new PrometheusExporter({ preventServerStart: true })] });

/** Runs `f` five times; prints the min and median CPU ns per record. */
async function part(name, f) {
  const ns = [];
  for (let k = 0; k < 5; k++) {
    const c0 = process.cpuUsage();
    await f();
    ns.push(cpuNs(process.cpuUsage(c0)));
  }
  ns.sort((a, b) => a - b);
  console.log(JSON.stringify({ part: name, minNs: Math.round(ns[0]), medianNs: Math.round(ns[2]) }));
}

/** The line of every record into `next()`'s buffer, a newline after each. */
function lines(next) {
  let buf = next();
  let o = 0;
  for (const r of records) {
    const bound = metricLineBound(r);
    if (o + bound + 1 > buf.length) {
      buf = next();
      o = 0;
    }
    o = writeMetricLine(r, buf, o);
    buf[o++] = 0x0a;
  }
}

if (on('copy')) {
  await part('copy', () => {
    for (const r of records) {
      const c = copyRecord(r);
      if (findMetricProblem(c) !== undefined) throw new Error('invalid');
    }
  });
}
if (on('line')) {
  const one = Buffer.allocUnsafe(1 << 20);
  await part('line', () => lines(() => one));
}
if (on('line-fresh')) {
  await part('line-fresh', () => {
    const held = [];
    lines(() => {
      held.push(Buffer.allocUnsafe(1 << 20));
      return held.at(-1);
    });
  });
}
if (on('store')) {
  await part('store', () => {
    const store = new RecordStore();
    for (const r of records) store.push({ ...r });
  });
}
if (on('mirror-telemetry')) {
  await part('mirror-telemetry', () => {
    const mirror = createMirror({ telemetry: { addSource: () => () => {} }, logger: quiet });
    for (const r of records) mirror.record(r);
  });
}
if (on('sdk')) {
  const calls = [];
  const histograms = { duration: (v, a) => calls.push(null, v, a), tokens: (name, v, a) => calls.push(name, v, a) };
  const store = new MetricStore({ maxAttributeValues: 100, maxTrackedAttempts: 10_000, warn() {}, histograms });
  for (const r of records) store.record(r);
  await part('sdk', () => {
    const { recorder } = createMeterInstruments(userMeter().getMeter('bench'), () => {});
    for (let c = 0; c < calls.length; c += 3) {
      if (calls[c] === null) recorder.duration(calls[c + 1], calls[c + 2]);
      else recorder.tokens(calls[c], calls[c + 1], calls[c + 2]);
    }
  });
}
if (on('mirror-meter')) {
  await part('mirror-meter', () => {
    const mirror = createMirror({ meter: userMeter().getMeter('bench'), logger: quiet });
    for (const r of records) mirror.record(r);
  });
}
if (on('pino-best')) {
  const { default: pino } = await import('pino');
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'im-bench-parts-'));
  await part('pino-best', () => {
    const logger = pino({ base: null, timestamp: false }, pino.destination({ dest: path.join(dir, 'pino.log'), sync: true, minLength: 4096 }));
    for (const r of records) logger.info(r);
    logger.flush();
  });
  fs.rmSync(dir, { recursive: true, force: true });
}
const lib = await import(D + 'index.js');
for (const variant of ['collector', 'collector-telemetry', 'collector-meter']) {
  if (!on(variant)) continue;
  for (let k = 0; k < 3; k++) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'im-bench-parts-'));
    const options =
      variant === 'collector-meter' ? { meter: userMeter().getMeter('bench') } : variant === 'collector-telemetry' ? { telemetry: { addSource: () => () => {} } } : {};
    const collector = new lib.InvocationMetricsCollector(dir, quiet, options);
    const c0 = process.cpuUsage();
    for (const r of records) void collector.record(r);
    await collector.flush();
    const ns = cpuNs(process.cpuUsage(c0));
    await collector.close();
    fs.rmSync(dir, { recursive: true, force: true });
    console.log(JSON.stringify({ part: variant, run: k + 1, ns: Math.round(ns) }));
  }
}
