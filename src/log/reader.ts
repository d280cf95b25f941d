/**
 * Reading a JSONL log: streaming, constant memory per line (see the README, "Durability contract"). A bad line
 * never stops a load: it is skipped with one warning that names the file, the line and the reason. Lines
 * are read by the one line reader (`src/scan/line-scanner.ts`) under the rules of `./lines.ts`: the same
 * records and warnings as the CLI's scan.
 *
 * @module
 */
import fs from 'node:fs/promises';
import { constants, type BigIntStats } from 'node:fs';
import { InvalidOptionError, LogAccessError } from '../errors.js';
import type { InvocationMetric } from '../record.js';
import { LineScanner } from '../scan/line-scanner.js';
import { scanChunks } from '../scan/read-range.js';
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

/** The action a failed load names. */
export const LOAD_ACTION = 'load the records written before this collector opened';

/**
 * Opens the file `prefix` describes at `file`, checking that the path still names it.
 *
 * @param file - The log file.
 * @param prefix - See {@link loadLogPrefix}.
 * @returns The open file; `undefined` when the prefix is empty.
 * @throws Rejects with {@link LogAccessError} as {@link loadLogPrefix} does.
 */
export async function openPrefix(file: string, prefix: LogPrefix | undefined): Promise<fs.FileHandle | undefined> {
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

function checkMaxLineBytes(value: number | undefined): number {
  const maxLineBytes = value ?? DEFAULT_MAX_LINE_BYTES;
  if (!Number.isSafeInteger(maxLineBytes) || maxLineBytes < 1) throw new InvalidOptionError('maxLineBytes', 'an integer >= 1', maxLineBytes);
  return maxLineBytes;
}

function* drain(ready: InvocationMetric[]): Generator<InvocationMetric> {
  for (let i = 0; i < ready.length; i++) yield ready[i]!;
  ready.length = 0;
}
