/**
 * Streaming the input files through the aggregator: one aggregator per file, merged in argument order
 * (exact: the merged result equals the aggregate of the concatenated files), so that memory does not
 * grow with the size of one file beyond what the aggregate itself keeps.
 *
 * @module
 */
import { createAggregator } from '../aggregate/index.js';
import type { Aggregator } from '../aggregate/types.js';
import { readLog } from '../log/reader.js';
import type { InvocationMetric } from '../record.js';
import { escapeTerminal } from '../report/escape.js';
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
  const total = createAggregator({ bucketMs: options.bucketMs });
  let skipped = 0;
  for (const file of files) {
    const shard = createAggregator({ bucketMs: options.bucketMs });
    let fatal: CliOutcome | undefined;
    const onWarning = (w: { file: string; line: number; reason: string }): void => {
      skipped++;
      if (options.strict) fatal ??= { kind: 'malformed-line', file: w.file, line: w.line, reason: escapeTerminal(w.reason) };
      else options.warn(`${escapeTerminal(w.file)}:${w.line}: ${escapeTerminal(w.reason)}`);
    };
    try {
      for await (const record of readLog(file.path, { onWarning })) {
        if (fatal !== undefined) break;
        // Re-serializing estimates the line's size: the reader does not report byte offsets.
        if (options.progress !== undefined) options.progress.advance(Buffer.byteLength(JSON.stringify(record)) + 1);
        if (options.filter !== undefined && !options.filter(record)) continue;
        shard.add(record);
        options.onRecord?.(record);
      }
    } catch (error) {
      const e = error as NodeJS.ErrnoException;
      const reason = e.code === 'EACCES' || e.code === 'EPERM' ? 'permission denied' : (e.message ?? String(error));
      return { aggregator: total, skipped, problem: { kind: 'unreadable-input', path: file.path, reason } };
    }
    if (fatal !== undefined) return { aggregator: total, skipped, problem: fatal };
    options.progress?.fileDone(file.path, file.size);
    total.merge(shard);
  }
  return { aggregator: total, skipped };
}
