// The public surface, hand-picked: explicit named exports, `export type` for types.

// Errors
export {
  InvocationMetricsError,
  InvalidMetricError,
  UnknownFieldError,
  InvocationEndedError,
  OutputWriteError,
  InvalidOptionError,
  LogAccessError,
  BucketLimitError,
  LogLockedError,
  LogWriteError,
  UnsafeLogFileError,
  CollectorClosedError,
  MalformedLineError,
  StateFileError,
} from './errors.js';

// The record
export type { InvocationMetric, CostSource } from './record.js';
export { validateMetric, isInvocationMetric, findMetricProblem, parseTimestamp, MAX_COST_USD, MAX_TIME_MS, COST_SOURCES } from './record.js';
export { serializeMetric } from './serialize.js';
export type { Logger } from './logger.js';

// The collector
export { InvocationMetricsCollector, METRIC_RECORDED } from './collector.js';
export type {
  BeginFields,
  BeginOptions,
  CheckpointState,
  Clock,
  CollectorOptions,
  EndFields,
  EventBusLike,
  ExtraFields,
  InvocationHandle,
  LoadResult,
  RecordOptions,
  SpanParentsOption,
} from './collector.js';

// The log, read offline
export { readLog, loadLog, parseLogLine } from './log/reader.js';
export type { LoadedLog, LogWarning, ParsedLine, ReadLogOptions, ReadLogSummary } from './log/reader.js';

// The aggregate
export { computeAggregate, createAggregator, stateTransferList, DEFAULT_BUCKET_MS, MAX_BUCKETS } from './aggregate/index.js';
export type {
  MetricsAggregate,
  AggregateOptions,
  Aggregator,
  AggregatorColumns,
  AggregatorState,
  AggregatorTokenSums,
  ExactTokenSums,
  ParallelismBucket,
  DurationStats,
  CountMap,
} from './aggregate/index.js';

// State files: an aggregator's records on disk, merged across hosts
export { readStateFile, writeStateFile, isStateFile, STATE_FILE_MAGIC, STATE_FILE_VERSION } from './state/index.js';
export type { WriteStateFileOptions } from './state/index.js';

// Live telemetry: the mirror's names (API only). `createTelemetry()`, which needs the OTel SDK, is in the
// `invocation-metrics/telemetry` subpath.
export type { SnapshotSink, SnapshotSource } from './otel/snapshot.js';
export type { ProviderOption } from './otel/provider.js';
export type { NamingMode } from './otel/names.js';
export { MAX_ATTRIBUTE_LENGTH as MAX_SPAN_ATTRIBUTE_LENGTH } from './traces/names.js';
export { EVENT_NAME as LOG_EVENT_NAME } from './events/log-event-sink.js';
export type { OtelLogger, OtelLoggerProvider, OtelLogRecord } from './events/log-event-sink.js';
export { INSTRUMENTS, TOKEN_BUCKETS, DURATION_BUCKETS } from './otel/names.js';
export type { InstrumentSpec, InstrumentKind } from './otel/names.js';

// Reports
export { renderMarkdownReport } from './report/markdown.js';
export type { MarkdownReportOptions } from './report/markdown.js';
export { renderHtmlReport } from './report/html.js';
export type { HtmlReportOptions } from './report/html.js';
export { renderTextSummary } from './report/text.js';
export type { TextSummaryOptions } from './report/text.js';
export { toGanttItem, selectGanttItems, createGanttSampler, DEFAULT_GANTT_LIMIT } from './report/gantt.js';
export type { GanttItem, GanttSampler } from './report/gantt.js';

// Prices and the adapters' shared recorder
export { DEFAULT_PRICE_TABLE, definePriceTable, findPrice, priceOf } from './prices/index.js';
export type { ModelPrice, PriceTable, PriceOptions, PricedCost, Usage } from './prices/index.js';
export { AdapterRecorder, errorClassOf } from './adapters/recorder.js';
export type { AdapterOptions, AdapterWarning, CallFields, RecordTarget } from './adapters/recorder.js';

// The diff of two runs (`invocation-metrics diff`, `report --baseline`)
export { diffRuns, DIFF_DEFAULTS, DIFF_FORMAT, samplesOfState, parseFailOn, applyGates } from './diff/index.js';
export type { DiffSide, DiffSamples, GroupSamples, SampleSource, FailGate, GateOutcome, DiffMetric, DiffOptions, DiffResult, DiffRow, DiffTest, ResolvedDiffOptions } from './diff/index.js';

// The exact aggregate as SQL (DuckDB, ClickHouse): what `invocation-metrics sql` prints.
export { buildAggregateSql, SQL_DIALECTS, SQL_FORMATS } from './sql/index.js';
export type { AggregateSqlOptions, SqlDialect, SqlFormat } from './sql/index.js';
