/**
 * The log writer. This is the hot path: every record goes through {@link LogWriter.append}, so it does one
 * array push per line, one promise and one Buffer per batch, and one `write` per batch.
 *
 * The contract (see `shared/DESIGN.md`, "The log"):
 * - Lines appended in the same tick go out in one `write`, in append order. While a write is in flight,
 *   new lines gather into the next batch. A short write continues where it stopped; bytes already
 *   written are never written again, so no line is duplicated or torn by a retry.
 * - `append()` resolves once its batch is fully written (with `fsync: true`, also fsynced). A crash
 *   (SIGKILL) after that cannot lose the line; a power loss can, unless `fsync` is on.
 * - An I/O error never throws and never rejects `append()`: the batch stays in memory and is retried
 *   with backoff, with one warning per failure episode. `flush()` and `close()` reject with
 *   {@link LogWriteError} while that lasts, so that nothing is lost silently.
 *
 * @module
 */
import fs from 'node:fs';
import path from 'node:path';
import { CollectorClosedError, InvalidOptionError, LogWriteError } from '../errors.js';
import { log, type Logger } from '../logger.js';
import { acquireLock, type LockHandle } from './lock.js';
import { nodeLogFs, type LogFs } from './fs.js';
import { repairTornTail } from './repair.js';

/** Options of {@link LogWriter.open}. */
export interface LogWriterOptions {
  /** Receives the warnings (a failing disk, a repaired tail, a reclaimed lock). */
  logger: Logger;
  /**
   * Fsync each batch before resolving its `append()` promises: the lines then survive a power loss, not
   * only a crash of the process. Costs one fsync per batch, not per line.
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
   * File-system calls to use once the file is open; missing ones come from `node:fs`.
   * @default nodeLogFs
   */
  fs?: Partial<LogFs>;
}

interface Batch {
  readonly seq: number;
  readonly lines: string[];
  readonly promise: Promise<void>;
  readonly resolve: () => void;
}

interface FlushWaiter {
  readonly seq: number;
  readonly resolve: () => void;
  readonly reject: (error: LogWriteError) => void;
}

const EMPTY = Buffer.alloc(0);

/**
 * The single writer of one JSONL log file: it holds the file's lock from {@link LogWriter.open} to
 * {@link LogWriter.close}.
 *
 * @example
 * ```ts
 * const writer = LogWriter.open('metrics/invocations.jsonl', { logger: console });
 * await writer.append(JSON.stringify(metric));
 * await writer.close();
 * ```
 */
export class LogWriter {
  /** The log file. */
  readonly path: string;
  readonly #fd: number;
  readonly #lock: LockHandle;
  readonly #fs: LogFs;
  readonly #logger: Logger;
  readonly #fsync: boolean;
  readonly #retryDelayMs: number;
  readonly #maxRetryDelayMs: number;
  #delayMs: number;
  #seq = 0;
  /** The batch that gathers new lines. */
  #next: Batch | undefined;
  /** The batch being written, its bytes, how many are written, and its line count. */
  #inflight: Batch | undefined;
  #buf: Buffer = EMPTY;
  #off = 0;
  #inflightCount = 0;
  #scheduled = false;
  #flushWaiters: FlushWaiter[] = [];
  /** The error of the current failure episode; `undefined` while writes succeed. */
  #failure: unknown;
  #closing: Promise<void> | undefined;
  #closed = false;

  private constructor(filePath: string, fd: number, lock: LockHandle, options: LogWriterOptions) {
    this.path = filePath;
    this.#fd = fd;
    this.#lock = lock;
    this.#fs = { ...nodeLogFs, ...options.fs };
    this.#logger = options.logger;
    this.#fsync = options.fsync ?? false;
    this.#retryDelayMs = options.retryDelayMs ?? 100;
    this.#maxRetryDelayMs = options.maxRetryDelayMs ?? 5000;
    this.#delayMs = this.#retryDelayMs;
  }

  /**
   * Opens a log for appending: creates its directory, takes its lock, repairs a torn tail left by a crash,
   * and opens the file in append mode. Synchronous, so that a constructor can call it.
   *
   * @param filePath - The log file; created when missing.
   * @param options - See {@link LogWriterOptions}.
   * @returns The open writer.
   * @throws {@link LogLockedError} when another writer holds the log; {@link InvalidOptionError} for a bad
   *   option; file-system errors (EACCES, ...) as they are. Nothing is left locked when it throws.
   */
  static open(filePath: string, options: LogWriterOptions): LogWriter {
    checkOptions(options);
    fs.mkdirSync(path.dirname(filePath), { recursive: true });
    const lock = acquireLock(filePath, options.logger);
    try {
      repairTornTail(filePath, options.logger);
      return new LogWriter(filePath, fs.openSync(filePath, 'a'), lock, options);
    } catch (error) {
      lock.release();
      throw error;
    }
  }

  /** Lines appended but not yet written (and fsynced, with `fsync`). */
  get pendingCount(): number {
    return this.#inflightCount + (this.#next?.lines.length ?? 0);
  }

