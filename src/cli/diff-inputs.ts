/**
 * The reading half of `diff` (and of `report --baseline`): one side of a comparison from one path, as a
 * {@link DiffSide} (the aggregate and the per-record values the tests need).
 *
 * A side is read like `summarize` reads its inputs: a log file, a directory of `*.jsonl` files (through
 * the fast scanner), or a state file of `summarize --state` (recognized by its name or its magic bytes,
 * merged into the side's aggregator: its columns hold every record's duration and cost, which is all the
 * tests need).
 *
 * @module
 */
import type { Aggregator, MetricsAggregate } from '../aggregate/types.js';
import type { DiffSide } from '../diff/compare.js';
import { samplesOfState } from '../diff/samples.js';
import { aggregateInputs } from './aggregate-inputs.js';
import type { CommonOptions } from './args.js';
import type { CliIO } from './io.js';
import type { CliOutcome } from './outcome.js';

/** One side as read: the side and where it came from. */
export interface ReadSide {
  /** The aggregate and samples. */
  side: DiffSide;
  /** The log files read, in order (empty for a state file). */
  files: string[];
  /** Malformed lines skipped. */
  skipped: number;
}

/**
 * A side from an aggregator: its aggregate and the per-record values of its state.
 *
 * @param aggregator - The run's aggregator.
 * @param aggregate - Its `result()`, when already computed.
 * @returns The side.
 */
export function sideOfAggregator(aggregator: Aggregator, aggregate: MetricsAggregate = aggregator.result()): DiffSide {
  return { aggregate, samples: samplesOfState(aggregator.serialize()) };
}

/**
 * A diff shows no parallelism series (peak parallelism does not depend on the bucket width), so each
 * side's aggregate takes a width that fits its span: a run of months never fails on one-minute buckets.
 */
const SIDE_MAX_BUCKETS = 10_000;

/**
 * Reads one side of a comparison.
 *
 * @param arg - The side's path (a log file, a directory of logs, or a state file).
 * @param options - The shared reading options (`--agent`, `--strict`, `--progress`; its `bucketMs` is
 *   widened when the side's span needs more than 10,000 buckets).
 * @param io - Process streams.
 * @param quiet - No progress unless `--progress` (machine output).
 * @returns The side, or the problem that stopped reading (exit codes as `summarize`).
 */
export async function readSide(arg: string, options: CommonOptions, io: CliIO, quiet: boolean): Promise<ReadSide | { problem: CliOutcome }> {
  // A state file is an input of aggregateInputs as for summarize (merged into the aggregator).
  const read = await aggregateInputs([arg], options, io, quiet, undefined, SIDE_MAX_BUCKETS);
  if ('problem' in read) return read;
  return { side: sideOfAggregator(read.aggregator, read.aggregate), files: read.files, skipped: read.skipped };
}
