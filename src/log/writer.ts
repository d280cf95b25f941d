/**
 * The log writer. This is the hot path: every record goes through {@link LogWriter.appendSource} (its line
 * written as bytes straight into the queue's off-heap chunks by the `bytes` encoder, no string) or
 * {@link LogWriter.append} (a line string, encoded into the chunks at once), so it does one queue push per
 * line, one promise per batch, and one `write` per 1 MiB chunk of the batch (one `write` for any batch up
 * to 1 MiB).
 *
 * The contract (see the README, "Durability contract"):
 * - Lines appended in the same tick go out together, in append order: in one `write` up to 1 MiB, else
 *   in one `write` per chunk of whole lines, back to back, with nothing between them (one writer per
 *   file), rather than joined by a copy of the whole batch. While a write is in flight,
 *   new lines gather into the next batch. A short write continues where it stopped; bytes already
 *   written are never written again, so no line is duplicated or torn by a retry.
 * - `append()` resolves once its batch is fully written (with `fsync: true`, also fsynced). A crash
 *   (SIGKILL) after that cannot lose the line; a power loss can, unless `fsync` is on.
 * - An I/O error never throws and never rejects `append()`: the batch stays in memory and is retried
 *   with backoff, with one warning per failure episode. `flush()` and `close()` reject with
 *   {@link LogWriteError} while that lasts, so that nothing is lost silently.
 * - Memory: past `maxPendingBytes` of waiting lines, an append keeps only its source (see
 *   {@link PendingQueue}); the line is made when its turn comes (by the `bytes` encoder, else `encode`).
 * - A failed fsync cuts the batch (whose bytes may or may not be on disk) and writes it again.
 * - A log moved or deleted by another tool (rotation) is noticed before a batch, and reopened at its path.
 *
 * @module
 */
import fs from 'node:fs';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { CollectorClosedError, InvocationMetricsError, LogAccessError } from '../errors.js';
import { log, type Logger } from '../logger.js';
import { acquireLock, type LockHandle } from './lock.js';
import { nodeLogFs, type LogFs } from './fs.js';
import { FailureEpisode } from './failure-episode.js';
import { checkLogIdentity } from './identity.js';
import { openLogForAppend, type OpenLog } from './open-log.js';
import type { LogPrefix } from './reader.js';
import { PendingQueue, type ByteEncoder, type Taken } from './pending.js';
import { checkOptions, DEFAULT_MAX_PENDING_BYTES, type LogWriterOptions } from './writer-options.js';

export { DEFAULT_MAX_PENDING_BYTES, type LogWriterOptions };


/**
 * Bytes of lines queued (appended in this tick, or waiting since) past which a source given with its row
 * is kept as the row. Up to it, lines go to the queue's chunks, which are warm while lines are written as
 * they come (a live program's records, a few a tick). Past it, a burst of lines in one tick (none can be
 * written before the tick ends) would fill fresh chunks, a page fault per 4 KiB of log (measured on the
 * 2-core VM of BENCHMARKS.md: `record()` of a 300k-record burst took 1.3-1.5x the CPU time it takes with
 * the lines past this kept as rows). Two chunks: what the queue keeps free.
 */
const ROW_AFTER_BYTES = 2 * 1024 * 1024;
const NO_PARTS: Buffer[] = [];
const NO_DONE: (() => void)[] = [];
const NOTHING_TAKEN: Taken = { parts: NO_PARTS, count: 0, done: NO_DONE, chunks: [] };

/**
 * The single writer of one JSONL log file: it holds the file's lock from {@link LogWriter.open} to
 * {@link LogWriter.close}.
 *
 * @typeParam S - What `append` may be given as the source of a line (a record).
 * @example
 * ```ts
 * const writer = LogWriter.open('metrics/invocations.jsonl', { logger: console });
 * await writer.append(JSON.stringify(metric));
 * await writer.close();
 * ```
 */
