/**
 * The options and the small types of the collector's API (`InvocationMetricsCollector` in
 * `collector.ts`): what a caller passes and gets, apart from the class itself.
 *
 * @module
 */
import type { Meter, Tracer, TracerProvider } from '@opentelemetry/api';
import type { OtelLogger, OtelLoggerProvider } from './events/log-event-sink.js';
import type { NamingMode } from './otel/names.js';
import type { ProviderOption } from './otel/provider.js';
import type { SnapshotSink } from './otel/snapshot.js';
import type { SpanParentsOption } from './traces/parent-spans.js';

/** Any event bus with an `emit(name, payload)` method (Node's EventEmitter, a FleetEventBus, ...). */
export interface EventBusLike {
  /** Emits `name` with `payload`. */
  emit(name: string, payload: unknown): unknown;
}

/**
 * The part of a checkpoint that concerns this library: store `collector.getCount()` (after `flush()`)
 * as `metricsCount`, and pass it to `loadFromDisk(metricsCount)` on resume.
 */
export interface CheckpointState {
  /** Number of records the collector held (and had on disk) when the checkpoint was taken. */
  metricsCount?: number;
}

/** Options of {@link InvocationMetricsCollector}. */
export interface CollectorOptions {
  /**
   * An OpenTelemetry `Meter` to mirror every record into (counters and histograms). No mirror when absent
   * (and no `telemetry`).
   * @default undefined
   */
  meter?: Meter;
  /**
   * A telemetry bundle from `createTelemetry()` (`invocation-metrics/telemetry`), or anything with its
   * `addSource`: the mirror then pre-aggregates in its own structures and
   * hands them to the provider's readers at collection time (the fast path). Takes precedence over `meter`.
   * @default undefined
   */
  telemetry?: SnapshotSink;
  /**
   * An OpenTelemetry `Tracer` (or a `TracerProvider`, whose tracer of scope `invocation-metrics` is used)
   * that gets one `invoke_agent {agent}` span per accepted record (see the README, "Traces"). No spans
   * when absent. A tracer that throws is warned about once; records are kept and logged regardless.
   * @default undefined
   */
  tracer?: Tracer | TracerProvider;
  /**
   * Parent spans for the invocation spans (with a `tracer`): `run` makes one `invoke_workflow {run}` span
   * (`true` names it `run`), `phase` one `phase {n}` span per phase (under the run span when both). Each
   * starts at the start of its first invocation and ends at `close()`, at the latest end of what it holds
   * (a process that dies before `close()` leaves its invocation spans without their exported parent). A
   * `parent` given to `record()` or `begin()` wins. At most 10,000 phase spans are open at once.
   * @default {} (no parent spans: the active context parents each invocation span)
   */
  spanParents?: SpanParentsOption;
  /**
   * An OpenTelemetry logs `Logger` (or a `LoggerProvider`, whose logger of scope `invocation-metrics` is
   * used) that gets one event per accepted record: event name `invocation_metrics.invocation`, body the
   * record's JSON line exactly as the log holds it (see the README, "Log events"). Any logger of
   * `@opentelemetry/api` >= 1.10 or `@opentelemetry/api-logs` fits. When absent, a `telemetry` bundle made
   * with `createTelemetry({ logs })` supplies its `loggerProvider`. A logger that throws is warned about
   * once; records are kept and logged regardless.
   * @default undefined (telemetry.loggerProvider when there is one, else no events)
   */
  otelLogger?: OtelLogger | OtelLoggerProvider;
  /**
   * The `gen_ai.provider.name` of the spans and of the token metrics (`openai`, `anthropic`, `aws.bedrock`,
   * ...): one name, or a function of the agent and model (called at each span's start and per record for
   * the metrics) returning the name or `undefined`. A record's own `provider` field wins; when neither
   * names one, `_OTHER` is sent (see the README, "Traces", for why).
   * @default undefined
   */
  provider?: ProviderOption;
  /**
   * Which GenAI metric names the mirror exports: `default` (the names shipped first:
   * `gen_ai.client.token.usage`), `latest` (the current inference usage metrics), or `both` side by side.
   * @default from `OTEL_SEMCONV_STABILITY_OPT_IN`: `gen_ai_latest_experimental` → `latest`,
   * `gen_ai_latest_experimental/dup` → `both`, else `default`
   */
  naming?: NamingMode;
  /**
   * File name of the log inside `metricsDir`: a plain name, no path separators, not `.` or `..`. Give each
   * process its own name: one writer per file.
   * @default 'invocations.jsonl'
   */
  fileName?: string;
  /**
   * Fsync each written batch before resolving its `record()` promises (survives power loss, not only a
   * process crash), at the cost of one fsync per batch.
   * @default false
   */
  fsync?: boolean;
  /**
   * Delay before the first retry of a failed write (disk full, EIO...), in milliseconds; each further
   * retry doubles it, up to `maxRetryDelayMs`.
   * @default 100
   */
  retryDelayMs?: number;
  /**
   * Longest delay between two retries of a failed write, in milliseconds.
   * @default 5000
   */
  maxRetryDelayMs?: number;
  /**
   * Most bytes of serialized lines held in memory while they wait for the disk. Past it (a long outage),
   * `record()` still accepts, keeps, mirrors and emits the record, and its promise still resolves once its
   * line is written; but the line itself is dropped and made again from the record when its turn comes,
   * so waiting costs one pointer per record beyond the record that the collector keeps anyway. Nothing is
   * ever refused or dropped for lack of room. See {@link InvocationMetricsCollector.pendingBytes}.
   * @default 67108864 (64 MiB)
   */
  maxPendingBytes?: number;
  /**
   * Shortest time between two checks that the log's path still names the open file. When another program
   * moved or deleted the log (log rotation), the collector opens a fresh file at the path, and takes the
   * lock again if it went too, before writing the next batch. `0` checks before every batch; `Infinity`
   * never checks.
   * @default 1000
   */
  rotationCheckMs?: number;
  /**
   * Default `bucketMs` of {@link InvocationMetricsCollector.computeAggregate}.
   * @default 60000
   */
  bucketMs?: number;
  /**
   * Also emit `metric-recorded` on this bus, with the record as payload.
   * @default undefined
   */
  eventBus?: EventBusLike;
  /**
   * Distinct values each metric attribute keeps in the mirror; later values fold into `_OTHER`.
   * @default 100
   */
  maxAttributeValues?: number;
  /**
   * Mirror records loaded by `loadFromDisk()` into the OTel instruments too. Off by default: counters
   * count what this process observed, and Prometheus handles the restart.
   * @default false
   */
  replayLoadedRecords?: boolean;
  /**
   * The clock of `begin()`/`end()`: `now()` returns epoch milliseconds (fractions allowed). Inject one to
   * test, or to replay a simulated run in compressed time (the demo does).
   * @default performance.timeOrigin + performance.now()
   */
  clock?: Clock;
}

/** A source of epoch milliseconds for {@link InvocationMetricsCollector.begin}. */
export interface Clock {
  /** Current time in epoch milliseconds; must not go backwards. */
  now(): number;
}

/** What {@link InvocationMetricsCollector.loadFromDisk} did. */
export interface LoadResult {
  /** Records appended to memory. */
  loaded: number;
  /** Malformed or invalid lines skipped (each was warned about). */
  skipped: number;
}

