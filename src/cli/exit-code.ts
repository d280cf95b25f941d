/**
 * The exit-code decision, as a pure function of the outcome. Conventions: 0 success, 1 bad input (the
 * command was understood but its data was not usable), 2 usage (the command line itself is wrong, as in
 * most Unix tools and Node's own `parseArgs` users).
 *
 * @module
 */
import type { CliOutcome } from './outcome.js';

/** The exit codes the CLI uses. */
export type ExitCode = 0 | 1 | 2;

/**
 * Maps a command's outcome to the process exit code.
 *
 * @param outcome - The outcome.
 * @returns 0 ok, 1 bad input (missing or unreadable input, `--strict` violation, unwritable output, records
 *   that cannot be aggregated), 2 usage (including a `--bucket` that does not fit the records' span).
 */
export function exitCodeFor(outcome: CliOutcome): ExitCode {
  switch (outcome.kind) {
    case 'ok':
      return 0;
    case 'usage':
      return 2;
    case 'missing-input':
    case 'unreadable-input':
    case 'malformed-line':
    case 'output-failed':
    case 'invalid-data':
      return 1;
  }
}
