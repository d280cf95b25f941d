/**
 * One task, start to end: scan a byte range into a fresh aggregator and return its state, line count and
 * warnings. What a worker thread runs; pure apart from reading the file.
 *
 * @module
 */
import { isMainThread } from 'node:worker_threads';
import { createAggregator, rowSinkOf, shardsOf, shardTransferList } from '../aggregate/aggregator.js';
import { LineScanner, type ScanTarget } from './line-scanner.js';
import type { AggregatorColumns } from '../aggregate/types.js';
import type { TaskMessage, TaskResult } from './protocol.js';
import { scanRange } from './read-range.js';

const scanners = new Map<number, LineScanner>();
/** This thread's read buffer, reused from task to task; taken while a task reads (a concurrent one makes its own). */
let spareBuffer: Buffer | undefined;
/** Column buffers of this thread's merged shards, handed back (see {@link addSpareColumns}); the next tasks take them. */
const spareColumns: AggregatorColumns[] = [];
/** Spare column sets kept: a worker has one task running and one queued; more would only hold memory. */
const MAX_SPARE_COLUMNS = 2;
/** Columns are reserved in multiples of this many rows. */
const ROWS_QUANTUM = 1024;

/**
 * Keeps a merged shard's column buffers for a later task of this thread: scanning into memory already
 * written saves the page faults of fresh memory (summarize of the 1M-record benchmark log: about 4,000
 * faults fewer of 69,000; on the 2-vCPU benchmark machine a fault costs about 10 us).
 *
 * @param columns - The shard's columns, transferred back.
 */
export function addSpareColumns(columns: AggregatorColumns): void {
  // The largest are kept: a worker's small first task gives columns too small for the others.
  spareColumns.push(columns);
  spareColumns.sort((a, b) => b.flags.buffer.byteLength - a.flags.buffer.byteLength);
  spareColumns.length = Math.min(spareColumns.length, MAX_SPARE_COLUMNS);
}

/**
 * Runs a task.
 *
 * @param message - The task and the scan options.
 * @returns The result and the buffers to transfer with it.
 */
export async function runTask(message: TaskMessage): Promise<{ result: TaskResult; transfer: ArrayBuffer[] }> {
  const { task, maxLineBytes, bucketMs, readBytes } = message;
  const aggregator = createAggregator({ bucketMs });
  const shards = shardsOf(aggregator)!;
  // Task ids are interned by the merging thread (only as far as result() needs): here they are appended.
  shards.deferTaskIds();
  // Size the columns and the task id table for the range: a record line is a few hundred bytes. Spare
  // columns large enough are used instead of fresh ones.
  if (Number.isFinite(task.bytes)) {
    // Rounded up, so that the tasks of a file (equal but for a byte) reserve equal columns and can reuse each other's.
    const rows = Math.ceil(task.bytes / 256 / ROWS_QUANTUM) * ROWS_QUANTUM;
    const at = spareColumns.findIndex((c) => c.flags.buffer.byteLength >= rows);
    if (at >= 0) shards.adoptColumns(spareColumns.splice(at, 1)[0]!);
    shards.reserve(rows, rows);
  }
  const warnings: [number, string][] = [];
  const target: ScanTarget = { kind: 'rows', sink: rowSinkOf(aggregator)!, add: (record) => aggregator.add(record) };
  const onWarning = (line: number, reason: string): void => void warnings.push([line, reason]);
  // One scanner per thread, reset for each task: a new one would make the engine optimize it again.
  let scanner = scanners.get(maxLineBytes);
  if (scanner === undefined) scanners.set(maxLineBytes, (scanner = new LineScanner({ maxLineBytes, target, onWarning })));
  else scanner.reset(target, onWarning);
  try {
    const buffer = spareBuffer?.length === readBytes ? spareBuffer : Buffer.allocUnsafe(readBytes);
    spareBuffer = undefined;
    try {
      // Blocking reads: in a worker, nothing else waits for this thread.
      await scanRange(task.path, task, scanner, { readBytes, buffer, sync: !isMainThread });
    } finally {
      spareBuffer = buffer;
    }
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    const result: TaskResult = { index: task.index, lines: scanner.lines, skipped: scanner.skipped, warnings, error: { message: e.message ?? String(error) } };
    if (typeof e.code === 'string') result.error!.code = e.code;
    return { result, transfer: [] };
  }
  // The aggregator's own buffers, not copies: it is dropped once they are transferred.
  const shard = shards.exportShard(true);
  return { result: { index: task.index, shard, lines: scanner.lines, skipped: scanner.skipped, warnings }, transfer: shardTransferList(shard) };
}
