/**
 * The options of the log writer ({@link LogWriterOptions}), their defaults and their checks.
 *
 * @module
 */
import { InvalidOptionError } from '../errors.js';
import type { Logger } from '../logger.js';
import type { LogFs } from './fs.js';
import type { ByteEncoder } from './pending.js';

/** Default of {@link LogWriterOptions.maxPendingBytes}: 64 MiB. */
export const DEFAULT_MAX_PENDING_BYTES = 64 * 1024 * 1024;

/** Options of `LogWriter.open` (src/log/writer.ts). */
export interface LogWriterOptions<S extends object = object> {
  /** Receives the warnings (a failing disk, a repaired tail, a reclaimed lock, a reopened log). */
  logger: Logger;
  /**
   * Fsync each batch before resolving its `append()` promises: the lines then survive a power loss, not
   * only a crash of the process. Costs one fsync per batch, not per line.
   *
   * A failed fsync is never simply retried: after one, Linux may have dropped the failed pages and report
   * the next fsync as a success ("fsyncgate"). The batch's bytes are cut off (`ftruncate` to where the
   * batch began; everything before was fsynced already) and the batch is written and fsynced again, with
   * backoff, until an fsync succeeds. Its promises resolve only then.
   * @default false
   */
  fsync?: boolean;
  /**
   * Delay before the first retry of a failed write, in milliseconds; each further retry doubles it.
   * @default 100
   */
  retryDelayMs?: number;
  /**
   * Longest delay between two retries, in milliseconds.
   * @default 5000
   */
  maxRetryDelayMs?: number;
  /**
   * Most bytes of lines held in memory waiting for the disk (queued and in flight; a line counts its
   * UTF-8 bytes + 1). Past it, an `append(line, source)` keeps only `source` and drops `line` (and an
   * `appendSource(source)` keeps the source without making its line); the line is made with `bytes`
   * or `encode` when its turn comes. Appends are never refused and never dropped. `Infinity` keeps every
   * line.
   * @default 67108864 (64 MiB)
   */
  maxPendingBytes?: number;
  /**
   * Makes the line of a source kept past `maxPendingBytes`. It must not throw (a throw is logged and the
   * entry dropped) and must give the line that `append` was given.
   * @default undefined (appends without a source keep their line)
   */
  encode?: (source: S) => string;
  /**
   * Writes the line of a source as UTF-8 straight into the queue's buffer, without a string: used by
   * {@link LogWriter.appendSource}, and for sources kept past `maxPendingBytes` that it does not decline.
   * It must write the bytes of the line that `encode` makes.
   * @default undefined (`appendSource` declines every source)
   */
  bytes?: ByteEncoder<S>;
  /**
   * Gives back, unchanged, the source of a row passed to {@link LogWriter.appendSource} (its index in the
   * caller's own store). With it, a source appended while a burst's lines already fill the writer's warm
   * chunks is kept as that index, and its line is made when its turn comes (see `PendingQueue.pushRow`).
   * @default undefined (no rows: every line is made when it is appended)
   */
  row?: (index: number) => S;
  /**
   * Shortest time between two checks that the path still names the open file (one `fstat` and one
   * `stat`, before a batch). When another tool moved or deleted the log (rotation), the writer opens a
   * fresh file at the path (taking the lock again if it went too) before writing the batch. `0` checks
   * before every batch; `Infinity` never checks.
   * @default 1000
   */
  rotationCheckMs?: number;
  /**
   * File-system calls to use once the file is open; missing ones come from `node:fs`.
   * @default nodeLogFs
   */
  fs?: Partial<LogFs>;
}

const isDuration = (v: unknown, min: number): v is number => typeof v === 'number' && !Number.isNaN(v) && v >= min;

/**
 * Checks the options of `LogWriter.open`.
 *
 * @param options - The options.
 * @throws `InvalidOptionError` naming the first bad option.
 */
export function checkOptions<S extends object>(options: LogWriterOptions<S>): void {
  if (typeof options?.logger?.warn !== 'function') {
    throw new InvalidOptionError('logger', 'an object with a `warn` method', options?.logger);
  }
  const { retryDelayMs = 100, maxRetryDelayMs = 5000, maxPendingBytes = DEFAULT_MAX_PENDING_BYTES, rotationCheckMs = 1000 } = options;
  if (typeof retryDelayMs !== 'number' || !Number.isFinite(retryDelayMs) || retryDelayMs <= 0) {
    throw new InvalidOptionError('retryDelayMs', 'a finite number > 0', retryDelayMs);
  }
  if (typeof maxRetryDelayMs !== 'number' || !Number.isFinite(maxRetryDelayMs) || maxRetryDelayMs < retryDelayMs) {
    throw new InvalidOptionError('maxRetryDelayMs', `a finite number >= retryDelayMs (${retryDelayMs})`, maxRetryDelayMs);
  }
  if (!isDuration(maxPendingBytes, 1)) throw new InvalidOptionError('maxPendingBytes', 'a number >= 1 (bytes) or Infinity', maxPendingBytes);
  if (!isDuration(rotationCheckMs, 0)) throw new InvalidOptionError('rotationCheckMs', 'a number >= 0 (milliseconds) or Infinity', rotationCheckMs);
  if (options.encode !== undefined && typeof options.encode !== 'function') {
    throw new InvalidOptionError('encode', 'a function from a source to its line', options.encode);
  }
  if (options.bytes !== undefined && (typeof options.bytes?.bound !== 'function' || typeof options.bytes.write !== 'function')) {
    throw new InvalidOptionError('bytes', 'an object with `bound(source)` and `write(source, buf, start)` methods', options.bytes);
  }
}
