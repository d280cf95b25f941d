/**
 * `loadFromDisk()` of a large log: byte ranges of the open log are scanned by worker threads straight into
 * the collector store's columns (`columns.ts`, `columns-task.ts`), and the blocks come back (transferred, not
 * copied) in input order. This thread applies the skip of the first valid records in input order and parses
 * the few records that came as text, as each block arrives (while the workers read on); {@link appendLoaded}
 * then hands the blocks to the store in one synchronous pass (the store keeps their arrays), so that the
 * loaded records land after whatever the store received meanwhile, as a sequential load puts them.
 *
 * @module
 */
import type { LogWarning } from '../log/reader.js';
import type { InvocationMetric } from '../record.js';
import type { RecordStore } from '../record-store.js';
import type { ColumnBlock } from './columns.js';
import { runTasks, type WorkerSource } from './pool.js';
import type { ColumnsMessage, ColumnsResult } from './protocol.js';
import { planTasks } from './tasks.js';

/** Options of {@link loadInWorkers}. */
export interface LoadInWorkersOptions {
  /** The log's path, as warnings name it. */
  file: string;
  /** The log, open (read at positions by the workers; the caller closes it). */
  fd: number;
  /** Bytes of the log to read: none at or after this offset. */
  limit: number;
  maxLineBytes: number;
  /** Valid records counted (and checked), not kept, at the start. */
  skip: number;
  onWarning: (warning: LogWarning) => void;
  workers: number;
  source: WorkerSource;
  /** Bytes per task. */
  taskBytes: number;
  /** Bytes per read. */
  readBytes: number;
}

/** A block for {@link appendLoaded}: its rows from `first` on, with the records of its `F_OBJECT` rows. */
export interface LoadedPiece {
  block: ColumnBlock;
  first: number;
  objects: Map<number, InvocationMetric>;
}

/** What {@link loadInWorkers} read. */
export interface LoadedColumns {
  pieces: LoadedPiece[];
  /** Records in the pieces. */
  loaded: number;
  /** Lines skipped with a warning. */
  skipped: number;
  /** A read error that stopped the load (`code` as Node gives it). */
  failed?: NodeJS.ErrnoException;
}

/**
 * Reads `[0, limit)` of the open log in worker threads, into pieces for the store.
 *
 * @param options - See {@link LoadInWorkersOptions}.
 * @returns The pieces, counts, and the read error if one stopped the load.
 * @throws Rejects if a worker thread fails (a bug).
 */
export async function loadInWorkers(options: LoadInWorkersOptions): Promise<LoadedColumns> {
  const { file, fd, limit, maxLineBytes, readBytes } = options;
  const tasks = planTasks([{ path: file, size: limit }], options.taskBytes, { smallFirst: options.workers });
  const out: LoadedColumns = { pieces: [], loaded: 0, skipped: 0 };
  let toSkip = options.skip;
  let lineOffset = 0;
  const message = (task: (typeof tasks)[number]): ColumnsMessage => ({
    columns: { index: task.index, fd, start: task.start, end: task.end, limit, bytes: task.bytes },
    maxLineBytes,
    readBytes,
  });
  await runTasks<ColumnsResult>(tasks, { workers: options.workers, source: options.source, maxLineBytes, bucketMs: 0, readBytes, message }, (r) => {
    for (const [line, reason] of r.warnings) {
      out.skipped++;
      options.onWarning({ file, line: lineOffset + line, reason });
    }
    if (r.error !== undefined) {
      out.failed = Object.assign(new Error(r.error.message), r.error.code === undefined ? {} : { code: r.error.code });
      return false;
    }
    lineOffset += r.lines;
    toSkip = stage(r.block!, toSkip, out);
    return true;
  });
  return out;
}

/**
 * The piece of a block after the first `skip` of its records, its text records parsed.
 *
 * @returns The records still to skip after this block.
 */
function stage(block: ColumnBlock, skip: number, out: LoadedColumns): number {
  if (skip >= block.rows) return skip - block.rows;
  const objects = new Map<number, InvocationMetric>();
  block.textAt.forEach((row, t) => {
    if (row >= skip) objects.set(row, JSON.parse(block.texts[t]!) as InvocationMetric);
  });
  block.texts.length = 0; // parsed: the texts are not kept
  out.pieces.push({ block, first: skip, objects });
  out.loaded += block.rows - skip;
  return 0;
}

/**
 * Appends the pieces to the store, in order, in one synchronous pass.
 *
 * @param store - The collector's store.
 * @param pieces - From {@link loadInWorkers}.
 */
export function appendLoaded(store: RecordStore, pieces: readonly LoadedPiece[]): void {
  for (const { block, first, objects } of pieces) store.adopt(block, first, objects);
}
