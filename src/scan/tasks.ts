/**
 * Cutting the inputs into tasks for the worker threads: a small file is one task, a large one several
 * byte ranges of about `taskBytes` (each task a range of lines, see `read-range.ts`). Tasks keep input
 * order (files in argument order, ranges in file order): merging their results in that order gives the
 * aggregate of a sequential read, bit for bit.
 *
 * @module
 */
import type { ByteRange } from './read-range.js';

/** One unit of work: a byte range of one input file. */
export interface ScanTask extends ByteRange {
  /** Position of the task in input order. */
  index: number;
  /** Position of its file among the inputs. */
  fileIndex: number;
  /** The file. */
  path: string;
  /** Its bytes as planned (for progress); the last range of a file reads on to the end. */
  bytes: number;
}

/** Options of {@link planTasks}. */
export interface PlanOptions {
  /**
   * Tasks to cut small at the start of the first file (one per worker: each worker's first task), when
   * that file is large enough. A worker resets its scanner between tasks; a first task of a few hundred
   * lines makes that happen before the engine optimizes the parser, which then never meets the reset's
   * path for the first time: otherwise its optimized code was thrown away and compiled again at each
   * worker's second task. @default 0
   */
  smallFirst?: number;
  /** Bytes of each small first task. @default 262144 */
  smallBytes?: number;
}

/**
 * Plans the tasks.
 *
 * @param files - The inputs in order, with their sizes when listed.
 * @param taskBytes - Target bytes per task (> 0).
 * @param options - See {@link PlanOptions}.
 * @returns The tasks in input order.
 */
export function planTasks(files: readonly { path: string; size: number }[], taskBytes: number, options: PlanOptions = {}): ScanTask[] {
  const tasks: ScanTask[] = [];
  const smallFirst = options.smallFirst ?? 0;
  const smallBytes = options.smallBytes ?? 256 * 1024;
  files.forEach((file, fileIndex) => {
    // The small first tasks, cut from a first file that also has room for a task of the usual size.
    let from = 0;
    if (fileIndex === 0 && smallFirst > 0 && file.size >= smallFirst * smallBytes + taskBytes) {
      for (; from < smallFirst * smallBytes; from += smallBytes) {
        tasks.push({ index: tasks.length, fileIndex, path: file.path, start: from, end: from + smallBytes, bytes: smallBytes });
      }
    }
    const size = file.size - from;
    const parts = Math.max(1, Math.round(size / taskBytes));
    for (let k = 0; k < parts; k++) {
      const start = from + Math.floor((size * k) / parts);
      const end = k === parts - 1 ? Infinity : from + Math.floor((size * (k + 1)) / parts);
      const bytes = (k === parts - 1 ? file.size : end) - start;
      tasks.push({ index: tasks.length, fileIndex, path: file.path, start, end, bytes });
    }
  });
  return tasks;
}
