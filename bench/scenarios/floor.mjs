// The physical floor of `invocation-metrics summarize`: the same log read in the same worker and task
// layout as the CLI's scan (one worker thread per core, the tasks of src/scan/tasks.ts, blocking reads of
// 4 MiB into one reused buffer a worker), doing less with the bytes at each step:
//   read     the reads only (the bytes are not looked at)
//   split    the reads and a bare line split (`buf.indexOf(0x0a)` loop), counting lines
//   parse    the reads and the scan's byte parser (LineScanner, the fast path that knows the writer's key
//            order), its rows dropped: no column written, nothing merged, no aggregate
//   columns  the reads, the parser and each worker's own aggregator columns (what a scan task does),
//            without the transfer, the merge in the main thread and the aggregate's tail
//   node floor.mjs <file> <read|split|parse|columns>
// Prints one JSON line: lines seen, the scan phase's wall seconds and MB/s (from the first task sent to
// the last reply), and the peak RSS. The runner times the whole process as it times summarize.
import fs from 'node:fs';
import os from 'node:os';
import { performance } from 'node:perf_hooks';
import { Worker, isMainThread, parentPort, workerData } from 'node:worker_threads';
import { report } from './common.mjs';

const READ_BYTES = 4 * 1024 * 1024;
const dist = new URL('../../dist/', import.meta.url);

if (isMainThread) {
  const [file, mode = 'read'] = process.argv.slice(2);
  if (!['read', 'split', 'parse', 'columns'].includes(mode)) throw new Error(`unknown mode ${mode}: read, split, parse or columns`);
  const { planTasks } = await import(new URL('scan/tasks.js', dist).href);
  const size = fs.statSync(file).size;
  const workers = os.availableParallelism();
  // The CLI's plan (scan-logs.ts): total / (24 * workers) bytes a task, within [4 MiB, 64 MiB], and a small first task a worker.
  const MiB = 1024 * 1024;
  const taskBytes = Math.min(64 * MiB, Math.max(4 * MiB, Math.ceil(size / (24 * workers))));
  const tasks = planTasks([{ path: file, size }], taskBytes, { smallFirst: workers });
  let next = 0;
  let lines = 0;
  let t0 = 0;
  await new Promise((resolve, reject) => {
    let running = 0;
    const pool = Array.from({ length: workers }, () => new Worker(new URL(import.meta.url), { workerData: { mode } }));
    for (const worker of pool) {
      running++;
      worker.on('error', reject);
      worker.on('message', (reply) => {
        if (reply === 'ready') {
          if (t0 === 0) t0 = performance.now();
        } else lines += reply;
        if (next < tasks.length) worker.postMessage(tasks[next++]);
        else {
          void worker.terminate();
          if (--running === 0) resolve();
        }
      });
    }
  });
  const seconds = (performance.now() - t0) / 1000;
  report({ mode, lines, scanSeconds: seconds, MBps: size / 1e6 / seconds });
} else {
  const { mode } = workerData;
  const buf = Buffer.allocUnsafe(READ_BYTES);
  let scanner;
  let newTarget;
  if (mode === 'parse' || mode === 'columns') {
    const { LineScanner } = await import(new URL('scan/line-scanner.js', dist).href);
    const { createAggregator, rowSinkOf, shardsOf } = await import(new URL('aggregate/aggregator.js', dist).href);
    const none = () => 0;
    const dropped = { internAgent: none, taskIdOfBytes: none, internModel: none, internTier: none, internErrorClass: none, addRow() {} };
    newTarget = (task) => {
      if (mode === 'parse') return { kind: 'rows', sink: dropped, add() {} };
      // As run-task.ts: a fresh aggregator a task, task ids appended, columns sized for the range.
      const aggregator = createAggregator({ bucketMs: 60_000 });
      const shards = shardsOf(aggregator);
      shards.deferTaskIds();
      shards.reserve(Math.ceil(task.bytes / 256), Math.ceil(task.bytes / 256));
      return { kind: 'rows', sink: rowSinkOf(aggregator), add: (record) => aggregator.add(record) };
    };
    scanner = new LineScanner({ maxLineBytes: 1024 * 1024, target: newTarget({ bytes: 0 }), onWarning() {} });
  }
  /** Scans the lines of `buf[0, n)` that start before `stopAt`: the offset after the last one. */
  const consume = (n, eof, stopAt) => {
    if (mode === 'read') return n;
    if (mode === 'split') {
      let p = 0;
      let count = 0;
      for (let nl = buf.indexOf(0x0a, p); nl !== -1 && nl < n && p < stopAt; nl = buf.indexOf(0x0a, p)) {
        count++;
        p = nl + 1;
      }
      consume.lines += count;
      return p;
    }
    return scanner.scan(buf, 0, n, eof, stopAt);
  };
  consume.lines = 0;
  parentPort.on('message', (task) => {
    consume.lines = 0;
    if (scanner !== undefined) scanner.reset(newTarget(task), () => {});
    const fd = fs.openSync(task.path, 'r');
    // The first line start at or after the range's start, as read-range.ts finds it.
    let pos = task.start;
    if (pos > 0) {
      const n = fs.readSync(fd, buf, 0, 65536, pos - 1);
      pos = pos - 1 + buf.subarray(0, n).indexOf(0x0a) + 1;
    }
    let carry = 0;
    for (;;) {
      // No read goes further than the range's last line needs (its end, plus a line's length).
      const want = Math.min(READ_BYTES - carry, task.end - pos - carry + 65536);
      const n = want > 0 ? fs.readSync(fd, buf, carry, want, pos + carry) : 0;
      const available = carry + n;
      const used = consume(available, n === 0, task.end - pos);
      // Lines that start at or after the range's end belong to the next task.
      if (n === 0 || pos + used >= task.end) break;
      carry = available - used;
      buf.copyWithin(0, used, available);
      pos += used;
    }
    fs.closeSync(fd);
    parentPort.postMessage(scanner === undefined ? consume.lines : scanner.lines);
  });
  parentPort.postMessage('ready');
}
