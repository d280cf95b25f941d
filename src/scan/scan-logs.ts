/**
 * `scanLogs()`: reads JSONL logs into one aggregator, fast. Large inputs are cut into byte ranges scanned
 * by worker threads whose aggregator states are merged in input order (exact: the same aggregate, the
 * same warnings in the same order, the same skip count as one sequential read); small inputs, and reads
 * that need record objects (a filter, a per-record callback), are scanned in this thread.
 *
 * @module
 */
import os from 'node:os';
import { createAggregator, rowSinkOf, shardsOf, spareColumnsOf } from '../aggregate/aggregator.js';
import type { Aggregator } from '../aggregate/types.js';
import type { LogWarning } from '../log/reader.js';
import type { InvocationMetric } from '../record.js';
import { DEFAULT_MAX_LINE_BYTES } from '../log/lines.js';
import { LineScanner, type ScanTarget } from './line-scanner.js';
import { builtWorkerSource, runTasks, type PoolOptions, type WorkerSource } from './pool.js';
import type { JobMessage, JobResult, SpareMessage, TaskResult } from './protocol.js';
import { runAheadJob, type Ahead } from '../aggregate/ahead-jobs.js';
import { READ_BYTES, scanRange } from './read-range.js';
import { PARALLEL_MIN_BYTES, releaseStartedWorkers, THIS_THREAD_MAX_WORKERS } from './prestart.js';
import { planTasks } from './tasks.js';
import { ThreadWorker } from './thread-worker.js';

/** An input file. */
export interface ScanInput {
  /** The path, as warnings name it. */
  path: string;
  /** Size in bytes when listed (plans the parallel split; 0 if unknown). */
  size: number;
}

/** Options of {@link scanLogs}. */
export interface ScanLogsOptions {
  /** Bucket width of the aggregate's parallelism series, ms. */
  bucketMs: number;
  /** Longest line parsed, in bytes without the `\n`; longer ones are skipped with a warning. @default 1048576 */
  maxLineBytes?: number;
  /** Receives each skipped line's warning, in input order. */
  onWarning?: (warning: LogWarning) => void;
  /** Stop at the first skipped line (`--strict`); it is returned as `stoppedAt`, not passed to `onWarning`. */
  stopAtFirstWarning?: boolean;
  /** Keeps a record when it returns true (records are then built as objects, in this thread). */
  filter?: ((record: InvocationMetric) => boolean) | undefined;
  /** Called with every kept record, in input order (records are then built as objects, in this thread). */
  onRecord?: ((record: InvocationMetric) => void) | undefined;
  /** Bytes read, as reading goes (progress). */
  onBytes?: (bytes: number) => void;
  /** A file was read completely (its index among the inputs), in input order. */
  onFileDone?: (fileIndex: number) => void;
  /** Threads that read a large input; 1 reads in this thread alone. @default os.availableParallelism() */
  workers?: number;
  /**
   * With several `workers`, this thread is one of them (it reads ranges between merging the others'):
   * one worker thread fewer to start. @default true up to {@link THIS_THREAD_MAX_WORKERS} workers
   */
  thisThread?: boolean;
  /** Inputs smaller than this in all are read in this thread (starting threads would cost more). @default {@link PARALLEL_MIN_BYTES}, 56 MiB */
  parallelMinBytes?: number;
  /** Bytes per worker task. @default total / (24 * workers), within [4 MiB, 64 MiB] */
  taskBytes?: number;
  /** The worker script. @default `worker.js` beside this module; none (read in this thread) when it is missing */
  workerSource?: WorkerSource;
  /** Parse every line with `JSON.parse` (the reference path, for tests). @default false */
  slowOnly?: boolean;
  /** Bytes per read (small values make every line span reads: for tests). @default 4 MiB */
  readBytes?: number;
}

