/**
 * What a command run ends with, as data (a `kind`-tagged union, never thrown): the exit code and the
 * message are derived from it by small pure functions.
 *
 * @module
 */
import { escapeTerminal } from '../report/escape.js';

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
  /**
   * Nothing valid was read: the inputs hold no valid record (empty, or only malformed lines), or the
   * filters kept none of them. `valid` counts the valid records before the filters.
   */
  | { kind: 'no-records'; files: number; valid: number; skipped: number; filters: readonly string[] }
  /** The records read cannot be aggregated (a value no valid record holds; a bug of the reader if seen). */
  | { kind: 'invalid-data'; reason: string }
  /** `diff --fail-on`: a gate tripped (the diff itself was printed). `gates` describe each tripped gate. */
  | { kind: 'gate-tripped'; gates: readonly string[] };

const plural = (n: number, word: string): string => `${n} ${word}${n === 1 ? '' : 's'}`;

function noRecordsReason(o: Extract<CliOutcome, { kind: 'no-records' }>): string {
  if (o.valid > 0) return `${plural(o.valid, 'valid record')} in ${plural(o.files, 'file')}, none kept by ${escapeTerminal(o.filters.join(', '))}`;
  const skipped = o.skipped > 0 ? ` (${plural(o.skipped, 'malformed line')} skipped)` : '';
  return `${o.files === 1 ? 'the input holds' : `the ${o.files} inputs hold`} no valid record${skipped}`;
}

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
    case 'no-records':
      return `no records matched: ${noRecordsReason(outcome)}`;
    case 'invalid-data':
      return `cannot aggregate the records: ${outcome.reason}`;
    case 'gate-tripped':
      return `--fail-on tripped: ${escapeTerminal(outcome.gates.join('; '))}`;
  }
}
