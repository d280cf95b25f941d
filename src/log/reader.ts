/**
 * Reading a JSONL log: streaming, constant memory per line (see the README, "Durability contract"). A bad line
 * never stops a load: it is skipped with one warning that names the file, the line and the reason. Lines
 * are read by the one line reader (`src/scan/line-scanner.ts`) under the rules of `./lines.ts`: the same
 * records and warnings as the CLI's scan.
 *
 * @module
 */
import fs from 'node:fs/promises';
import { constants, existsSync, type BigIntStats } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { InvalidOptionError, LogAccessError } from '../errors.js';
import type { InvocationMetric } from '../record.js';
import type { RecordStore } from '../record-store.js';
import { LineScanner } from '../scan/line-scanner.js';
import { appendLoaded, loadInWorkers, type LoadedColumns } from '../scan/load-columns.js';
import type { WorkerSource } from '../scan/pool.js';
import { SCAN_WORKER_URL } from '../scan/prestart.js';
import { READ_BYTES, scanChunks } from '../scan/read-range.js';
import { DEFAULT_MAX_LINE_BYTES } from './lines.js';

export { parseLogLine, type ParsedLine } from './lines.js';

/** A skipped line. */
export interface LogWarning {
  /** The file, as given to the reader. */
  file: string;
  /** 1-based line number. */
  line: number;
  /** Why the line was skipped. */
  reason: string;
}

/** Options of {@link readLog} and {@link loadLog}. */
export interface ReadLogOptions {
  /**
   * Called once per skipped line. Without it, {@link readLog} skips silently ({@link loadLog} collects the
   * warnings either way).
   * @default undefined
   */
  onWarning?: (warning: LogWarning) => void;
  /**
   * Longest line read, in bytes (without the newline); a longer line is skipped with a warning that names
   * it, without being held in memory (it is counted as it streams by). The collector never writes a longer
   * line, so a log it wrote always loads whole with the default.
   * @default 1048576 (1 MiB)
   */
  maxLineBytes?: number;
}

/** What {@link readLog} returns when it is done (the `value` of its last `next()`). */
export interface ReadLogSummary {
  /** Lines skipped (malformed, invalid, torn or too long); blank lines are not counted. */
  skipped: number;
}

/** Result of {@link loadLog}. */
export interface LoadedLog {
  /** The valid records, in file order. */
  records: InvocationMetric[];
  /** Number of skipped lines. */
  skipped: number;
  /** One warning per skipped line, in file order. */
  warnings: LogWarning[];
}

/** Bytes per read: the cost of a read call is spread over thousands of lines. */
const CHUNK_BYTES = 1024 * 1024;

/**
 * Streams the valid records of a log, in file order, reading it in 1 MiB chunks (the records of a chunk
 * are yielded once its lines are read).
 *
 * A missing file yields nothing: a run that recorded nothing has no log, and that is not an error.
 *
 * @param file - The log file.
 * @param options - See {@link ReadLogOptions}.
 * @returns An async generator of records; its return value is a {@link ReadLogSummary}.
 * @throws Rejects with {@link InvalidOptionError} for a bad option, and with file-system errors other
 *   than ENOENT (EACCES, EISDIR...) as they are.
 * @example
 * ```ts
 * for await (const metric of readLog('metrics/invocations.jsonl', { onWarning: (w) => console.warn(w) })) add(metric);
 * ```
 */
export async function* readLog(file: string, options: ReadLogOptions = {}): AsyncGenerator<InvocationMetric, ReadLogSummary, undefined> {
  const maxLineBytes = checkMaxLineBytes(options.maxLineBytes);
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { skipped: 0 };
    throw error;
  }
  return yield* readOpen(handle, file, maxLineBytes, options);
}

/** Where the lines of an open log go. */
interface LineTarget {
  file: string;
  /** No byte at or after this offset is read. */
  limit: number;
  maxLineBytes: number;
  onRecord: (record: InvocationMetric) => void;
  onWarning: ((warning: LogWarning) => void) | undefined;
  /** Valid records counted, not built, at the start. */
  skip?: number;
}

/**
 * Scans an open log, yielding after each read's lines went to `target` (not closing it).
 *
 * @returns The number of skipped lines, as the generator's return value.
 */
async function* scanOpen(handle: fs.FileHandle, target: LineTarget): AsyncGenerator<void, number, undefined> {
  const { file, onWarning } = target;
  const scanner = new LineScanner({
    maxLineBytes: target.maxLineBytes,
    target: { kind: 'records', onRecord: target.onRecord, skip: target.skip ?? 0 },
    onWarning: onWarning === undefined ? () => {} : (line, reason) => onWarning({ file, line, reason }),
  });
  // Sequential reads (no position): a FIFO or a character device reads as well as a file.
  const read = async (buf: Buffer, offset: number, length: number): Promise<number> => (await handle.read(buf, offset, length, null)).bytesRead;
  yield* scanChunks(read, scanner, { buffer: Buffer.allocUnsafe(CHUNK_BYTES), limit: target.limit });
  return scanner.skipped;
}

