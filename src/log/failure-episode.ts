/**
 * The log writer's failure episode: from a failed write, fsync or reopen to the next batch written. It
 * holds what the writer needs to say and do about it: the failure (what `flush()` rejects with while it
 * lasts), the backoff between retries (doubling from `retryDelayMs` to `maxRetryDelayMs`), and the
 * `flush()` calls waiting, which a failure rejects at once. One warning when an episode starts and one
 * line when it ends, however many retries it takes.
 *
 * @module
 */
import { LogWriteError } from '../errors.js';
import { log, type Logger } from '../logger.js';

/** What the episode asks of its writer. */
export interface EpisodeOwner {
  /** The log's path, for the messages. */
  readonly path: string;
  /** Where the warning and the recovery line go. */
  readonly logger: Logger;
  /** Records waiting in memory now (for the warning and the errors). */
  pendingCount(): number;
}

/** A writer's failure episodes (see the module's documentation). */
export class FailureEpisode {
  readonly #owner: EpisodeOwner;
  readonly #retryDelayMs: number;
  readonly #maxRetryDelayMs: number;
  #delayMs: number;
  #failure: unknown;
  readonly #waiters = new Set<(error: LogWriteError) => void>();

  /**
   * @param owner - The writer.
   * @param retryDelayMs - The first retry's delay.
   * @param maxRetryDelayMs - The longest delay between retries.
   */
  constructor(owner: EpisodeOwner, retryDelayMs: number, maxRetryDelayMs: number) {
    this.#owner = owner;
    this.#retryDelayMs = retryDelayMs;
    this.#maxRetryDelayMs = maxRetryDelayMs;
    this.#delayMs = retryDelayMs;
  }

  /** @returns The error for the current failure (what `flush()` rejects with), or `undefined` when the writer is not failing. */
  error(): LogWriteError | undefined {
    return this.#failure === undefined ? undefined : this.#errorOf(this.#failure);
  }

  /**
   * Registers a `flush()` waiting for the queue: `reject` is called at the next failure.
   *
   * @param reject - Rejects that flush.
   * @returns Whether it was still waiting, when called once the queue is written (then it resolves).
   */
  wait(reject: (error: LogWriteError) => void): () => boolean {
    this.#waiters.add(reject);
    return () => this.#waiters.delete(reject);
  }

  /**
   * A write, fsync or reopen failed: warns when the episode starts, rejects the waiting flushes, and
   * calls `retry` after the current delay (then doubles it, up to the longest).
   *
   * @param error - What failed.
   * @param retry - What to do again.
   * @param call - The system call named in the warning.
   */
  fail(error: unknown, retry: () => void, call: string): void {
    if (this.#failure === undefined) {
      const reason = error instanceof Error ? error.message : String(error);
      log(
        this.#owner.logger,
        'warn',
        `${this.#owner.path}: cannot write the log (${call}: ${reason}); ${this.#owner.pendingCount()} record(s) wait in memory, retrying every ${this.#delayMs} to ${this.#maxRetryDelayMs} ms` +
          (call === 'fsync' ? '; the batch is cut and written again (a retried fsync could report lost data as written)' : ''),
      );
    }
    this.#failure = error;
    if (this.#waiters.size > 0) {
      const waiters = [...this.#waiters];
      this.#waiters.clear();
      for (const reject of waiters) reject(this.#errorOf(error));
    }
    // Not unref'd: a process must not exit quietly with records that were never written.
    setTimeout(retry, this.#delayMs);
    this.#delayMs = Math.min(this.#delayMs * 2, this.#maxRetryDelayMs);
  }

  /** A batch was written: ends the episode (one line saying so) and resets the delay. */
  succeeded(): void {
    if (this.#failure !== undefined) {
      this.#failure = undefined;
      log(this.#owner.logger, 'info', `${this.#owner.path}: the log is writable again`);
    }
    this.#delayMs = this.#retryDelayMs;
  }

  #errorOf(cause: unknown): LogWriteError {
    return new LogWriteError(this.#owner.path, this.#owner.pendingCount(), cause);
  }
}
