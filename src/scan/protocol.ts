/**
 * The messages between the scanner and its worker threads.
 *
 * @module
 */
import type { ShardState } from '../aggregate/aggregator.js';
import type { AggregatorColumns } from '../aggregate/types.js';
import type { Ahead, AheadInput, AheadJob } from '../aggregate/ahead-jobs.js';
import type { ScanTask } from './tasks.js';

/** Main thread to worker: scan one task. */
export interface TaskMessage {
  task: ScanTask;
  maxLineBytes: number;
  bucketMs: number;
  readBytes: number;
}

/** Main thread to worker: the columns of one of its shards, merged, handed back for its next tasks to reuse. */
export interface SpareMessage {
  spare: AggregatorColumns;
}

/** Main thread to worker, after the last task: one job of ahead-jobs.ts on the merged columns (shared memory). */
export interface JobMessage {
  job: AheadJob;
  input: AheadInput;
  bucketMs: number;
}

/** Worker to main thread: the answer to a {@link JobMessage} (the fields of its job). */
export interface JobResult {
  ahead: Partial<Ahead>;
}

/** Worker to main thread: what a task gave. */
export interface TaskResult {
  /** `task.index`. */
  index: number;
  /** The task's records, as an aggregator shard (its buffers transferred). */
  shard?: ShardState;
  /** Lines that start in the task's range (blank ones included): the next task's line numbers start after. */
  lines: number;
  /** Skipped lines. */
  skipped: number;
  /** Skipped lines as `[line within the task (1-based), reason]`, in order. */
  warnings: [number, string][];
  /** A file-system error that stopped the task (`code` as Node gives it). */
  error?: { code?: string; message: string };
}
