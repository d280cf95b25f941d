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

/**
 * Plans the tasks.
 *
 * @param files - The inputs in order, with their sizes when listed.
 * @param taskBytes - Target bytes per task (> 0).
 * @returns The tasks in input order.
 */
export function planTasks(files: readonly { path: string; size: number }[], taskBytes: number): ScanTask[] {
  const tasks: ScanTask[] = [];
  files.forEach((file, fileIndex) => {
    const parts = Math.max(1, Math.round(file.size / taskBytes));
    for (let k = 0; k < parts; k++) {
      const start = Math.floor((file.size * k) / parts);
      const end = k === parts - 1 ? Infinity : Math.floor((file.size * (k + 1)) / parts);
      const bytes = (k === parts - 1 ? file.size : end) - start;
      tasks.push({ index: tasks.length, fileIndex, path: file.path, start, end, bytes });
    }
  });
  return tasks;
}
