/**
 * The worker thread's entry: runs each task it is sent and posts the result back, transferring the
 * aggregator state's buffers (no copy).
 *
 * @module
 */
import { parentPort } from 'node:worker_threads';
import { runAheadJob } from '../aggregate/ahead-jobs.js';
import { runColumnsTask } from './columns-task.js';
import type { ColumnsMessage, JobMessage, JobResult, SpareMessage, TaskMessage } from './protocol.js';
import { addSpareColumns, runTask } from './run-task.js';

// Detaching an ArrayBuffer for the first time (each task's result transfers its buffers) makes V8 drop
// every optimized function that reads a typed array, assuming until then that none is ever detached: the
// whole parser, at the end of each worker's first task (`node --trace-deopt` shows "code dependencies").
// Detaching one here, before any code is optimized, makes that assumption never be made.
const detached = new ArrayBuffer(8);
structuredClone(detached, { transfer: [detached] });

const port = parentPort;
let queue: Promise<void> = Promise.resolve();
if (port !== null) {
  port.on('message', (message: TaskMessage | JobMessage | ColumnsMessage | SpareMessage) => {
    if ('spare' in message) return addSpareColumns(message.spare);
    if ('job' in message) {
      const result: JobResult = { ahead: runAheadJob(message.job, message.input, message.bucketMs) };
      port.postMessage(result);
      return;
    }
    // One task at a time, in the order sent (the pool keeps a second one queued here).
    if ('columns' in message) {
      queue = queue.then(() => runColumnsTask(message)).then(({ result, transfer }) => port.postMessage(result, transfer));
      return;
    }
    queue = queue.then(() => runTask(message)).then(({ result, transfer }) => port.postMessage(result, transfer));
  });
}