/** Reads an open log, yielding its records as each read's lines are scanned, and closes it. */
async function* readOpen(handle: fs.FileHandle, file: string, maxLineBytes: number, options: ReadLogOptions): AsyncGenerator<InvocationMetric, ReadLogSummary, undefined> {
  const ready: InvocationMetric[] = [];
  try {
    const lines = scanOpen(handle, { file, limit: Infinity, maxLineBytes, onRecord: (r) => ready.push(r), onWarning: options.onWarning });
    for (let r = await lines.next(); ; r = await lines.next()) {
      yield* drain(ready);
      if (r.done === true) return { skipped: r.value };
    }
  } finally {
    await handle.close();
  }
}

/** Reads an open log into memory, without a yield per record, and closes it. */
async function loadOpen(handle: fs.FileHandle, target: Omit<LineTarget, 'onRecord' | 'onWarning'>, options: ReadLogOptions): Promise<LoadedLog> {
  const records: InvocationMetric[] = [];
  const warnings: LogWarning[] = [];
  const onWarning = (w: LogWarning): void => {
    warnings.push(w);
    options.onWarning?.(w);
  };
  try {
    const lines = scanOpen(handle, { ...target, onRecord: (r) => records.push(r), onWarning });
    let r = await lines.next();
    while (r.done !== true) r = await lines.next();
    return { records, skipped: r.value, warnings };
  } finally {
    await handle.close();
  }
}

/**
 * Loads every valid record of a log into memory, with the warnings of the skipped lines.
 *
 * A missing file loads as no records, no warnings: ENOENT is not an error for loading.
 *
 * @param file - The log file.
 * @param options - See {@link ReadLogOptions}; `onWarning` is called too, as the warnings come.
 * @returns The records, the number of skipped lines and their warnings.
 * @throws Rejects like {@link readLog}.
 */
export async function loadLog(file: string, options: ReadLogOptions = {}): Promise<LoadedLog> {
  const maxLineBytes = checkMaxLineBytes(options.maxLineBytes);
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { records: [], skipped: 0, warnings: [] };
    throw error;
  }
  return loadOpen(handle, { file, limit: Infinity, maxLineBytes }, options);
}

/** The file a log's writer opened and its size then (`LogWriter.priorContent`). */
export interface LogPrefix {
  /** Device of the file. */
  readonly dev: bigint;
  /** Inode of the file. */
  readonly ino: bigint;
  /** Bytes at its start to read. */
  readonly bytes: number;
}

/**
 * Loads the valid records of the first `prefix.bytes` bytes of a log, provided the path still names the file
 * `prefix` describes: what a collector's log held before the collector wrote to it.
 *
 * @param file - The log file.
 * @param prefix - Its file and the bytes to read; `undefined` when that content is known to be gone.
 * @param options - See {@link ReadLogOptions}; `skip`: the first `skip` valid records are counted (and
 *   checked) but neither built nor returned (a resume holds them already), default 0.
 * @returns Like {@link loadLog}, without the skipped-over valid records.
 * @throws Rejects with {@link LogAccessError} when the path no longer names that file (rotated, replaced,
 *   truncated) or cannot be read, and like {@link readLog}.
 */
export async function loadLogPrefix(file: string, prefix: LogPrefix | undefined, options: ReadLogOptions & { skip?: number } = {}): Promise<LoadedLog> {
  const handle = await openPrefix(file, prefix);
  if (handle === undefined) return { records: [], skipped: 0, warnings: [] };
  const maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  return loadOpen(handle, { file, limit: prefix!.bytes, maxLineBytes, skip: options.skip ?? 0 }, options).catch((error: unknown) => {
    throw new LogAccessError(file, LOAD_ACTION, error);
  });
}

const LOAD_ACTION = 'load the records written before this collector opened';

/**
 * Opens the file `prefix` describes at `file`, checking that the path still names it.
 *
 * @returns The open file; `undefined` when the prefix is empty.
 */