/** What {@link scanLogs} read. */
export interface ScanLogsResult {
  /** The merged aggregator of the kept records (of the files read completely when reading stopped). */
  aggregator: Aggregator;
  /** Lines skipped (malformed, invalid, torn or too long; blank lines are not counted). */
  skipped: number;
  /** The file that could not be read (not ENOENT: a missing file reads as empty), where reading stopped. */
  failed?: { path: string; error: NodeJS.ErrnoException };
  /** With `stopAtFirstWarning`: the skipped line reading stopped at. */
  stoppedAt?: LogWarning;
}

const MiB = 1024 * 1024;
/** A shard of at least this many bytes shows the log's bytes per record well enough to size the columns by. */
const DENSITY_BYTES = 2 * MiB;

/**
 * Reads the files, in order, into one aggregator.
 *
 * @param files - The inputs, in order.
 * @param options - See {@link ScanLogsOptions}.
 * @returns The aggregator, the skip count, and why reading stopped early, if it did.
 * @throws Rejects only if a worker thread fails (a bug); file errors are returned as `failed`.
 */
export async function scanLogs(files: readonly ScanInput[], options: ScanLogsOptions): Promise<ScanLogsResult> {
  const maxLineBytes = options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES;
  const workers = options.workers ?? os.availableParallelism();
  const totalBytes = files.reduce((s, f) => s + f.size, 0);
  const needsObjects = options.filter !== undefined || options.onRecord !== undefined || options.slowOnly === true;
  const source = options.workerSource ?? builtWorkerSource();
  if (workers > 1 && !needsObjects && source !== undefined && totalBytes >= (options.parallelMinBytes ?? PARALLEL_MIN_BYTES)) {
    const taskBytes = options.taskBytes ?? Math.min(64 * MiB, Math.max(4 * MiB, Math.ceil(totalBytes / (24 * workers))));
    return scanInWorkers(files, { ...options, maxLineBytes, workers, taskBytes, source });
  }
  releaseStartedWorkers(); // read in this thread: workers started ahead (by the CLI) are not needed
  return scanHere(files, { ...options, maxLineBytes });
}

async function scanHere(files: readonly ScanInput[], options: ScanLogsOptions & { maxLineBytes: number }): Promise<ScanLogsResult> {
  const total = createAggregator({ bucketMs: options.bucketMs });
  let skipped = 0;
  for (let fileIndex = 0; fileIndex < files.length; fileIndex++) {
    const file = files[fileIndex]!;
    const shard = createAggregator({ bucketMs: options.bucketMs });
    let stoppedAt: LogWarning | undefined;
    const scanner: LineScanner = new LineScanner({
      maxLineBytes: options.maxLineBytes,
      target: target(shard, options),
      slowOnly: options.slowOnly ?? false,
      onWarning: (line, reason) => {
        skipped++;
        const warning = { file: file.path, line, reason };
        if (options.stopAtFirstWarning === true) {
          stoppedAt = warning;
          scanner.stop();
        } else options.onWarning?.(warning);
      },
    });
    try {
      await scanRange(file.path, { start: 0, end: Infinity }, scanner, { onBytes: options.onBytes, readBytes: options.readBytes ?? READ_BYTES });
    } catch (error) {
      return { aggregator: total, skipped, failed: { path: file.path, error: error as NodeJS.ErrnoException } };
    }
    if (stoppedAt !== undefined) return { aggregator: total, skipped, stoppedAt };
    options.onFileDone?.(fileIndex);
    total.merge(shard);
  }
  return { aggregator: total, skipped };
}

function target(shard: Aggregator, options: ScanLogsOptions): ScanTarget {
  const { filter, onRecord } = options;
  const sink = rowSinkOf(shard);
  if (filter === undefined && onRecord === undefined && sink !== undefined) return { kind: 'rows', sink, add: (record) => shard.add(record) };
  return {
    kind: 'records',
    onRecord: (record) => {
      if (filter !== undefined && !filter(record)) return;
      shard.add(record);
      onRecord?.(record);
    },
  };
}

