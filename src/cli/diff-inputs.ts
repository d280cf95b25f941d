/**
 * The reading half of `diff` (and of `report --baseline`): one side of a comparison from one path, as a
 * {@link DiffSide} (the aggregate and the per-record values the tests need).
 *
 * A side is read like `summarize` reads its inputs (a file, or a directory of `*.jsonl` files, through
 * the fast scanner). State files (`summarize --state`, a serialized `AggregatorState`) plug in at
 * {@link sideSource}: such a side is `sideOfState(state)`, with no log to read.
 *
 * @module
 */
import { createAggregator } from '../aggregate/aggregator.js';
import type { Aggregator, AggregatorState, MetricsAggregate } from '../aggregate/types.js';
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
 * What a side's path is. Only logs for now: once `summarize --state` defines its file format, a path
 * recognized as a state file (by its format tag) is `{ kind: 'state' }` and read with {@link sideOfState}.
 */
export type SideSource = { kind: 'logs'; path: string };

/**
 * Decides how a side's path is read.
 *
 * @param arg - The path as given.
 * @returns Its source kind.
 */
export function sideSource(arg: string): SideSource {
  return { kind: 'logs', path: arg };
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
 * A side from a serialized aggregator state (the plug for state files).
 *
 * @param state - The state.
 * @param bucketMs - Bucket width of the aggregate's parallelism series.
 * @returns The side.
 * @throws `InvalidOptionError` when `state` is not a well-formed state (from `mergeState`).
 */
export function sideOfState(state: AggregatorState, bucketMs: number): DiffSide {
  const aggregator = createAggregator({ bucketMs });
  aggregator.mergeState(state);
  return { aggregate: aggregator.result(), samples: samplesOfState(state) };
}

/**
 * A diff shows no parallelism series (peak parallelism does not depend on the bucket width), so each
 * side's aggregate takes a width that fits its span: a run of months never fails on one-minute buckets.
 */
const SIDE_MAX_BUCKETS = 10_000;

/**
 * Reads one side of a comparison.
 *
 * @param arg - The side's path (a log file or a directory of logs).
 * @param options - The shared reading options (`--agent`, `--strict`, `--progress`; its `bucketMs` is
 *   widened when the side's span needs more than 10,000 buckets).
 * @param io - Process streams.
 * @param quiet - No progress unless `--progress` (machine output).
 * @returns The side, or the problem that stopped reading (exit codes as `summarize`).
 */
export async function readSide(arg: string, options: CommonOptions, io: CliIO, quiet: boolean): Promise<ReadSide | { problem: CliOutcome }> {
  const source = sideSource(arg);
  const read = await aggregateInputs([source.path], options, io, quiet, undefined, SIDE_MAX_BUCKETS);
  if ('problem' in read) return read;
  return { side: sideOfAggregator(read.aggregator, read.aggregate), files: read.files, skipped: read.skipped };
}
