/**
 * Reading a JSONL log: streaming, constant memory per line (see the README, "Durability contract"). A bad line
 * never stops a load: it is skipped with one warning that names the file, the line and the reason.
 *
 * @module
 */
import fs from 'node:fs/promises';
import { constants, type BigIntStats } from 'node:fs';
import { InvalidOptionError, LogAccessError } from '../errors.js';
import { findMetricProblem, type InvocationMetric } from '../record.js';
import { DEFAULT_MAX_LINE_BYTES, LineSplitter } from './lines.js';

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

/** What one line of a log holds. */
export type ParsedLine = { kind: 'blank' } | { kind: 'record'; record: InvocationMetric } | { kind: 'invalid'; reason: string };

/** Large reads: the cost of a read call is spread over many lines. */
const CHUNK_BYTES = 1024 * 1024;
const TORN = 'torn last line (no trailing newline: the writer was likely cut off by a crash)';

/**
 * Parses one line of a log (without its newline). The only parsing path: the readers use it.
 *
 * @param text - The line.
 * @returns `blank` for a line of whitespace only, `record` for a valid record (unknown fields kept as
 *   parsed), `invalid` with the reason otherwise.
 */
export function parseLogLine(text: string): ParsedLine {
  if (text.trim() === '') return { kind: 'blank' };
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return { kind: 'invalid', reason: `malformed JSON (${(error as Error).message})` };
  }
  const problem = findMetricProblem(value);
  if (problem !== undefined) return { kind: 'invalid', reason: `invalid record: ${problem.message}` };
  return { kind: 'record', record: value as InvocationMetric };
}

/**
 * Streams the valid records of a log, in file order, reading it in 1 MiB chunks.
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
  const maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  if (!Number.isSafeInteger(maxLineBytes) || maxLineBytes < 1) {
    throw new InvalidOptionError('maxLineBytes', 'an integer >= 1', maxLineBytes);
  }
  let handle: fs.FileHandle;
  try {
    handle = await fs.open(file, 'r');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { skipped: 0 };
    throw error;
  }
  return yield* readOpen(handle, file, Infinity, maxLineBytes, options);
}

/** Reads the first `limit` bytes of an open log (all of it with `Infinity`), and closes it. */
async function* readOpen(
  handle: fs.FileHandle,
  file: string,
  limit: number,
  maxLineBytes: number,
  options: ReadLogOptions,
): AsyncGenerator<InvocationMetric, ReadLogSummary, undefined> {
  let skipped = 0;
  const ready: InvocationMetric[] = [];
  const skip = (line: number, reason: string): void => {
    skipped++;
    options.onWarning?.({ file, line, reason });
  };
  const splitter = new LineSplitter(maxLineBytes, {
    line(text, lineNo, terminated) {
      const parsed = parseLogLine(text);
      if (parsed.kind === 'record') ready.push(parsed.record);
      else if (parsed.kind === 'invalid') skip(lineNo, terminated ? parsed.reason : `${TORN}: ${parsed.reason}`);
    },
    overlong(bytes, lineNo, terminated) {
      const reason = `line of ${bytes} bytes is longer than maxLineBytes (${maxLineBytes})`;
      skip(lineNo, terminated ? reason : `${TORN}: ${reason}`);
    },
  });
  try {
    // One buffer for the whole file: the splitter copies what it keeps across chunks.
    const buf = Buffer.allocUnsafe(CHUNK_BYTES);
    for (let left = limit; left > 0; ) {
      const { bytesRead } = await handle.read(buf, 0, Math.min(buf.length, left), null);
      if (bytesRead === 0) break;
      left -= bytesRead;
      splitter.push(buf.subarray(0, bytesRead));
      yield* drain(ready);
    }
    splitter.end();
    yield* drain(ready);
  } finally {
    await handle.close();
  }
  return { skipped };
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
  return collect((onWarning) => readLog(file, { ...options, onWarning }), options);
}

async function collect(
  start: (onWarning: (w: LogWarning) => void) => AsyncGenerator<InvocationMetric, ReadLogSummary, undefined>,
  options: ReadLogOptions,
): Promise<LoadedLog> {
  const warnings: LogWarning[] = [];
  const records: InvocationMetric[] = [];
  const reader = start((w) => {
    warnings.push(w);
    options.onWarning?.(w);
  });
  for (let r = await reader.next(); ; r = await reader.next()) {
    if (r.done === true) return { records, skipped: r.value.skipped, warnings };
    records.push(r.value);
  }
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
 * @param options - See {@link ReadLogOptions}.
 * @returns Like {@link loadLog}.
 * @throws Rejects with {@link LogAccessError} when the path no longer names that file (rotated, replaced,
 *   truncated) or cannot be read, and like {@link readLog}.
 */
export async function loadLogPrefix(file: string, prefix: LogPrefix | undefined, options: ReadLogOptions = {}): Promise<LoadedLog> {
  const action = 'load the records written before this collector opened';
  const gone = (how: string): LogAccessError =>
    new LogAccessError(file, action, new Error(`the log was ${how} by another program since; those records are in the rotated file (read it with loadLog())`));
  if (prefix?.bytes === 0) return { records: [], skipped: 0, warnings: [] };
  if (prefix === undefined) throw gone('truncated');
  let handle: fs.FileHandle;
  try {
    // No link followed and no FIFO waited on: the identity check below refuses anything but the file itself.
    handle = await fs.open(file, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0) | (constants.O_NONBLOCK ?? 0));
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT' || code === 'ELOOP') throw gone(code === 'ENOENT' ? 'moved or deleted' : 'replaced');
    throw new LogAccessError(file, action, error);
  }
  let stats: BigIntStats;
  try {
    stats = await handle.stat({ bigint: true });
  } catch (error) {
    await handle.close();
    throw new LogAccessError(file, action, error);
  }
  if (stats.dev !== prefix.dev || stats.ino !== prefix.ino || stats.size < BigInt(prefix.bytes)) {
    await handle.close();
    throw gone(stats.dev !== prefix.dev || stats.ino !== prefix.ino ? 'replaced' : 'truncated');
  }
  const maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  return collect((onWarning) => readOpen(handle, file, prefix.bytes, maxLineBytes, { ...options, onWarning }), options);
}

function* drain(ready: InvocationMetric[]): Generator<InvocationMetric> {
  for (let i = 0; i < ready.length; i++) yield ready[i]!;
  ready.length = 0;
}
