/**
 * The worker thread's entry: runs each task it is sent and posts the result back, transferring the
 * aggregator state's buffers (no copy).
 *
 * @module
 */
import { parentPort } from 'node:worker_threads';
import type { TaskMessage } from './protocol.js';
import { runTask } from './run-task.js';

const port = parentPort;
if (port !== null) {
  port.on('message', (message: TaskMessage) => {
    void runTask(message).then(({ result, transfer }) => port.postMessage(result, transfer));
  });
}
