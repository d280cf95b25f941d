/**
 * Progress of a long read on stderr (never stdout: stdout carries the result). On a terminal one line is
 * redrawn in place at most every 100 ms and erased at the end; elsewhere (`--progress` into a file or a
 * pipe) plain lines are written, at most one per second, plus one per finished file.
 *
 * @module
 */
import type { CliStream } from './io.js';

/** A progress reporter. */
export interface Progress {
  /** Counts bytes read in the current file (an estimate while a file is being read). */
  advance(bytes: number): void;
  /** Marks a file as completely read: the count becomes exact. */
  fileDone(file: string, size: number): void;
  /** Erases the terminal line; nothing more is written. */
  finish(): void;
}

/** A reporter that shows nothing. */
export const noProgress: Progress = { advance() {}, fileDone() {}, finish() {} };

const mb = (bytes: number): string => `${(bytes / 1e6).toFixed(1)} MB`;

/**
 * Creates a progress reporter over `totalBytes`.
 *
 * @param stream - Where to write (stderr).
 * @param totalBytes - Sum of the input sizes.
 * @param tty - Whether `stream` is a terminal (redraw in place) or not (plain lines).
 * @param now - Clock, for tests.
 * @returns The reporter.
 */
export function createProgress(stream: CliStream, totalBytes: number, tty: boolean, now: () => number = Date.now): Progress {
  let done = 0; // bytes of finished files, exact
  let current = 0; // estimated bytes of the file being read
  let last = -Infinity;
  let drawn = false;
  const interval = tty ? 100 : 1000;
  const show = (force: boolean, file?: string): void => {
    const t = now();
    if (!force && t - last < interval) return;
    last = t;
    const read = Math.min(totalBytes, done + current);
    const pct = totalBytes === 0 ? 100 : Math.floor((read / totalBytes) * 100);
    const msg = `read ${mb(read)} of ${mb(totalBytes)} (${pct}%)${file === undefined ? '' : ` ${file}`}`;
    if (tty) {
      stream.write(`\r\x1b[2K${msg}`);
      drawn = true;
    } else stream.write(`progress: ${msg}\n`);
  };
  return {
    advance(bytes) {
      current += bytes;
      show(false);
    },
    fileDone(file, size) {
      done += size;
      current = 0;
      show(true, file);
    },
    finish() {
      if (drawn) stream.write('\r\x1b[2K');
      drawn = false;
    },
  };
}
