/**
 * Placeholder of the `demo` command (the real demo replaces this file).
 *
 * @module
 */
import type { CliIO } from './io.js';

/**
 * Runs the demo.
 *
 * @param _argv - Arguments after `demo`.
 * @param io - Process streams.
 * @returns The exit code.
 */
export async function runDemo(_argv: string[], io: CliIO): Promise<number> {
  io.stderr.write('invocation-metrics: the demo is not available in this build\n');
  return 1;
}