export class LogWriter<S extends object = object> {
  /** The log file. */
  readonly path: string;
  #fd: number;
  #lock: LockHandle;
  readonly #fs: LogFs;
  readonly #logger: Logger;
  readonly #fsync: boolean;
  readonly #maxPendingBytes: number;
  readonly #rotationCheckMs: number;
  readonly #queue: PendingQueue<S>;
  readonly #bytes: ByteEncoder<S> | undefined;
  readonly #rows: boolean;
  /**
   * The batch being written: its group resolvers, its bytes (the queue's views, written one after the
   * other: no copy into one buffer), the part and offset where writing goes on, and its line count.
   */
  #inflight: (() => void)[] | undefined;
  /** The take being written, handed back to the queue once written (its chunks are then reused). */
  #taken: Taken = NOTHING_TAKEN;
  #parts: Buffer[] = NO_PARTS;
  #part = 0;
  #off = 0;
  #batchBytes = 0;
  /** Bytes of the batch written so far; 0 before its first byte (and after a failed fsync cut it). */
  #written = 0;
  #inflightCount = 0;
  /** The file's size as this writer knows it (it is the only writer): where the next batch begins. */
  #size: number;
  /** Where the batch in flight began in the file: a failed fsync cuts the file back to it. */
  #batchStart = 0;
  #lastCheck: number;
  /** The descriptor is bad (EBADF) or names a moved file: open the path again before writing. */
  #reopen: 'bad-fd' | 'moved' | undefined;
  #scheduled = false;
  /** The current failure episode (none while writes succeed), its backoff and the flushes it rejects. */
  readonly #episode: FailureEpisode;
  #closing: Promise<void> | undefined;
  #closed = false;
  #prior: LogPrefix | undefined;

