/**
 * A small pool of worker threads that runs scan tasks and hands their results back in task order, so
 * that the caller merges shards exactly as a sequential read would have produced them.
 *
 * @module
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { ColumnsMessage, JobMessage, JobResult, SpareMessage, TaskMessage, TaskResult } from './protocol.js';
import { releaseStartedWorkers, SCAN_WORKER_URL, takeStartedWorker } from './prestart.js';
import type { ScanTask } from './tasks.js';
import type { PoolWorker } from './thread-worker.js';

/** The worker script to start. */
export interface WorkerSource {
  /** The module (`worker.js` next to this file when built). */
  url: URL;
  /** Node options for the worker (e.g. a TypeScript loader when running from source). */
  execArgv?: string[];
}

/**
 * The scan's built worker script, what `summarize` and `loadFromDisk()` start by default.
 *
 * @returns Its source; `undefined` when running from the TypeScript sources (tests), where there is no
 *   `worker.js`: the caller then reads in its own thread.
 */
export function builtWorkerSource(): WorkerSource | undefined {
  return existsSync(fileURLToPath(SCAN_WORKER_URL)) ? { url: SCAN_WORKER_URL } : undefined;
}

/** Options of {@link runTasks}. */
export interface PoolOptions<R = TaskResult> {
  /** Workers (at most one per task): worker threads, but for the last one with {@link PoolOptions.inThisThread}. */
  workers: number;
  /** The worker script. */
  source: WorkerSource;
  /** Scan options sent with each task. */
  maxLineBytes: number;
  bucketMs: number;
  readBytes: number;
  /** The message that sends a task. @default a {@link TaskMessage} (an aggregator shard) of the options above */
  message?: (task: ScanTask) => TaskMessage | ColumnsMessage;
  /**
   * Called after `onResult` took a result: buffers of it to hand back to the worker that made it (a
   * `SpareMessage`), or `undefined`. @default none handed back
   */
  spareOf?: (result: R) => SpareMessage | undefined;
  /**
   * Runs after the last result was delivered, before the workers stop: `runJob` runs a job on worker
   * `worker % workers` (one job at a time per worker), while the caller works on.
   */
  finish?: (runJob: (message: JobMessage, transfer: ArrayBuffer[], worker: number) => Promise<JobResult>) => Promise<void>;
  /**
   * Makes the last of the `workers` (when there are two or more): one that runs in this thread (a
   * `ThreadWorker`) instead of a worker thread. @default none: every worker is a thread
   */
  inThisThread?: () => PoolWorker;
}

/**
 * Runs every task on the pool.
 *
 * @param tasks - The tasks, in input order (`index` = position).
 * @param options - See {@link PoolOptions}.
 * @param onResult - Receives the results in task order; returning `false` stops the pool (no more
 *   results are delivered).
 * @returns Resolves when every result was delivered or the pool was stopped; rejects if a worker fails.
 */
export function runTasks<R extends { index: number } = TaskResult>(tasks: readonly ScanTask[], options: PoolOptions<R>, onResult: (result: R) => boolean): Promise<void> {
  const count = Math.max(1, Math.min(options.workers, tasks.length));
  const workers: PoolWorker[] = [];
  const ready = new Map<number, R>();
  const madeBy = new Map<number, PoolWorker>(); // task index to the worker of its result, until delivered
  let next = 0; // next result to deliver
  let sent = 0; // next task to send
  let finished = false;
  const jobReplies = new Map<PoolWorker, ((result: JobResult) => void)[]>(); // per worker, in the order sent
  return new Promise<void>((resolve, reject) => {
    const end = (error?: unknown): void => {
      if (finished) return;
      finished = true;
      // Terminating a worker also frees the buffers of results it had not sent yet. A pool that finished
      // does not wait for its workers to stop (17 to 26 ms of a 1M-record summarize): they stop meanwhile.
      const stopped = Promise.all(workers.map((w) => w.terminate()));
      if (error === undefined) resolve();
      else void stopped.then(() => reject(error));
    };
    const send = (worker: PoolWorker): void => {
      if (sent >= tasks.length) return;
      const { maxLineBytes, bucketMs, readBytes } = options;
      const task = tasks[sent++]!;
      const message: TaskMessage | ColumnsMessage = options.message?.(task) ?? { task, maxLineBytes, bucketMs, readBytes };
      worker.postMessage(message);
    };
    const finish = (): void => {
      const job = options.finish;
      if (job === undefined) return end();
      const runJob = (message: JobMessage, transfer: ArrayBuffer[], index: number): Promise<JobResult> =>
        new Promise<JobResult>((done) => {
          const worker = workers[index % workers.length]!;
          jobReplies.set(worker, [...(jobReplies.get(worker) ?? []), done]);
          worker.postMessage(message, transfer);
        });
      job(runJob).then(
        () => end(),
        (error: unknown) => end(error),
      );
    };
    const received = (worker: PoolWorker, result: R | JobResult): void => {
      if (finished) return;
      if ('ahead' in result) {
        jobReplies.get(worker)?.shift()?.(result);
        return;
      }
      ready.set(result.index, result);
      madeBy.set(result.index, worker);
      send(worker);
      for (let r = ready.get(next); r !== undefined; r = ready.get(next)) {
        ready.delete(next++);
        const by = madeBy.get(r.index)!;
        madeBy.delete(r.index);
        let go: boolean;
        try {
          go = onResult(r);
        } catch (error) {
          return end(error);
        }
        if (!go) return end();
        const spare = options.spareOf?.(r);
        if (spare !== undefined) by.postMessage(spare, spareTransfer(spare));
      }
      if (next === tasks.length) finish();
    };
    for (let i = 0; i < count; i++) {
      const { url, execArgv } = options.source;
      const here = i === count - 1 && count > 1 ? options.inThisThread?.() : undefined;
      const worker: PoolWorker = here ?? takeStartedWorker(url, execArgv) ?? new Worker(url, execArgv === undefined ? {} : { execArgv });
      workers.push(worker);
      worker.on('message', (result: R | JobResult) => received(worker, result));
      worker.on('error', (error) => end(error));
      worker.on('exit', (code) => {
        if (!finished) end(new Error(`a scan worker exited early (code ${code})`));
      });
      send(worker);
    }
    releaseStartedWorkers(); // any left over: more were started than there are tasks
    // A second task each, queued in the worker: it starts on it while its last result is in flight.
    for (const worker of workers) send(worker);
    if (tasks.length === 0) end();
  });
}

/** The distinct buffers of a spare message's columns (all unshared: see `spareColumnsOf`). */
function spareTransfer(spare: SpareMessage): ArrayBuffer[] {
  return [...new Set(Object.values(spare.spare).map((column: { buffer: ArrayBufferLike }) => column.buffer as ArrayBuffer))];
}
