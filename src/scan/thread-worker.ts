/**
 * The calling thread as one of the scan pool's workers: it takes tasks and jobs as a worker thread does
 * (the same `runTask` and `runAheadJob`, one at a time, in the order sent) and answers through the same
 * events, without a thread of its own. On 2 cores, the thread that merges takes part in the scan instead
 * of a second worker thread: the merging left it idle most of the time, and a worker thread costs its own
 * engine (Node's bootstrap, the modules, the optimizing compiler's work on the parser all over again).
 *
 * @module
 */
import { runAheadJob } from '../aggregate/ahead-jobs.js';
import type { JobMessage, JobResult, SpareMessage, TaskMessage, TaskResult } from './protocol.js';
import { addSpareColumns, runTask } from './run-task.js';

/** What the pool needs of a worker: a `Worker` of `node:worker_threads`, or a {@link ThreadWorker}. */
export interface PoolWorker {
  postMessage(message: unknown, transfer?: readonly ArrayBuffer[]): void;
  /** Listens to `message`, `error` and `exit`. */
  on(event: string, listener: (...args: never[]) => void): unknown;
  terminate(): Promise<number>;
}

/** Whether this thread has detached an ArrayBuffer yet (see the constructor). */
let detachedOnce = false;
/**
 * The tasks and jobs of every `ThreadWorker` of this thread, one at a time: `runTask` keeps one line
 * scanner per thread (see run-task.ts), which two scans at once here (two pools: two `scanLogs` calls
 * awaited together) would share mid-task.
 */
let queue: Promise<void> = Promise.resolve();

/** A scan worker that runs in the calling thread (see the module comment). */
export class ThreadWorker implements PoolWorker {
  #stopped = false;
  readonly #listeners = new Map<string, ((...args: never[]) => void)[]>();

  constructor() {
    // This thread hands merged columns back to the worker threads (a transfer detaches them). The first
    // detach in an engine drops every optimized function that reads typed arrays (see worker.ts): done
    // now, before this thread's scan code is optimized, it costs nothing.
    if (!detachedOnce) {
      detachedOnce = true;
      const buffer = new ArrayBuffer(8);
      structuredClone(buffer, { transfer: [buffer] });
    }
  }

  /**
   * Adds a listener of `message` (replies) or `error` (a task that threw: a bug); `exit` never comes.
   *
   * @param event - The event.
   * @param listener - Its listener.
   * @returns This worker.
   */
  on(event: string, listener: (...args: never[]) => void): this {
    this.#listeners.set(event, [...(this.#listeners.get(event) ?? []), listener]);
    return this;
  }

  #emit(event: string, value: unknown): void {
    for (const listener of this.#listeners.get(event) ?? []) (listener as (value: unknown) => void)(value);
  }

  /**
   * Queues a task or a job (run in order, each after the previous one's reply, and after those of any
   * other `ThreadWorker` queued before), or takes spare columns.
   *
   * @param message - What a worker thread is sent; nothing is transferred (this thread keeps the buffers).
   */
  postMessage(message: unknown): void {
    const m = message as TaskMessage | JobMessage | SpareMessage;
    if ('spare' in m) return addSpareColumns(m.spare);
    queue = queue.then(async () => {
      if (this.#stopped) return;
      let reply: TaskResult | JobResult;
      try {
        reply = 'job' in m ? { ahead: runAheadJob(m.job, m.input, m.bucketMs) } : (await runTask(m)).result;
      } catch (error) {
        if (!this.#stopped) this.#emit('error', error);
        return;
      }
      if (!this.#stopped) this.#emit('message', reply);
    });
  }

  /** Stops: queued tasks are dropped, a running one's reply is not sent. @returns Resolves at once. */
  terminate(): Promise<number> {
    this.#stopped = true;
    return Promise.resolve(0);
  }
}
