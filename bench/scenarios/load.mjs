// The collector's loadFromDisk() of a log (what a restarted process, `watch` or `diff` do), timed in this
// process; with `aggregate`, then computeAggregate() over the loaded records.
//   node load.mjs <metricsDir holding invocations.jsonl> [load|aggregate]
import { performance } from 'node:perf_hooks';
import { report, since } from './common.mjs';

const [dir, variant = 'load'] = process.argv.slice(2);
const lib = await import('../../dist/index.js');
const t0 = performance.now();
const collector = new lib.InvocationMetricsCollector(dir, { warn() {} });
const { loaded, skipped } = await collector.loadFromDisk();
const loadS = since(t0);
const t1 = performance.now();
const total = variant === 'aggregate' ? collector.computeAggregate().totalInvocations : loaded;
const aggregateS = variant === 'aggregate' ? since(t1) : 0;
await collector.close();
report({ loaded, skipped, total, loadS, aggregateS, heapMB: process.memoryUsage().heapUsed / 1e6 });
