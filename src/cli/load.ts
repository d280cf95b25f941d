/**
 * Reading the input files into one aggregator through the fast scanner (`src/scan`): files and large
 * files' byte ranges are scanned in parallel and merged in argument order (exact: the merged result
 * equals the aggregate of the concatenated files); memory does not grow with the size of a file beyond
 * what the aggregate itself keeps.
 *
 * @module
 */
import { createAggregator } from '../aggregate/aggregator.js';
import type { Aggregator } from '../aggregate/types.js';
import { StateFileError } from '../errors.js';
import type { InvocationMetric } from '../record.js';
import { escapeTerminal } from '../report/escape.js';
import { scanLogs } from '../scan/index.js';
import { readStateFile } from '../state/state-file.js';
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
 * Reads every input in argument order, warning once per malformed line as `file:line: reason`. Logs are
 * scanned (consecutive logs together, so that the scan can spread them over its workers), state files
 * are read and appended where they stand: the result is the aggregate of everything concatenated in that
 * order.
 *
 * @param files - The inputs, in order.
 * @param options - See {@link LoadOptions}.
 * @returns The merged aggregator, the skipped-line count, and the problem that stopped loading, if any.
 */
export async function loadInputs(files: readonly InputFile[], options: LoadOptions): Promise<LoadResult> {
  // Logs alone: the scan's aggregator as it is (it may carry parts of its result computed ahead).
  if (!files.some((f) => f.state === true)) return loadLogs(files, options);
  const total = createAggregator({ bucketMs: options.bucketMs });
  let skipped = 0;
  for (let i = 0; i < files.length; ) {
    const file = files[i]!;
    if (file.state === true) {
      try {
        total.mergeState(await readStateFile(file.path));
      } catch (error) {
        if (!(error instanceof StateFileError)) throw error;
        return { aggregator: total, skipped, problem: { kind: 'unreadable-input', path: escapeTerminal(file.path), reason: escapeTerminal(error.reason) } };
      }
      options.progress?.advance(file.size);
      options.progress?.fileDone(file.path, file.size);
      i++;
      continue;
    }
    let end = i;
    while (end < files.length && files[end]!.state !== true) end++;
    const read = await loadLogs(files.slice(i, end), options);
    skipped += read.skipped;
    total.merge(read.aggregator);
    if (read.problem !== undefined) return { aggregator: total, skipped, problem: read.problem };
    i = end;
  }
  return { aggregator: total, skipped };
}

async function loadLogs(files: readonly InputFile[], options: LoadOptions): Promise<LoadResult> {
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
