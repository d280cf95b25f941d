#!/usr/bin/env node
/**
 * The `invocation-metrics` executable: runs the CLI with the real process and sets the exit code.
 *
 * @module
 */
import { processIO } from './io.js';
import { runCli } from './run.js';

// exitCode rather than process.exit(): pending stdout writes to a pipe are flushed before the process ends.
process.exitCode = await runCli(process.argv.slice(2), processIO());
