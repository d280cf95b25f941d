/**
 * The messages between the scanner and its worker threads.
 *
 * @module
 */
import type { ShardState } from '../aggregate/aggregator.js';
import type { AggregatorColumns } from '../aggregate/types.js';
import type { Ahead, AheadInput, AheadJob } from '../aggregate/ahead-jobs.js';
import type { ColumnBlock } from './columns.js';
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

/** Main thread to worker: read one range of an open log into the collector store's columns (`columns-task.ts`). */
export interface ColumnsMessage {
  columns: {
    /** Position of the task in input order. */
    index: number;
    /** The log, as opened and checked by the main thread (positional reads). */
    fd: number;
    /** The lines that start in `[start, end)`. */
    start: number;
    end: number;
    /** No byte at or after this offset is read. */
    limit: number;
    /** Planned bytes (sizes the columns). */
    bytes: number;
  };
  maxLineBytes: number;
  readBytes: number;
}

/** Worker to main thread: what a {@link ColumnsMessage} gave. */
export interface ColumnsResult {
  /** The task's index. */
  index: number;
  /** The range's records (its buffers transferred). */
  block?: ColumnBlock;
  /** As in {@link TaskResult}. */
  lines: number;
  skipped: number;
  warnings: [number, string][];
  error?: { code?: string; message: string };
}
