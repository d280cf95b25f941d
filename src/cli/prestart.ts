/**
 * What the CLI does first, before it loads the rest of its modules: when the command line is a
 * `summarize` whose inputs are large enough for the scan's worker threads, start those workers now, so
 * that they load their modules while the CLI loads its own (see `src/scan/prestart.ts`). A guess from
 * the raw arguments, made cheaply: a wrong guess only costs starting workers that are then stopped, or
 * starting them later, as without it. Only `summarize` reads without record objects (`report` samples
 * records, `--since`, `--until` and `--agent` filter them): those read in one thread.
 *
 * @module
 */
import fs from 'node:fs';
import os from 'node:os';
import v8 from 'node:v8';
import { PARALLEL_MIN_BYTES, prestartWorkers, workerThreadsFor } from '../scan/prestart.js';
import { listLogFiles } from './log-files.js';

/** Options of `summarize` that make it read record objects, in one thread. */
const FILTERS = ['--since', '--until', '--agent'];

/** Bytes of a file, or of the `*.jsonl` files under a directory (as `summarize` will read them); 0 for anything else or an error. */
function bytesOf(arg: string): number {
  try {
    const stat = fs.statSync(arg);
    if (stat.isFile()) return stat.size;
    if (!stat.isDirectory()) return 0;
    const listing = listLogFiles(arg);
    return 'problem' in listing ? 0 : listing.files.reduce((sum, f) => sum + f.size, 0);
  } catch {
    return 0;
  }
}

/**
 * Bytes a `summarize` on this command line will scan without record objects (its files, and the `*.jsonl`
 * files of its directories); 0 for any other command, for a filtered summarize (`--since`, `--until`,
 * `--agent`: it reads record objects in one thread), and for state files (merged, not scanned).
 *
 * @param argv - The arguments after the executable (`process.argv.slice(2)`).
 * @returns The bytes, from the raw arguments (a guess: the CLI's parser decides later).
 */
export function summarizeScanBytes(argv: readonly string[]): number {
  if (argv[0] !== 'summarize') return 0;
  const rest = argv.slice(1);
  if (rest.some((arg) => FILTERS.some((f) => arg === f || arg.startsWith(`${f}=`)))) return 0;
  let bytes = 0;
  // State files are merged, not scanned; --state's own value is an output, usually named *.state too.
  for (const arg of rest) if (!arg.startsWith('-') && !arg.endsWith('.state')) bytes += bytesOf(arg);
  return bytes;
}

/**
 * Starts the scan workers when the command line asks for a read that will use them.
 *
 * @param bytes - What {@link summarizeScanBytes} gives for the command line.
 */
export function prestartScanWorkers(bytes: number): void {
  const workers = os.availableParallelism();
  if (workers < 2 || bytes < PARALLEL_MIN_BYTES) return;
  // The worker threads' engines, made from now on, optimize a hot function on their own thread, at once,
  // instead of handing it to V8's background compiler threads and running it unoptimized meanwhile: with
  // every core busy scanning, those threads got little time, and each worker spent its first 100 to 150
  // ms in slow code (summarize of the 1M-record benchmark: 4 to 6% less wall time on Node 20; 7%, 2% and
  // 4% on Node 22, 24 and 26, `npm run bench:v8`).
  // Process-wide, so only this CLI's large summarize sets it; this thread's engine is not affected.
  v8.setFlagsFromString('--no-concurrent-recompilation');
  prestartWorkers(workerThreadsFor(workers));
}
