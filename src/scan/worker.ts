/**
 * The worker thread's entry: runs each task it is sent and posts the result back, transferring the
 * aggregator state's buffers (no copy).
 *
 * @module
 */
import { parentPort } from 'node:worker_threads';
import { runAheadJob } from '../aggregate/sorted-runs.js';
import type { SortMessage, SortResult, TaskMessage } from './protocol.js';
import { runTask } from './run-task.js';

const port = parentPort;
let queue: Promise<void> = Promise.resolve();
if (port !== null) {
  port.on('message', (message: TaskMessage | SortMessage) => {
    if ('sort' in message) {
      const result: SortResult = { ahead: runAheadJob(message.sort, message.input, message.bucketMs) };
      port.postMessage(result);
      return;
    }
    // One task at a time, in the order sent (the pool keeps a second one queued here).
    queue = queue.then(() => runTask(message)).then(({ result, transfer }) => port.postMessage(result, transfer));
  });
}
