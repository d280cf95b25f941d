/**
 * The demo's progress on stderr (stdout carries the summary). On a terminal one status line is redrawn in
 * place at most every 100 ms, with phase starts and messages printed above it; elsewhere plain lines are
 * written: one per phase start and a status line at most once a second.
 *
 * @module
 */
import { formatCostShort } from '../report/format.js';
import type { ReplayProgress } from './replay.js';

/** Simulated time as `mm:ss` (or `h:mm:ss` past an hour). */
export function formatClock(ms: number): string {
  const s = Math.floor(ms / 1000);
  const two = (n: number): string => String(n).padStart(2, '0');
  const [h, m, sec] = [Math.floor(s / 3600), Math.floor((s % 3600) / 60), s % 60];
  return h > 0 ? `${h}:${two(m)}:${two(sec)}` : `${two(m)}:${two(sec)}`;
}

/**
 * One status line. Pure.
 *
 * @param p - The replay's progress.
 * @returns E.g. `[ 42%] sim 07:58/19:24  phase 2  ended 28/66  in flight 6  retries 5  failures 7  cost $2.31`.
 */
export function formatProgress(p: Readonly<ReplayProgress>): string {
  const pct = p.spanMs === 0 ? 100 : Math.min(100, Math.floor((p.simMs / p.spanMs) * 100));
  return [
    `[${String(pct).padStart(3)}%] sim ${formatClock(p.simMs)}/${formatClock(p.spanMs)}`,
    `phase ${Math.max(p.phase, 0)}`,
    `ended ${p.ended}/${p.total}`,
    `in flight ${p.inFlight}`,
    `retries ${p.retries}`,
    `failures ${p.failures}`,
    `cost ${formatCostShort(p.cost)}`,
  ].join('  ');
}

/** The demo's progress reporter. */
export interface DemoProgress {
  /** Shows the status (throttled). */
  update(p: Readonly<ReplayProgress>): void;
  /** Prints a message line (a phase start, the interrupt notice), above the status on a terminal. */
  message(text: string): void;
  /** Prints the last status unthrottled (off a terminal) or erases it (on one). */
  finish(p: Readonly<ReplayProgress>): void;
}

/**
 * Creates the reporter.
 *
 * @param stream - stderr.
 * @param tty - Whether `stream` is a terminal.
 * @param now - Wall clock in ms, for tests.
 * @returns The reporter.
 */
export function createDemoProgress(stream: { write(text: string): unknown }, tty: boolean, now: () => number = Date.now): DemoProgress {
  const interval = tty ? 100 : 1000;
  let last = -Infinity;
  let status = '';
  const clear = (): void => {
    if (tty && status !== '') stream.write('\r\x1b[2K');
  };
  return {
    update(p) {
      const t = now();
      if (t - last < interval) return;
      last = t;
      status = formatProgress(p);
      if (tty) stream.write(`\r\x1b[2K${status}`);
      else stream.write(`${status}\n`);
    },
    message(text) {
      clear();
      stream.write(`${text}\n`);
      if (tty && status !== '') stream.write(status);
    },
    finish(p) {
      if (tty) clear();
      else stream.write(`${formatProgress(p)}\n`);
      status = '';
    },
  };
}
