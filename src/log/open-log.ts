/**
 * Opening a log for appending: one descriptor, opened without following links and checked to be a regular
 * file of its own, then repaired (a torn tail cut) through that same descriptor, so that what is checked,
 * what is repaired and what is written are one file.
 *
 * @module
 */
import fs from 'node:fs';
import type { Logger } from '../logger.js';
import { repairOpenLog } from './repair.js';
import { openRegularFile } from './safe-open.js';

/** A log open for appending. */
export interface OpenLog {
  /** The descriptor (read-write, append mode); the caller closes it. */
  fd: number;
  /** Its size once repaired: where the next line goes. */
  size: number;
  /** Its device, to tell later whether the path still names it. */
  dev: bigint;
  /** Its inode. */
  ino: bigint;
}

/**
 * Opens (creates) a log for appending and repairs its torn tail. Call it only while holding the log's lock.
 *
 * @param logPath - The log file.
 * @param logger - Receives the repair's warning.
 * @param repair - Cut a torn tail (not when a batch cut in the middle goes on in the same file).
 * @returns The open log.
 * @throws {@link UnsafeLogFileError} for a log that is a link, not a regular file, or not like a log; file-system
 *   errors as they are. Nothing is left open when it throws.
 */
export function openLogForAppend(logPath: string, logger: Logger, repair = true): OpenLog {
  const { fd, stats } = openRegularFile(logPath, 'append')!;
  try {
    if (repair) repairOpenLog(fd, logPath, logger);
    return { fd, size: fs.fstatSync(fd).size, dev: stats.dev, ino: stats.ino };
  } catch (error) {
    fs.closeSync(fd);
    throw error;
  }
}
