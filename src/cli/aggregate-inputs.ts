/**
 * The reading half of `summarize` and `report`: expand the inputs, stream them with progress and
 * warnings on stderr, and return the merged aggregate.
 *
 * @module
 */
import type { MetricsAggregate } from '../aggregate/types.js';
import type { InvocationMetric } from '../record.js';
import type { CommonOptions } from './args.js';
import { expandInputs } from './inputs.js';
import type { CliIO } from './io.js';
import { loadInputs } from './load.js';
import type { CliOutcome } from './outcome.js';
import { createProgress } from './progress.js';

/** The aggregate of the inputs and what was skipped. */
export interface AggregatedInputs {
  /** The merged aggregate. */
  aggregate: MetricsAggregate;
  /** The files read, in order. */
  files: string[];
  /** Malformed or invalid lines skipped. */
  skipped: number;
}

/**
 * Reads the inputs into one aggregate. Progress goes to stderr when `--progress` is given, or when stderr
 * is a terminal and `quiet` is false (`--json`: machine output is not mixed with progress unless asked).
 *
 * @param args - Positional arguments (`<file|dir>...`).
 * @param options - The shared options.
 * @param io - Process streams.
 * @param quiet - Suppress the default progress (not `--progress`).
 * @param onRecord - Called with every kept record.
 * @returns The aggregate, or the problem that stopped reading (`no-records` when no record was kept).
 */
export async function aggregateInputs(
  args: readonly string[],
  options: CommonOptions,
  io: CliIO,
  quiet: boolean,
  onRecord?: (record: InvocationMetric) => void,
): Promise<AggregatedInputs | { problem: CliOutcome }> {
  const inputs = await expandInputs(args);
  if ('problem' in inputs) return inputs;
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
    ...(onRecord === undefined ? {} : { onRecord }),
    warn: (line) => io.stderr.write(`${line}\n`),
  });
  progress?.finish();
  if (loaded.problem !== undefined) return { problem: loaded.problem };
  if (loaded.skipped > 0) io.stderr.write(`skipped ${loaded.skipped} malformed line${loaded.skipped === 1 ? '' : 's'}\n`);
  const aggregate = loaded.aggregator.result();
  // An all-zero summary (or a 10 KB report of nothing) would look like a run that cost nothing.
  if (aggregate.totalInvocations === 0)
    return { problem: { kind: 'no-records', files: inputs.files.length, valid, skipped: loaded.skipped, filters: options.filterFlags } };
  return { aggregate, files: inputs.files.map((f) => f.path), skipped: loaded.skipped };
}
