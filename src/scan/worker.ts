/**
 * The worker thread's entry: runs each task it is sent and posts the result back, transferring the
 * aggregator state's buffers (no copy).
 *
 * @module
 */
import { parentPort } from 'node:worker_threads';
import { runAheadJob } from '../aggregate/sorted-runs.js';
import type { JobMessage, JobResult, TaskMessage } from './protocol.js';
import { runTask } from './run-task.js';

const port = parentPort;
let queue: Promise<void> = Promise.resolve();
if (port !== null) {
  port.on('message', (message: TaskMessage | JobMessage) => {
    if ('job' in message) {
      const result: JobResult = { ahead: runAheadJob(message.job, message.input, message.bucketMs) };
      port.postMessage(result);
      return;
    }
    // One task at a time, in the order sent (the pool keeps a second one queued here).
    queue = queue.then(() => runTask(message)).then(({ result, transfer }) => port.postMessage(result, transfer));
  });
}