  private constructor(filePath: string, opened: OpenLog, lock: LockHandle, options: LogWriterOptions<S>) {
    this.path = filePath;
    this.#fd = opened.fd;
    this.#size = opened.size;
    this.#prior = { dev: opened.dev, ino: opened.ino, bytes: opened.size };
    this.#lock = lock;
    this.#fs = { ...nodeLogFs, ...options.fs };
    this.#logger = options.logger;
    this.#fsync = options.fsync ?? false;
    this.#episode = new FailureEpisode({ path: filePath, logger: this.#logger, pendingCount: () => this.pendingCount }, options.retryDelayMs ?? 100, options.maxRetryDelayMs ?? 5000);
    this.#maxPendingBytes = options.maxPendingBytes ?? DEFAULT_MAX_PENDING_BYTES;
    this.#rotationCheckMs = options.rotationCheckMs ?? 1000;
    this.#lastCheck = performance.now();
    const encode = options.encode;
    this.#bytes = options.bytes;
    this.#queue = new PendingQueue<S>((source) => {
      try {
        if (encode === undefined) throw new Error('no `encode` option to make the line of a source');
        return encode(source);
      } catch (error) {
        log(this.#logger, 'error', `${this.path}: a waiting record could not be serialized and is dropped: ${(error as Error)?.message ?? String(error)}`);
        return undefined;
      }
    }, options.bytes, options.row);
    this.#rows = options.row !== undefined;
  }

  /**
   * Opens a log for appending: creates its directory, takes its lock, opens the file in append mode (never
   * through a link: see `safe-open.ts`) and repairs a torn tail left by a crash. Synchronous, so that a
   * constructor can call it.
   *
   * @param filePath - The log file; created when missing.
   * @param options - See {@link LogWriterOptions}.
   * @returns The open writer.
   * @throws {@link LogLockedError} when another writer holds the log; {@link UnsafeLogFileError} when the
   *   log (or its `.torn`, or its lock) is a link or not a regular file, or not like a log;
   *   {@link LogAccessError} (`path`, `errno`, the Node error as `cause`) when the directory or a file cannot
   *   be created or opened (EACCES, EROFS, a directory path that is a file...); {@link InvalidOptionError} for
   *   a bad option. Nothing is left locked or open when it throws.
   */
  static open<S extends object = object>(filePath: string, options: LogWriterOptions<S>): LogWriter<S> {
    checkOptions(options);
    const dir = path.dirname(filePath);
    try {
      fs.mkdirSync(dir, { recursive: true });
    } catch (error) {
      throw new LogAccessError(dir, 'create the directory', error);
    }
    const lock = acquireLock(filePath, options.logger);
    let opened: OpenLog | undefined;
    try {
      opened = openLogForAppend(filePath, options.logger);
      return new LogWriter<S>(filePath, opened, lock, options);
    } catch (error) {
      if (opened !== undefined) fs.closeSync(opened.fd);
      lock.release();
      throw error instanceof InvocationMetricsError ? error : new LogAccessError(filePath, 'open the log', error);
    }
  }

  /**
   * The file this writer opened and its size then (after the torn-tail repair): the bytes the log held
   * before this writer's first line. `undefined` once another program truncated the log in place (that
   * content is no longer in it). A rotation keeps it: compare `dev`/`ino` with the file at the path.
   */
  get priorContent(): LogPrefix | undefined {
    return this.#prior;
  }

  /** Lines appended but not yet written (and fsynced, with `fsync`). */
  get pendingCount(): number {
    return this.#inflightCount + this.#queue.count;
  }

  /**
   * Bytes of lines held in memory waiting for the disk: what is left of the batch in flight plus the
   * queued lines (UTF-8 bytes + 1 each). At most `maxPendingBytes` plus one line; entries kept as
   * sources past the limit are not counted (they hold no line).
   */
  get pendingBytes(): number {
    return this.#queue.bytes + this.#batchBytes - this.#written;
  }

  /**
   * Queues one line.
   *
   * @param line - One JSON text without a newline (as `JSON.stringify` writes it); the writer adds `\n`.
   * @param source - What the line was made from. Past `maxPendingBytes` the writer keeps only this, and
   *   makes the line again with the `encode` option when its turn comes; it must not change meanwhile.
   * @returns A promise that resolves once the line is written (and fsynced, with `fsync`). It never
   *   rejects on an I/O error: it stays pending while the write is retried. Lines appended in the same
   *   tick share one promise.
   * @throws Rejects with {@link CollectorClosedError} once `close()` was called (unless that close failed).
   */
  append(line: string, source?: S): Promise<void> {
    if (this.#closing !== undefined || this.#closed) return Promise.reject(new CollectorClosedError(this.path));
    const keepLine = source === undefined || this.pendingBytes < this.#maxPendingBytes;
    const written = this.#queue.push(keepLine ? line : source);
    this.#schedule();
    return written;
  }

  /**
   * Queues the line of `source`, written by the `bytes` encoder straight into the queue's buffer (no line
   * string), or, past `maxPendingBytes`, keeps `source` alone until its turn comes. Either way the source
   * is accepted only when the encoder can write it (it gave a bound), so nothing fails later. With `row`
   * (and the `row` option), past 2 MiB of queued lines the source is kept as its row instead, its line made
   * when its turn comes: a long burst in one tick then fills no fresh memory.
   *
   * @param source - What the line is made from; it must not change until the line is written.
   * @param row - Its index in the caller's store, from which the `row` option gives it back unchanged.
   * @param bound - What the `bytes` encoder's `bound(source)` gives, when the caller asked it already.
   * @default row undefined (the line is made now, or the source kept past `maxPendingBytes`)
   * @default bound asked of the `bytes` encoder (`-1` without one)
   * @returns The promise of {@link LogWriter.append}, or `undefined` when there is no `bytes` encoder or it
   *   declines the source: nothing was queued, call `append(line, source)`.
   * @throws Rejects with {@link CollectorClosedError} once `close()` was called (unless that close failed).
   */
  appendSource(source: S, row?: number, bound = this.#bytes === undefined ? -1 : this.#bytes.bound(source)): Promise<void> | undefined {
    if (this.#closing !== undefined || this.#closed) return Promise.reject(new CollectorClosedError(this.path));
    if (bound < 0 || this.#bytes === undefined) return undefined;
    const queue = this.#queue;
    let written: Promise<void>;
    if (row !== undefined && this.#rows && (queue.bytes >= ROW_AFTER_BYTES || this.pendingBytes >= this.#maxPendingBytes)) written = queue.pushRow(row);
    else written = this.pendingBytes < this.#maxPendingBytes ? queue.pushBytes(source, bound) : queue.push(source);
    this.#schedule();
    return written;
  }

  #schedule(): void {
    if (this.#inflight === undefined && !this.#scheduled) {
      this.#scheduled = true;
      setImmediate(this.#start);
    }
  }

  /**
   * Waits until every line appended before the call is written.
   *
   * @returns Resolves when they are written; at once when nothing is pending.
   * @throws Rejects with {@link LogWriteError} (`pendingRecords`, `cause`) when the writer is failing at
   *   the call or a write fails while it waits. Writing goes on in the background: a later `flush()`
   *   resolves once the writer has caught up.
   */
  flush(): Promise<void> {
    const failing = this.#episode.error();
    if (failing !== undefined) return Promise.reject(failing);
    const last = this.#queue.last;
    if (this.pendingCount === 0 || last === undefined) return Promise.resolve();
    return new Promise((resolve, reject) => {
      const stillWaiting = this.#episode.wait(reject);
      void last.then(() => {
        if (stillWaiting()) resolve();
      });
    });
  }

  /**
   * Flushes, closes the file and releases the lock. From the call on, `append()` rejects.
   *
   * @returns Resolves once closed; idempotent (a closed writer resolves at once).
   * @throws Rejects with the {@link LogWriteError} of the flush when lines cannot be written: the writer
   *   then stays open and keeps retrying, `append()` works again, and a later `close()` can succeed.
   */
  close(): Promise<void> {
    if (this.#closed) return Promise.resolve();
    this.#closing ??= this.flush().then(
      () =>
        new Promise<void>((resolve) => {
          try {
            this.#fs.close(this.#fd, (err) => this.#afterClose(err, resolve));
          } catch (error) {
            this.#afterClose(error as NodeJS.ErrnoException, resolve);
          }
        }),
      (error: unknown) => {
        this.#closing = undefined;
        throw error;
      },
    );
    return this.#closing;
  }

  #afterClose(err: NodeJS.ErrnoException | null, resolve: () => void): void {
    // Every line is written by now; a close error (a deferred NFS error, say) cannot be retried on a
    // closed descriptor, so it is reported rather than kept as a writer that can never close.
    if (err !== null) log(this.#logger, 'error', `${this.path}: closing the log failed after all lines were written: ${err.message}`);
    this.#closed = true;
    this.#lock.release();
    resolve();
  }

  readonly #start = (): void => {
    this.#scheduled = false;
    if (this.#inflight !== undefined || this.#queue.count === 0) return;
    const taken = this.#queue.take(this.#maxPendingBytes);
    const { parts, count, done } = taken;
    if (count === 0) {
      // Every entry was dropped (logged by `encode`): nothing to write, but their promises must not hang.
      for (const resolve of done) resolve();
      return;
    }
    this.#inflight = done;
    this.#inflightCount = count;
    this.#taken = taken;
    this.#parts = parts;
    this.#part = 0;
    this.#off = 0;
    this.#written = 0;
    let bytes = 0;
    for (const part of parts) bytes += part.length;
    this.#batchBytes = bytes;
    this.#resume();
  };

  /** Writes the rest of the batch; before its first byte, makes sure that the path still names our file. */
  readonly #resume = (): void => {
    if (this.#reopen !== undefined && !this.#reopenFile()) return;
    if (this.#written === 0 && performance.now() - this.#lastCheck >= this.#rotationCheckMs) return this.#checkIdentity();
    this.#write();
  };

  readonly #write = (): void => {
    if (this.#written === 0) this.#batchStart = this.#size;
    const buf = this.#parts[this.#part]!;
    try {
      this.#fs.write(this.#fd, buf, this.#off, buf.length - this.#off, null, this.#onWrite);
    } catch (error) {
      this.#writeFailed(error);
    }
  };

  readonly #onWrite = (err: NodeJS.ErrnoException | null, written: number): void => {
    if (err !== null) return this.#writeFailed(err);
    // A write of 0 bytes makes no progress; looping on it at once would spin.
    if (!(written > 0)) return this.#fail(new Error(`write wrote ${written} bytes`), this.#resume);
    this.#off += written;
    this.#written += written;
    this.#size += written;
    if (this.#off >= this.#parts[this.#part]!.length) {
      this.#part++;
      this.#off = 0;
    }
    if (this.#part < this.#parts.length) return this.#write();
    if (this.#fsync) return this.#sync();
    this.#done();
  };

  #writeFailed(error: unknown): void {
    // EBADF: the descriptor was closed under us (by code that closes descriptors it does not own). Retrying
    // on it can never succeed; and it must not be closed again, its number may belong to another file now.
    if ((error as NodeJS.ErrnoException)?.code === 'EBADF') this.#reopen = 'bad-fd';
    this.#fail(error, this.#resume);
  }

  readonly #sync = (): void => {
    try {
      this.#fs.fsync(this.#fd, (err) => (err === null ? this.#done() : this.#syncFailed(err)));
    } catch (error) {
      this.#syncFailed(error);
    }
  };

  #syncFailed(error: unknown): void {
    if ((error as NodeJS.ErrnoException)?.code === 'EBADF') this.#reopen = 'bad-fd';
    this.#fail(error, this.#rewrite, 'fsync');
  }

  /**
   * After a failed fsync: cuts the batch off the file and writes it again. Retrying the fsync alone is not
   * safe: Linux may have dropped the pages that failed and report the next fsync as a success. Cutting
   * first means a crash in between loses only unacknowledged lines and never duplicates one.
   */
  readonly #rewrite = (): void => {
    if (this.#reopen !== undefined && !this.#reopenFile()) return;
    try {
      this.#fs.fstat(this.#fd, (err, stats) => {
        if (err !== null) return this.#fail(err, this.#rewrite, 'fsync');
        // Never past the real end: cutting must not extend the file with zeros.
        this.#truncate(Math.min(this.#batchStart, Number(stats.size)));
      });
    } catch (error) {
      this.#fail(error, this.#rewrite, 'fsync');
    }
  };

  #truncate(length: number): void {
    try {
      this.#fs.ftruncate(this.#fd, length, (err) => {
        if (err !== null) return this.#fail(err, this.#rewrite, 'fsync');
        this.#size = length;
        this.#part = 0;
        this.#off = 0;
        this.#written = 0;
        this.#resume();
      });
    } catch (error) {
      this.#fail(error, this.#rewrite, 'fsync');
    }
  }

  #checkIdentity(): void {
    this.#lastCheck = performance.now();
    checkLogIdentity(this.#fs, this.#fd, this.path, this.#size, (found) => {
      if (found.badFd !== undefined) return this.#writeFailed(found.badFd);
      if (found.truncated === true) {
        this.#prior = undefined;
        log(this.#logger, 'warn', `${this.path}: the log was truncated by another program (copytruncate rotation?); appending after what is left`);
      }
      if (found.size !== undefined) this.#size = found.size;
      if (found.rotated === undefined) return this.#write();
      log(this.#logger, 'warn', `${this.path}: the log was ${found.rotated} by another program (log rotation?); opening a fresh file at its path`);
      this.#reopen = 'moved';
      this.#resume();
    });
  }

  /**
   * Opens the path again (after a rotation, or EBADF), taking the lock again if it is no longer ours.
   *
   * @returns Whether the file is open; when not, the failure is handled (logged, retried with backoff).
   */
  #reopenFile(): boolean {
    try {
      if (!this.#lock.isHeld()) this.#lock = acquireLock(this.path, this.#logger);
      // A batch cut in the middle continues in the same file: its start must not be mistaken for a torn tail.
      const opened = openLogForAppend(this.path, this.#logger, this.#written === 0);
      this.#size = opened.size;
      const old = this.#fd;
      const why = this.#reopen;
      this.#fd = opened.fd;
      this.#reopen = undefined;
      this.#lastCheck = performance.now();
      if (why === 'moved') this.#fs.close(old, () => undefined);
      log(this.#logger, 'info', `${this.path}: reopened the log`);
      return true;
    } catch (error) {
      this.#fail(error, this.#resume);
      return false;
    }
  }

  #done(): void {
    const done = this.#inflight ?? NO_DONE;
    // Every part taken is written: the queue reuses the chunks none of whose lines waits any more (see
    // `PendingQueue.written`).
    this.#queue.written(this.#taken);
    this.#taken = NOTHING_TAKEN;
    this.#inflight = undefined;
    this.#inflightCount = 0;
    this.#parts = NO_PARTS;
    this.#part = 0;
    this.#off = 0;
    this.#batchBytes = 0;
    this.#written = 0;
    this.#episode.succeeded();
    for (const resolve of done) resolve();
    if (this.#queue.count > 0) this.#start();
  }

  #fail(error: unknown, retry: () => void, call = 'write'): void {
    this.#episode.fail(error, retry, call);
  }
}
