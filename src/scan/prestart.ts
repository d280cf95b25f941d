/**
 * Scan workers started ahead of need. A worker thread takes 50 to 80 ms to start and load its modules;
 * the CLI starts them first thing, before it loads its own modules (about 40 ms), when its arguments show
 * a read large enough for workers, and the pool ({@link takeStartedWorker}) takes them instead of
 * starting new ones. This module imports nothing but `node:worker_threads`, so that it loads at once.
 *
 * A started worker nobody takes does not keep the process alive (it is unref'd), and
 * {@link releaseStartedWorkers} stops it as soon as the scan knows it will not use it.
 *
 * @module
 */
import { Worker } from 'node:worker_threads';

/**
 * Inputs smaller than this in all are read in the calling thread: starting worker threads would cost more.
 * Measured on 2 cores with the benchmark's logs (`summarize`, the CLI's whole run): one thread is faster
 * up to about 60 MB (50 MB: 0.38 s vs 0.42 s with two workers; 60 MB: even; 75 MB: 0.49 s vs 0.46 s).
 * More cores move the crossing lower; `scanLogs`' `parallelMinBytes` sets another.
 */
export const PARALLEL_MIN_BYTES = 56 * 1024 * 1024;

/**
 * Up to this many scan threads, the calling thread is one of them (`scanLogs`' `thisThread`): it merges
 * the others' results between its own ranges. With more, merging keeps it busy enough.
 */
export const THIS_THREAD_MAX_WORKERS = 2;

/**
 * The worker threads a scan of `threads` threads starts (one fewer when this thread is one of them).
 *
 * @param threads - The scan's `workers`.
 * @returns Worker threads to start.
 */
export function workerThreadsFor(threads: number): number {
  return threads <= THIS_THREAD_MAX_WORKERS ? threads - 1 : threads;
}

/** The worker script of the scan pool, beside this module once built (`dist/scan/worker.js`). */
export const SCAN_WORKER_URL = new URL('./worker.js', import.meta.url);

interface Started {
  worker: Worker;
  /** The script's URL, as a string. */
  url: string;
  /** The worker stopped before it was taken (it failed to start): never handed out. */
  exited: boolean;
}

const started: Started[] = [];
const ignore = (): void => {};

/**
 * Starts `count` scan workers now, for a pool to take later.
 *
 * @param count - Workers to start.
 * @param url - Their script. @default {@link SCAN_WORKER_URL}
 * @returns The workers (still this module's until taken: for watching them, not for using them).
 */
export function prestartWorkers(count: number, url: URL = SCAN_WORKER_URL): Worker[] {
  const workers: Worker[] = [];
  for (let i = 0; i < count; i++) {
    const worker = new Worker(url);
    const entry: Started = { worker, url: url.href, exited: false };
    worker.unref();
    // A worker that fails before it is taken is dropped; the pool then starts its own, which reports the
    // failure where it belongs.
    worker.on('error', ignore);
    worker.once('exit', () => {
      entry.exited = true;
      const at = started.indexOf(entry);
      if (at >= 0) started.splice(at, 1);
    });
    started.push(entry);
    workers.push(worker);
  }
  return workers;
}

/**
 * Takes a started worker running `url`, if there is one: it is the caller's from then on (referenced
 * again, without this module's listeners).
 *
 * @param url - The script the caller wants.
 * @param execArgv - The Node options the caller wants; workers were started without any, so none is
 *   handed out when some are wanted.
 * @returns The worker, or `undefined`.
 */
export function takeStartedWorker(url: URL, execArgv?: readonly string[]): Worker | undefined {
  if (execArgv !== undefined && execArgv.length > 0) return undefined;
  const at = started.findIndex((s) => s.url === url.href && !s.exited);
  if (at < 0) return undefined;
  const [entry] = started.splice(at, 1);
  const worker = entry!.worker;
  worker.removeAllListeners('error');
  worker.removeAllListeners('exit');
  worker.ref();
  return worker;
}

/** Stops the started workers nobody took. */
export function releaseStartedWorkers(): void {
  for (const entry of started.splice(0)) void entry.worker.terminate();
}
