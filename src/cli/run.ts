/**
 * The CLI's entry point as a function: parses the command name, dispatches, prints the failure message
 * and returns the exit code. `main.ts` is the thin shell that calls it with the real process.
 *
 * @module
 */
import { exitCodeFor } from './exit-code.js';
import { GLOBAL_HELP } from './help.js';
import type { CliIO } from './io.js';
import { describeOutcome, type CliOutcome } from './outcome.js';
import { packageVersion } from './version.js';

/** The program name used in messages. */
export const PROGRAM = 'invocation-metrics';

/**
 * Prints a failed outcome on stderr (with a pointer to the help for usage errors) and maps it to the
 * exit code.
 *
 * @param outcome - The command's outcome.
 * @param io - Process streams.
 * @returns The exit code.
 */
export function finish(outcome: CliOutcome, io: CliIO): number {
  if (outcome.kind !== 'ok') {
    io.stderr.write(`${PROGRAM}: ${describeOutcome(outcome)}\n`);
    if (outcome.kind === 'usage') io.stderr.write(`Run '${PROGRAM}${outcome.command ? ` ${outcome.command}` : ''} --help' for usage.\n`);
  }
  return exitCodeFor(outcome);
}

/**
 * Runs the CLI.
 *
 * @param argv - Arguments after the program name.
 * @param io - Process streams.
 * @returns The exit code: 0 ok, 1 bad input, 2 usage, 3 no records, 4 a `diff --fail-on` gate tripped (see `exitCodeFor`).
 */
export async function runCli(argv: string[], io: CliIO): Promise<number> {
  const [command, ...rest] = argv;
  switch (command) {
    case undefined:
      io.stderr.write(GLOBAL_HELP);
      return 2;
    case '-h':
    case '--help':
    case 'help':
      io.stdout.write(GLOBAL_HELP);
      return 0;
    case '-v':
    case '--version':
      io.stdout.write(`${packageVersion()}\n`);
      return 0;
    // Each command's modules are loaded on demand: a command loads only what it runs (the report's
    // renderers are a dozen modules that summarize never needs, and the demo pulls in the collector and OTel).
    case 'summarize': {
      const { runSummarize } = await import('./summarize.js');
      return finish(await runSummarize(rest, io), io);
    }
    case 'report': {
      const { runReport } = await import('./report.js');
      return finish(await runReport(rest, io), io);
    }
    case 'diff': {
      const { runDiff } = await import('./diff.js');
      return finish(await runDiff(rest, io), io);
    }
    case 'watch': {
      const { runWatch } = await import('./watch.js');
      return finish(await runWatch(rest, io), io);
    }
    case 'sql': {
      const { runSql } = await import('./sql.js');
      return finish(runSql(rest, io), io);
    }
    case 'demo': {
      const { runDemo } = await import('./demo.js');
      return runDemo(rest, io);
    }
    default:
      return finish({ kind: 'usage', message: `Unknown command '${command}' (expected summarize, report, diff, watch, sql or demo)` }, io);
  }
}
