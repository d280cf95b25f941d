/**
 * The exit-code decision, as a pure function of the outcome. Conventions: 0 success, 1 bad input (the
 * command was understood but its data was not usable), 2 usage (the command line itself is wrong, as in
 * most Unix tools and Node's own `parseArgs` users), 3 no records: everything was read, and nothing
 * valid was kept (empty inputs, only malformed lines, or filters that match nothing). 3 is apart from 1
 * so that a script can tell an empty window (`--since`/`--until`) or an agent that did not run from a
 * missing or broken input, as `grep` tells "no match" from an error. 4: `diff --fail-on` tripped: the
 * inputs were fine and the diff was printed, but the candidate moved past a gate; apart from 1-3 so that
 * CI tells a regression from a broken job.
 *
 * @module
 */
import type { CliOutcome } from './outcome.js';

/** The exit codes the CLI uses. */
export type ExitCode = 0 | 1 | 2 | 3 | 4;

/**
 * Maps a command's outcome to the process exit code.
 *
 * @param outcome - The outcome.
 * @returns 0 ok, 1 bad input (missing or unreadable input, `--strict` violation, unwritable output, records
 *   that cannot be aggregated), 2 usage (including a `--bucket` that does not fit the records' span),
 *   3 no records, 4 a `diff --fail-on` gate tripped.
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
    case 'no-records':
      return 3;
    case 'gate-tripped':
      return 4;
  }
}