async function scanInWorkers(
  files: readonly ScanInput[],
  options: ScanLogsOptions & { maxLineBytes: number; workers: number; taskBytes: number; source: WorkerSource },
): Promise<ScanLogsResult> {
  const tasks = planTasks(files, options.taskBytes, { smallFirst: options.workers });
  const totalBytes = files.reduce((sum, f) => sum + f.size, 0);
  const total = createAggregator({ bucketMs: options.bucketMs });
  const shards = shardsOf(total)!;
  shards.shareColumns(); // the workers read the merged columns at the end
  const result: ScanLogsResult = { aggregator: total, skipped: 0 };
  const here = options.thisThread ?? options.workers <= THIS_THREAD_MAX_WORKERS;
  let lineOffset = 0;
  let reserved = false;
  // After the last shard, the parts of result() run in the workers on the merged columns, which live in
  // shared memory (the parallelism sweep, then the tallies when this thread is the other worker, in one;
  // the duration percentiles, and else the tallies, in the other), while this thread resolves the task ids
  // that previous attempts need, then the previous attempts.
  const finish = async (run: (message: JobMessage, transfer: ArrayBuffer[], worker: number) => Promise<JobResult>): Promise<void> => {
    if (result.stoppedAt !== undefined || result.failed !== undefined) return;
    const input = shards.aheadInput();
    if (input === undefined) return;
    const { bucketMs } = options;
    // This thread as the second worker has the retries besides: the tallies then go after the sweep.
    const tallies = here ? 0 : 1;
    const jobs = [run({ job: 'parallelism', input, bucketMs }, [], 0), run({ job: 'durations', input, bucketMs }, [], 1), run({ job: 'tallies', input, bucketMs }, [], tallies)];
    // Meanwhile, here: the provisional task ids (see retryInput), then previous attempts.
    const retries = runAheadJob('retries', shards.retryInput()!, bucketMs);
    const parts = await Promise.all(jobs);
    shards.adoptAhead(Object.assign({}, ...parts.map((p) => p.ahead), retries) as Ahead);
  };
  // A merged shard's columns go back to the worker that made it, for its next tasks (run-task.ts).
  const spareOf = (r: TaskResult): SpareMessage | undefined => {
    const spare = r.shard === undefined ? undefined : spareColumnsOf(r.shard);
    return spare === undefined ? undefined : { spare };
  };
  const pool: PoolOptions = { ...options, readBytes: options.readBytes ?? READ_BYTES, finish, spareOf };
  if (here) pool.inThisThread = () => new ThreadWorker();
  await runTasks(tasks, pool, (r) => {
    const task = tasks[r.index]!;
    for (const [line, reason] of r.warnings) {
      result.skipped++;
      const warning = { file: task.path, line: lineOffset + line, reason };
      if (options.stopAtFirstWarning === true) {
        result.stoppedAt = warning;
        return false;
      }
      options.onWarning?.(warning);
    }
    if (r.error !== undefined) {
      result.failed = { path: task.path, error: Object.assign(new Error(r.error.message), r.error.code === undefined ? {} : { code: r.error.code }) };
      return false;
    }
    const shard = r.shard!;
    if (!reserved && task.bytes > 0 && (task.bytes >= DENSITY_BYTES || r.index === tasks.length - 1)) {
      // Size the merged columns once, from the density of the first shard large enough to show it (not
      // a worker's small first task): the few rows merged before move once.
      reserved = true;
      shards.reserve(Math.ceil((shard.count * 1.05 * totalBytes) / task.bytes), 0);
    }
    shards.mergeShard(shard);
    lineOffset += r.lines;
    options.onBytes?.(task.bytes);
    const last = tasks[r.index + 1]?.fileIndex !== task.fileIndex;
    if (last) {
      lineOffset = 0;
      options.onFileDone?.(task.fileIndex);
    }
    return true;
  });
  return result;
}
