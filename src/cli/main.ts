#!/usr/bin/env node
/**
 * The `invocation-metrics` executable: runs the CLI with the real process and sets the exit code.
 *
 * @module
 */
import { relaunchWithHugePages } from './huge-pages.js';
import { prestartScanWorkers, summarizeScanBytes } from './prestart.js';

// First, before the rest of the CLI loads (its modules take about 40 ms): a very large summarize starts
// itself again with huge pages (Linux, glibc; see huge-pages.ts), then a large summarize's worker threads
// start loading their modules meanwhile.
const scanBytes = summarizeScanBytes(process.argv.slice(2));
relaunchWithHugePages(scanBytes);
prestartScanWorkers(scanBytes);
const { processIO } = await import('./io.js');
const { runCli } = await import('./run.js');

// A reader that closed the pipe early (`summarize --json | head`) wants no more output: end quietly, as
// Unix tools do, instead of dying on an unhandled EPIPE.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
    process.exit(process.exitCode ?? 0);
  });
}

// exitCode rather than process.exit(): pending stdout writes to a pipe are flushed before the process ends.
process.exitCode = await runCli(process.argv.slice(2), processIO());
