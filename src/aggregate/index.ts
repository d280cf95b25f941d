/**
 * The pure aggregate: `computeAggregate()` and the streaming `createAggregator()`.
 *
 * @module
 */
export { createAggregator } from './aggregator.js';
export { computeAggregate } from './compute-aggregate.js';
export { stateTransferList, STATE_FORMAT } from './aggregator-state.js';
export { DEFAULT_BUCKET_MS } from './options.js';
export { MAX_BUCKETS } from './bucket-limit.js';
export type {
  AggregateOptions,
  Aggregator,
  AggregatorColumns,
  AggregatorState,
  AggregatorTokenSums,
  ExactTokenSums,
  CountMap,
  DurationStats,
  MetricsAggregate,
  ParallelismBucket,
} from './types.js';
