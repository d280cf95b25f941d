// Memory per record held by the collector (getAll() keeps every record in memory), measured as the
// growth of the V8 heap after a full GC, what getAll() then costs (ms, and bytes per record of the array it
// returns while it is held), and per record of the aggregator's columns; or (variant `json`)
// the peer: the same records as JSON.parse objects held in an array; or (variant `loaded`) the same for
// records a collector loaded with loadFromDisk() (a log of 300k records is above the worker threshold: the
// store then holds the workers' columns, strings as bytes).
//   node --expose-gc memory.mjs <file> <records> [ours|json|loaded]
import fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import os from 'node:os';
import path from 'node:path';
import { report } from './common.mjs';

const [file, n, variant = 'ours'] = process.argv.slice(2);
const lines = fs.readFileSync(file, 'utf8').split('\n', Number(n));
const heap = () => {
  globalThis.gc();
  globalThis.gc();
  return process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
};
if (variant === 'json') {
  const before = heap();
  const held = [];
  for (const line of lines) held.push(JSON.parse(line));
  const after = heap();
  report({ records: held.length, jsonBytesPerRecord: (after - before) / lines.length });
  process.exit(0);
}
const lib = await import('../../dist/index.js');
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'im-bench-mem-'));
/** getAll()'s median time of 5 calls, and the heap its array takes while held (bytes per record). */
function getAllCost(collector) {
  const times = [];
  for (let k = 0; k < 5; k++) {
    const t0 = performance.now();
    collector.getAll();
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  const before = heap();
  const all = collector.getAll();
  const bytes = (heap() - before) / lines.length;
  if (all.length !== lines.length) throw new Error(`getAll() gave ${all.length} records, not ${lines.length}`);
  return { getAllMs: times[2], getAllBytesPerRecord: bytes };
}
if (variant === 'loaded') {
  try {
    // The log's first bytes as they are (a joined string of the lines would be garbage to collect).
    const bytes = fs.readFileSync(file);
    let end = 0;
    for (let k = 0; k < lines.length; k++) end = bytes.indexOf(10, end) + 1;
    fs.writeFileSync(path.join(dir, 'invocations.jsonl'), bytes.subarray(0, end));
    const collector = new lib.InvocationMetricsCollector(dir, { warn() {} });
    // The store holds the workers' buffers (transferred): counted in `external`, not in `arrayBuffers`.
    const all = () => {
      heap();
      return process.memoryUsage().heapUsed + process.memoryUsage().external;
    };
    const before = all();
    const { loaded } = await collector.loadFromDisk();
    const held = (all() - before) / lines.length;
    if (loaded !== lines.length) throw new Error(`loaded ${loaded} records, not ${lines.length}`);
    const cost = getAllCost(collector);
    await collector.close();
    report({ records: lines.length, loadedBytesPerRecord: held, ...cost });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  process.exit(0);
}
try {
  const collector = new lib.InvocationMetricsCollector(dir, { warn() {} });
  // Records arrive as fresh objects, as from an agent framework: parse each line just before recording it.
  const before = heap();
  for (const line of lines) void collector.record(JSON.parse(line));
  await collector.flush();
  const after = heap();
  const held = (after - before) / lines.length;
  const aggregatorBefore = heap();
  const aggregator = lib.createAggregator();
  for (const r of collector.getAll()) aggregator.add(r);
  const aggregatorBytes = (heap() - aggregatorBefore) / lines.length;
  // What getAll() costs: its time (median of 5 calls) and the heap its returned array and objects take
  // while the caller holds them (the collector makes the objects of compactly held records on each call).
  const cost = getAllCost(collector);
  await collector.close();
  report({ records: lines.length, collectorBytesPerRecord: held, ...cost, aggregatorBytesPerRecord: aggregatorBytes, count: aggregator.count });
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
