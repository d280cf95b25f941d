/**
 * The CLI's view of its process: where it writes and what it knows about the terminal. Commands take a
 * {@link CliIO} instead of touching `process`, so that they can be run in-process with captured streams.
 *
 * @module
 */

/** A writable text stream (a subset of `NodeJS.WritableStream`). */
export interface CliStream {
  /** Writes text. */
  write(text: string): unknown;
}

/** The process-facing side of a CLI run. */
export interface CliIO {
  /** Standard output: results only (tables, JSON). */
  stdout: CliStream;
  /** Standard error: warnings, errors, progress. */
  stderr: CliStream;
  /** Whether stdout is a terminal (human tables, colour). */
  stdoutIsTTY: boolean;
  /** Whether stderr is a terminal (progress is shown by default). */
  stderrIsTTY: boolean;
  /** Environment variables (`NO_COLOR` is honoured). */
  env: Record<string, string | undefined>;
}

/**
 * The {@link CliIO} of the current process.
 *
 * @returns Streams and flags of `process`.
 */
export function processIO(): CliIO {
  return {
    stdout: process.stdout,
    stderr: process.stderr,
    stdoutIsTTY: process.stdout.isTTY === true,
    stderrIsTTY: process.stderr.isTTY === true,
    env: process.env,
  };
}
