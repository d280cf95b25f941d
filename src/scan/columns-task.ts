/**
 * One `loadFromDisk()` task in a worker thread: scan a byte range of the open log into the collector
 * store's columns (`columns.ts`) and hand them back with the range's line count and warnings.
 *
 * @module
 */
import { ColumnWriter } from './columns.js';
import { LineScanner, type ScanTarget } from './line-scanner.js';
import type { ColumnsMessage, ColumnsResult } from './protocol.js';
import { scanRange } from './read-range.js';

const scanners = new Map<number, LineScanner>();
/** This thread's read buffer, reused from task to task. */
let spareBuffer: Buffer | undefined;

/**
 * Runs a columns task.
 *
 * @param message - The task.
 * @returns The result and the buffers to transfer with it.
 */
export async function runColumnsTask(message: ColumnsMessage): Promise<{ result: ColumnsResult; transfer: ArrayBuffer[] }> {
  const { columns: task, maxLineBytes, readBytes } = message;
  // A record line of the writer is about 350 bytes: room for most rows at once (they grow past it).
  const writer = new ColumnWriter(Math.ceil(task.bytes / 320));
  const warnings: [number, string][] = [];
  const target: ScanTarget = { kind: 'columns', sink: writer };
  const onWarning = (line: number, reason: string): void => void warnings.push([line, reason]);
  // One scanner per thread, reset for each task (see run-task.ts).
  let scanner = scanners.get(maxLineBytes);
  if (scanner === undefined) scanners.set(maxLineBytes, (scanner = new LineScanner({ maxLineBytes, target, onWarning })));
  else scanner.reset(target, onWarning);
  const buffer = spareBuffer?.length === readBytes ? spareBuffer : Buffer.allocUnsafe(readBytes);
  spareBuffer = undefined;
  try {
    await scanRange('', { start: task.start, end: task.end }, scanner, { readBytes, buffer, fd: task.fd, limit: task.limit });
  } catch (error) {
    const e = error as NodeJS.ErrnoException;
    const result: ColumnsResult = { index: task.index, lines: scanner.lines, skipped: scanner.skipped, warnings, error: { message: e.message ?? String(error) } };
    if (typeof e.code === 'string') result.error!.code = e.code;
    return { result, transfer: [] };
  } finally {
    spareBuffer = buffer;
  }
  const { block, transfer } = writer.finish();
  return { result: { index: task.index, block, lines: scanner.lines, skipped: scanner.skipped, warnings }, transfer };
}
