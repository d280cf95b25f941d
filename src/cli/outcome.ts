/**
 * What a command run ends with, as data (a `kind`-tagged union, never thrown): the exit code and the
 * message are derived from it by small pure functions.
 *
 * @module
 */

/** A command's result. */
export type CliOutcome =
  /** Success. */
  | { kind: 'ok' }
  /** Bad command line: unknown flag, bad value, missing argument. */
  | { kind: 'usage'; message: string; command?: string }
  /** An input path does not exist. */
  | { kind: 'missing-input'; path: string }
  /** An input exists but cannot be read (permission, not a regular file, I/O error) or holds no logs. */
  | { kind: 'unreadable-input'; path: string; reason: string }
  /** `--strict` and a malformed or invalid line. */
  | { kind: 'malformed-line'; file: string; line: number; reason: string }
  /** The output file cannot be written. */
  | { kind: 'output-failed'; path: string; reason: string }
  /** The records read cannot be aggregated (a value no valid record holds; a bug of the reader if seen). */
  | { kind: 'invalid-data'; reason: string };

/**
 * The one-line error message of a failed outcome (without the program name).
 *
 * @param outcome - A failed outcome.
 * @returns The message.
 */
export function describeOutcome(outcome: Exclude<CliOutcome, { kind: 'ok' }>): string {
  switch (outcome.kind) {
    case 'usage':
      return outcome.message;
    case 'missing-input':
      return `${outcome.path}: no such file or directory`;
    case 'unreadable-input':
      return `${outcome.path}: ${outcome.reason}`;
    case 'malformed-line':
      return `${outcome.file}:${outcome.line}: ${outcome.reason} (--strict)`;
    case 'output-failed':
      return `cannot write ${outcome.path}: ${outcome.reason}`;
    case 'invalid-data':
      return `cannot aggregate the records: ${outcome.reason}`;
  }
}
