// The public surface, hand-picked: explicit named exports, `export type` for types.
export {
  InvocationMetricsError,
  InvalidMetricError,
  InvalidOptionError,
  LogLockedError,
  LogWriteError,
  CollectorClosedError,
  MalformedLineError,
} from './errors.js';
export type { InvocationMetric } from './record.js';
export { validateMetric, isInvocationMetric, findMetricProblem, parseTimestamp } from './record.js';
export type {
  MetricsAggregate,
  AggregateOptions,
  Aggregator,
  ParallelismBucket,
  DurationStats,
  CountMap,
} from './aggregate/types.js';
