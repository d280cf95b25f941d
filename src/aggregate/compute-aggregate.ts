/**
 * `computeAggregate()`: the pure post-run summary, a fold of the records through an aggregator.
 *
 * @module
 */
import type { InvocationMetric } from '../record.js';
import { createAggregator } from './aggregator.js';
import type { AggregateOptions, MetricsAggregate } from './types.js';

/**
 * Computes the aggregate of valid records (validate them first, e.g. with `validateMetric`). Pure: same
 * input, same output; no clock, no I/O. See `MetricsAggregate` for every field's definition.
 *
 * @param records - Records in input order (input order breaks ties between previous attempts).
 * @param options - Options (`bucketMs`).
 * @returns The aggregate.
 * @throws `InvalidOptionError` for a bad `bucketMs`; its subclass `BucketLimitError` when `bucketMs` does
 *   not fit the records' span (more than `MAX_BUCKETS` buckets, or a bucket before the first valid date),
 *   naming the span and a width that fits. `InvalidMetricError` for unvalidated records whose end is past
 *   the last valid date or whose costs sum past the largest number.
 * @example
 * ```ts
 * const { totalCost, peakParallelInvocations } = computeAggregate(collector.getAll(), { bucketMs: 1000 });
 * ```
 */
export function computeAggregate(records: Iterable<InvocationMetric>, options?: AggregateOptions): MetricsAggregate {
  const aggregator = createAggregator(options);
  for (const record of records) aggregator.add(record);
  return aggregator.result();
}
