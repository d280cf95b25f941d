/**
 * Reading the input files into one aggregator through the fast scanner (`src/scan`): files and large
 * files' byte ranges are scanned in parallel and merged in argument order (exact: the merged result
 * equals the aggregate of the concatenated files); memory does not grow with the size of a file beyond
 * what the aggregate itself keeps.
 *
 * @module
 */
import type { Aggregator } from '../aggregate/types.js';
import type { InvocationMetric } from '../record.js';
import { escapeTerminal } from '../report/escape.js';
import { scanLogs } from '../scan/index.js';
import type { InputFile } from './inputs.js';
import type { CliOutcome } from './outcome.js';
import type { Progress } from './progress.js';

/** Options of {@link loadInputs}. */
export interface LoadOptions {
  /** Bucket width of the parallelism series, ms. */
  bucketMs: number;
  /** Keeps a record when it returns true; all records when absent. */
  filter?: ((record: InvocationMetric) => boolean) | undefined;
  /** Stop at the first malformed line. */
  strict: boolean;
  /** Progress reporter; absent when progress is not shown (saves re-serializing every record). */
  progress?: Progress | undefined;
  /** Called for every kept record (the report's timeline sampler). */
  onRecord?: (record: InvocationMetric) => void;
  /** Writes one line of diagnostics to stderr. */
  warn: (line: string) => void;
}

/** Result of {@link loadInputs}. */
export interface LoadResult {
  /** The merged aggregator of every kept record. */
  aggregator: Aggregator;
  /** Malformed or invalid lines skipped. */
  skipped: number;
  /** Set when loading stopped: unreadable file, or `--strict` and a malformed line. */
  problem?: CliOutcome;
}

/**
 * Reads every file, warning once per malformed line as `file:line: reason`.
 *
 * @param files - The files, in argument order.
 * @param options - See {@link LoadOptions}.
 * @returns The merged aggregator, the skipped-line count, and the problem that stopped loading, if any.
 */
export async function loadInputs(files: readonly InputFile[], options: LoadOptions): Promise<LoadResult> {
  const { progress } = options;
  const read = await scanLogs(files, {
    bucketMs: options.bucketMs,
    stopAtFirstWarning: options.strict,
    filter: options.filter,
    onRecord: options.onRecord,
    onWarning: (w) => options.warn(`${escapeTerminal(w.file)}:${w.line}: ${escapeTerminal(w.reason)}`),
    ...(progress === undefined
      ? {}
      : { onBytes: (bytes: number) => progress.advance(bytes), onFileDone: (i: number) => progress.fileDone(files[i]!.path, files[i]!.size) }),
  });
  const { aggregator, skipped, failed, stoppedAt } = read;
  if (failed !== undefined) {
    const e = failed.error;
    const reason = e.code === 'EACCES' || e.code === 'EPERM' ? 'permission denied' : (e.message ?? String(e));
    return { aggregator, skipped, problem: { kind: 'unreadable-input', path: failed.path, reason } };
  }
  if (stoppedAt !== undefined) {
    return { aggregator, skipped, problem: { kind: 'malformed-line', file: stoppedAt.file, line: stoppedAt.line, reason: escapeTerminal(stoppedAt.reason) } };
  }
  return { aggregator, skipped };
}
