/**
 * One task, start to end: scan a byte range into a fresh aggregator and return its state, line count and
 * warnings. What a worker thread runs; pure apart from reading the file.
 *
 * @module
 */
import { isMainThread } from 'node:worker_threads';
import { createAggregator, rowSinkOf, shardsOf, shardTransferList } from '../aggregate/aggregator.js';
import { LineScanner, type ScanTarget } from './line-scanner.js';
import type { TaskMessage, TaskResult } from './protocol.js';
import { scanRange } from './read-range.js';

const scanners = new Map<number, LineScanner>();
/** This thread's read buffer, reused from task to task; taken while a task reads (a concurrent one makes its own). */
let spareBuffer: Buffer | undefined;

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
  // Size the columns and the task id table for the range: a record line is a few hundred bytes.
  if (Number.isFinite(task.bytes)) shards.reserve(Math.ceil(task.bytes / 256), Math.ceil(task.bytes / 256));
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