async function openPrefix(file: string, prefix: LogPrefix | undefined): Promise<fs.FileHandle | undefined> {
  const gone = (how: string): LogAccessError =>
    new LogAccessError(file, LOAD_ACTION, new Error(`the log was ${how} by another program since; those records are in the rotated file (read it with loadLog())`));
  if (prefix?.bytes === 0) return undefined;
  if (prefix === undefined) throw gone('truncated');
  let handle: fs.FileHandle;
  try {
    // No link followed and no FIFO waited on: the identity check below refuses anything but the file itself.
    handle = await fs.open(file, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ELOOP') throw gone(code === 'ENOENT' ? 'moved or deleted' : 'replaced');
    throw new LogAccessError(file, LOAD_ACTION, error);
  }
  let stats: BigIntStats;
  try {
    stats = await handle.stat({ bigint: true });
  } catch (error) {
    await handle.close();
    throw new LogAccessError(file, LOAD_ACTION, error);
  }
  if (stats.dev !== prefix.dev || stats.ino !== prefix.ino || stats.size < BigInt(prefix.bytes)) {
    await handle.close();
    throw gone(stats.dev !== prefix.dev || stats.ino !== prefix.ino ? 'replaced' : 'truncated');
  }
  return handle;
}

/** How {@link loadLogPrefixInto} reads a large prefix: worker threads (internal; the defaults are for users). */
export interface ParallelLoadOptions {
  /** Prefixes of at least this many bytes are read by worker threads. @default {@link LOAD_PARALLEL_MIN_BYTES} */
  parallelMinBytes?: number;
  /** Worker threads. @default os.availableParallelism() (1: read in this thread) */
  workers?: number;
  /** The worker script. @default the scan's `worker.js` (none, so this thread, when running from sources) */
  workerSource?: WorkerSource;
  /** Bytes per worker task. @default total / (8 * workers), within [4 MiB, 64 MiB] */
  taskBytes?: number;
  /** Bytes per read. @default 4 MiB */
  readBytes?: number;
}

/**
 * Prefixes from this size on are loaded by worker threads, smaller ones in the calling thread: 16 MiB
 * (about 48,000 of the writer's lines), where starting two workers costs less than the load saves (measured
 * on 2 cores, see BENCHMARKS.md).
 */
export const LOAD_PARALLEL_MIN_BYTES = 16 * 1024 * 1024;

/**
 * What {@link loadLogPrefixInto} did: the store holds `loaded` more records.
 */
export interface LoadedInto {
  /** Index in the store of the first loaded record. */
  from: number;
  loaded: number;
  skipped: number;
}

/**
 * {@link loadLogPrefix} into a collector's store: the records are appended to `store` once the whole prefix
 * is read (none if it fails), after the first `skip` valid ones, with the same warnings in line order. A
 * large prefix is read by worker threads straight into the store's columns (`src/scan/load-columns.ts`:
 * no record object for a line in the writer's form); a small one through {@link loadLogPrefix}.
 *
 * @param file - The log file.
 * @param prefix - As for {@link loadLogPrefix}.
 * @param store - Receives the records.
 * @param options - As for {@link loadLogPrefix}, and {@link ParallelLoadOptions}.
 * @returns The counts.
 * @throws Rejects like {@link loadLogPrefix}; with {@link LogAccessError} when a worker thread fails.
 */
export async function loadLogPrefixInto(
  file: string,
  prefix: LogPrefix | undefined,
  store: RecordStore,
  options: ReadLogOptions & { skip?: number } & ParallelLoadOptions = {},
): Promise<LoadedInto> {
  const workers = options.workers ?? os.availableParallelism();
  const source = options.workerSource ?? defaultWorkerSource();
  if (prefix === undefined || workers < 2 || source === undefined || prefix.bytes < (options.parallelMinBytes ?? LOAD_PARALLEL_MIN_BYTES)) {
    const { records, skipped } = await loadLogPrefix(file, prefix, options);
    const from = store.length;
    for (const r of records) store.push(r);
    return { from, loaded: records.length, skipped };
  }
  const handle = await openPrefix(file, prefix);
  if (handle === undefined) return { from: store.length, loaded: 0, skipped: 0 };
  let loaded: LoadedColumns;
  try {
    const taskBytes = options.taskBytes ?? Math.min(64 * MiB, Math.max(4 * MiB, Math.ceil(prefix.bytes / (8 * workers))));
    loaded = await loadInWorkers({
      file,
      fd: handle.fd,
      limit: prefix.bytes,
      maxLineBytes: options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES,
      skip: options.skip ?? 0,
      onWarning: options.onWarning ?? (() => {}),
      workers,
      source,
      taskBytes,
      readBytes: options.readBytes ?? READ_BYTES,
    });
  } catch (error) {
    throw new LogAccessError(file, LOAD_ACTION, error);
  } finally {
    await handle.close();
  }
  if (loaded.failed !== undefined) throw new LogAccessError(file, LOAD_ACTION, loaded.failed);
  const from = store.length;
  appendLoaded(store, loaded.pieces);
  return { from, loaded: loaded.loaded, skipped: loaded.skipped };
}

const MiB = 1024 * 1024;

function defaultWorkerSource(): WorkerSource | undefined {
  // Running from the TypeScript sources (tests) there is no worker.js: read in this thread.
  return existsSync(fileURLToPath(SCAN_WORKER_URL)) ? { url: SCAN_WORKER_URL } : undefined;
}

function checkMaxLineBytes(value: number | undefined): number {
  const maxLineBytes = value ?? DEFAULT_MAX_LINE_BYTES;
  if (!Number.isSafeInteger(maxLineBytes) || maxLineBytes < 1) throw new InvalidOptionError('maxLineBytes', 'an integer >= 1', maxLineBytes);
  return maxLineBytes;
}

function* drain(ready: InvocationMetric[]): Generator<InvocationMetric> {
  for (let i = 0; i < ready.length; i++) yield ready[i]!;
  ready.length = 0;
}
