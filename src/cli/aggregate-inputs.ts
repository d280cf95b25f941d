/**
 * The reading half of `summarize` and `report`: expand the inputs, stream them with progress and
 * warnings on stderr, and return the merged aggregate.
 *
 * @module
 */
import { resultFitting } from '../aggregate/aggregator.js';
import type { Aggregator, MetricsAggregate } from '../aggregate/types.js';
import { BucketLimitError, InvalidMetricError } from '../errors.js';
import { escapeTerminal } from '../report/escape.js';
import type { InvocationMetric } from '../record.js';
import type { CommonOptions } from './args.js';
import { expandInputs } from './inputs.js';
import type { CliIO } from './io.js';
import { loadInputs } from './load.js';
import type { CliOutcome } from './outcome.js';
import { createProgress } from './progress.js';
import { formatBucket } from './values.js';

/** The aggregate of the inputs and what was skipped. */
export interface AggregatedInputs {
  /** The merged aggregate. */
  aggregate: MetricsAggregate;
  /** The aggregator it came from (its `serialize()` holds the per-record columns `diff` tests on). */
  aggregator: Aggregator;
  /** The files read, in order. */
  files: string[];
  /** Malformed or invalid lines skipped. */
  skipped: number;
}

/** The inputs read into one aggregator, before its result is computed. */
export interface LoadedInputs {
  /** Every kept record. */
  aggregator: Aggregator;
  /** The files read, in order. */
  files: string[];
  /** Malformed or invalid lines skipped. */
  skipped: number;
}

/**
 * Reads the inputs (logs and state files, in argument order) into one aggregator, with progress and
 * warnings on stderr. Progress goes to stderr when `--progress` is given, or when stderr is a terminal and
 * `quiet` is false (`--json`: machine output is not mixed with progress unless asked). A state holds
 * records already chosen, and no record objects: with a state among the inputs, `--since`, `--until`,
 * `--agent` (filter the logs when you write their state) and `onRecord` are usage errors.
 *
 * @param args - Positional arguments (`<file|dir>...`).
 * @param options - The shared options.
 * @param io - Process streams.
 * @param quiet - Suppress the default progress (not `--progress`).
 * @param onRecord - Called with every kept record; `onRecordNeed` names it in the usage error with states.
 * @returns The aggregator, or the problem that stopped reading (`no-records` when no record was kept).
 */
export async function loadAllInputs(
  args: readonly string[],
  options: CommonOptions,
  io: CliIO,
  quiet: boolean,
  onRecord?: { fn: (record: InvocationMetric) => void; need: string },
): Promise<LoadedInputs | { problem: CliOutcome }> {
  const inputs = await expandInputs(args);
  if ('problem' in inputs) return inputs;
  const state = inputs.files.find((f) => f.state === true);
  if (state !== undefined && options.filterFlags.length > 0)
    return usage(`${options.filterFlags.join(', ')} cannot apply to the state file ${escapeTerminal(state.path)}: a state holds the records chosen when it was written (filter the logs then)`);
  if (state !== undefined && onRecord !== undefined) return usage(`the state file ${escapeTerminal(state.path)} cannot be read here: ${onRecord.need}`);
  for (const note of inputs.notes) io.stderr.write(`${note}\n`);
  const showProgress = options.progress || (io.stderrIsTTY && !quiet);
  const total = inputs.files.reduce((s, f) => s + f.size, 0);
  const progress = showProgress ? createProgress(io.stderr, total, io.stderrIsTTY) : undefined;
  // Valid records before the filters, for the message when the filters keep none.
  let valid = 0;
  const { filter } = options;
  const loaded = await loadInputs(inputs.files, {
    bucketMs: options.bucketMs,
    filter: filter === undefined ? undefined : (record) => (valid++, filter(record)),
    strict: options.strict,
    progress,
    ...(onRecord === undefined ? {} : { onRecord: onRecord.fn }),
    warn: (line) => io.stderr.write(`${line}\n`),
  });
  progress?.finish();
  if (loaded.problem !== undefined) return { problem: loaded.problem };
  if (loaded.skipped > 0) io.stderr.write(`skipped ${loaded.skipped} malformed line${loaded.skipped === 1 ? '' : 's'}\n`);
  // An all-zero summary (or a 10 KB report of nothing) would look like a run that cost nothing.
  if (loaded.aggregator.count === 0)
    return { problem: { kind: 'no-records', files: inputs.files.length, valid, skipped: loaded.skipped, filters: options.filterFlags } };
  return { aggregator: loaded.aggregator, files: inputs.files.map((f) => f.path), skipped: loaded.skipped };
}

const usage = (message: string): { problem: CliOutcome } => ({ problem: { kind: 'usage', message } });

/**
 * Reads the inputs into one aggregate (see {@link loadAllInputs}).
 *
 * @param args - Positional arguments (`<file|dir>...`).
 * @param options - The shared options.
 * @param io - Process streams.
 * @param quiet - Suppress the default progress (not `--progress`).
 * @param onRecord - Called with every kept record, and what needs it (for the usage error with states).
 * @param fitBuckets - Widen the bucket width when the series would hold more buckets than this (the
 *   report, when no `--bucket` was given); without it, a width that does not fit is a usage error.
 * @returns The aggregate, or the problem that stopped reading (`no-records` when no record was kept).
 */
export async function aggregateInputs(
  args: readonly string[],
  options: CommonOptions,
  io: CliIO,
  quiet: boolean,
  onRecord?: { fn: (record: InvocationMetric) => void; need: string },
  fitBuckets?: number,
): Promise<AggregatedInputs | { problem: CliOutcome }> {
  const loaded = await loadAllInputs(args, options, io, quiet, onRecord);
  if ('problem' in loaded) return loaded;
  const result = aggregateOf(loaded.aggregator, fitBuckets);
  if ('problem' in result) return result;
  return { aggregate: result.aggregate, aggregator: loaded.aggregator, files: loaded.files, skipped: loaded.skipped };
}

/**
 * `result()`, with its documented errors turned into outcomes: a bucket width that does not fit the
 * span is a usage error (exit 2) that names the span and a `--bucket` that fits.
 *
 * @param aggregator - The records read.
 * @param fitBuckets - See {@link aggregateInputs}.
 * @returns The aggregate, or the problem.
 */
export function aggregateOf(aggregator: Aggregator, fitBuckets?: number): { aggregate: MetricsAggregate } | { problem: CliOutcome } {
  try {
    return { aggregate: fitBuckets === undefined ? aggregator.result() : resultFitting(aggregator, fitBuckets) };
  } catch (error) {
    if (error instanceof BucketLimitError) {
      const given = formatBucket(error.value as number);
      const span = `${error.spanStart} to ${error.spanEnd}`;
      const message =
        error.buckets > 0
          ? `--bucket ${given} is too narrow for the records' span (${span}): it would take ${error.buckets} buckets, ` +
            `at most ${error.maxBuckets} are allowed; use --bucket ${formatBucket(error.suggestedBucketMs)} or wider`
          : `--bucket ${given} is too wide: the bucket of the earliest start (${error.spanStart}) would begin before the first valid date; ` +
            `use --bucket ${formatBucket(error.suggestedBucketMs)} or narrower`;
      return { problem: { kind: 'usage', message } };
    }
    if (error instanceof InvalidMetricError) return { problem: { kind: 'invalid-data', reason: escapeTerminal(error.message) } };
    throw error;
  }
}