  /**
   * Queues one line.
   *
   * @param line - One JSON text without a newline (as `JSON.stringify` writes it); the writer adds `\n`.
   * @returns A promise that resolves once the line is written (and fsynced, with `fsync`). It never
   *   rejects on an I/O error: it stays pending while the write is retried. Lines appended in the same
   *   tick share one promise.
   * @throws Rejects with {@link CollectorClosedError} once `close()` was called (unless that close failed).
   */
  append(line: string): Promise<void> {
    if (this.#closing !== undefined || this.#closed) return Promise.reject(new CollectorClosedError(this.path));
    let batch = this.#next;
    if (batch === undefined) {
      batch = this.#next = newBatch(++this.#seq);
      if (this.#inflight === undefined && !this.#scheduled) {
        this.#scheduled = true;
        setImmediate(this.#start);
      }
    }
    batch.lines.push(line);
    return batch.promise;
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
    if (this.#failure !== undefined) return Promise.reject(this.#writeError(this.#failure));
    const seq = this.#next?.seq ?? this.#inflight?.seq;
    if (seq === undefined) return Promise.resolve();
    return new Promise((resolve, reject) => this.#flushWaiters.push({ seq, resolve, reject }));
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
    const batch = this.#next;
    if (batch === undefined || this.#inflight !== undefined) return;
    this.#next = undefined;
    this.#inflight = batch;
    this.#inflightCount = batch.lines.length;
    this.#buf = encode(batch.lines);
    batch.lines.length = 0; // the bytes are in the buffer; let the strings go while the write runs
    this.#off = 0;
    this.#write();
  };

  readonly #write = (): void => {
    try {
      this.#fs.write(this.#fd, this.#buf, this.#off, this.#buf.length - this.#off, null, this.#onWrite);
    } catch (error) {
      this.#fail(error, this.#write);
    }
  };

  readonly #onWrite = (err: NodeJS.ErrnoException | null, written: number): void => {
    if (err !== null) return this.#fail(err, this.#write);
    // A write of 0 bytes makes no progress; looping on it at once would spin.
    if (!(written > 0)) return this.#fail(new Error(`write wrote ${written} bytes`), this.#write);
    this.#off += written;
    if (this.#off < this.#buf.length) return this.#write();
    if (this.#fsync) return this.#sync();
    this.#done();
  };

  // A failed fsync is retried, never the write: rewriting could duplicate lines. On Linux a retried fsync
  // can succeed although the kernel dropped the pages that failed, so `fsync: true` narrows, but cannot
  // close, the window of a disk that fails under us.
  readonly #sync = (): void => {
    try {
      this.#fs.fsync(this.#fd, (err) => (err === null ? this.#done() : this.#fail(err, this.#sync)));
    } catch (error) {
      this.#fail(error, this.#sync);
    }
  };

  #done(): void {
    const batch = this.#inflight!;
    this.#inflight = undefined;
    this.#inflightCount = 0;
    this.#buf = EMPTY;
    if (this.#failure !== undefined) {
      this.#failure = undefined;
      log(this.#logger, 'info', `${this.path}: the log is writable again`);
    }
    this.#delayMs = this.#retryDelayMs;
    batch.resolve();
    if (this.#flushWaiters.length > 0) {
      const waiters = this.#flushWaiters;
      this.#flushWaiters = waiters.filter((w) => w.seq > batch.seq);
      for (const w of waiters) if (w.seq <= batch.seq) w.resolve();
    }
    if (this.#next !== undefined) this.#start();
  }

  #fail(error: unknown, retry: () => void): void {
    if (this.#failure === undefined) {
      const reason = error instanceof Error ? error.message : String(error);
      log(
        this.#logger,
        'warn',
        `${this.path}: cannot write the log (${reason}); ${this.pendingCount} record(s) wait in memory, retrying every ${this.#delayMs} to ${this.#maxRetryDelayMs} ms`,
      );
    }
    this.#failure = error;
    if (this.#flushWaiters.length > 0) {
      const waiters = this.#flushWaiters;
      this.#flushWaiters = [];
      for (const w of waiters) w.reject(this.#writeError(error));
    }
    // Not unref'd: a process must not exit quietly with records that were never written.
    setTimeout(retry, this.#delayMs);
    this.#delayMs = Math.min(this.#delayMs * 2, this.#maxRetryDelayMs);
  }

  #writeError(cause: unknown): LogWriteError {
    return new LogWriteError(this.path, this.pendingCount, cause);
  }
}

/** The batch's bytes, encoded straight into one buffer: no joined string of the whole batch in between. */
function encode(lines: readonly string[]): Buffer {
  let total = lines.length;
  for (let i = 0; i < lines.length; i++) total += Buffer.byteLength(lines[i]!, 'utf8');
  const buf = Buffer.allocUnsafe(total);
  let off = 0;
  for (let i = 0; i < lines.length; i++) {
    off += buf.write(lines[i]!, off, 'utf8');
    buf[off++] = 0x0a;
  }
  return buf;
}

function newBatch(seq: number): Batch {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { seq, lines: [], promise, resolve };
}

function checkOptions(options: LogWriterOptions): void {
  if (typeof options?.logger?.warn !== 'function') {
    throw new InvalidOptionError('logger', 'an object with a `warn` method', options?.logger);
  }
  const { retryDelayMs = 100, maxRetryDelayMs = 5000 } = options;
  if (typeof retryDelayMs !== 'number' || !Number.isFinite(retryDelayMs) || retryDelayMs <= 0) {
    throw new InvalidOptionError('retryDelayMs', 'a finite number > 0', retryDelayMs);
  }
  if (typeof maxRetryDelayMs !== 'number' || !Number.isFinite(maxRetryDelayMs) || maxRetryDelayMs < retryDelayMs) {
    throw new InvalidOptionError('maxRetryDelayMs', `a finite number >= retryDelayMs (${retryDelayMs})`, maxRetryDelayMs);
  }
}
