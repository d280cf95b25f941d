/**
 * The collector: composes the record validator, the JSONL log (source of truth), the in-memory list,
 * the OpenTelemetry mirror and the `metric-recorded` event.
 *
 * @module
 */
import { EventEmitter } from 'node:events';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { context as contextApi, trace, type Context } from '@opentelemetry/api';
import { computeAggregate, DEFAULT_BUCKET_MS } from './aggregate/index.js';
import { resolveAggregateOptions } from './aggregate/options.js';
import type { AggregateOptions, MetricsAggregate } from './aggregate/types.js';
import { CollectorClosedError, InvalidMetricError, InvalidOptionError, InvocationMetricsError } from './errors.js';
import { checkParent, openInvocation, type BeginFields, type BeginOptions, type InvocationHandle, type RecordOptions } from './invocation.js';
import { LogWriter } from './log/writer.js';
import { loadLogPrefixInto } from './log/load-into.js';
import { log, type Logger } from './logger.js';
import { createMirror, type Mirror } from './otel/mirror.js';
import { findMetricProblem, type InvocationMetric } from './record.js';
import { metricLineBound, serializeFields, writeMetricLine } from './serialize.js';
import { RecordStore } from './record-store.js';
import { copyRecord, internFields, knownFields, lineOf } from './stored-record.js';
import { checkSpanParents } from './traces/parent-spans.js';
import { checkSpanOptions, SpanSink, type LiveSpan } from './traces/span-sink.js';
import { checkOtelLogger, LogEventSink, type OtelLoggerProvider } from './events/log-event-sink.js';
import type { Clock, CollectorOptions, EventBusLike, LoadResult } from './collector-options.js';

/** Name of the event emitted for every recorded metric. */
export const METRIC_RECORDED = 'metric-recorded';

const systemClock: Clock = { now: () => performance.timeOrigin + performance.now() };

export type { BeginFields, BeginOptions, EndFields, ExtraFields, InvocationHandle, RecordOptions } from './invocation.js';
export type { CheckpointState, Clock, CollectorOptions, EventBusLike, LoadResult } from './collector-options.js';
export type { SpanParentsOption } from './traces/parent-spans.js';

const FILE_NAME_RE = /[/\\\0]/;

function checkFileName(fileName: unknown): string {
  if (typeof fileName !== 'string' || fileName.length === 0 || FILE_NAME_RE.test(fileName) || fileName === '.' || fileName === '..')
    throw new InvalidOptionError('fileName', 'a plain file name without path separators, not `.` or `..`', fileName);
  return fileName;
}

/**
 * Records invocations: validates each, appends it to the JSONL log through one ordered queue, keeps it
 * in memory, mirrors it into OpenTelemetry instruments and emits `metric-recorded`.
 *
 * The constructor opens the log synchronously: it creates `metricsDir`, takes the lock file
 * (`<log>.lock`; a live holder makes it throw {@link LogLockedError}, a dead one's lock is reclaimed)
 * and repairs a torn last line left by a crash.
 *
 * @example
 * ```ts
 * const collector = new InvocationMetricsCollector('./metrics', console);
 * await collector.record({ invocationId: 'i1', agent: 'coder', phase: 1, durationMs: 1200, tokens: 900,
 *   cost: 0.004, exitCode: 0, success: true, attempt: 1, outputParsed: true,
 *   timestamp: new Date().toISOString() });
 * console.log(collector.computeAggregate().totalCost);
 * await collector.close();
 * ```
 */
export class InvocationMetricsCollector extends EventEmitter {
  /** Absolute or relative path of the log file. */
  readonly path: string;
  readonly #logger: Logger;
  readonly #writer: LogWriter<InvocationMetric>;
  /** Every record held (recorded, restored, loaded): see record-store.ts for how they are kept. */
  readonly #records = new RecordStore();
  readonly #mirror: Mirror | undefined;
  readonly #spans: SpanSink | undefined;
  readonly #events: LogEventSink | undefined;
  readonly #eventBus: EventBusLike | undefined;
  readonly #bucketMs: number;
  readonly #replay: boolean;
  readonly #clock: Clock;
  readonly #interned = new Map<string, string>();
  /** Records accepted by `record()`: they are in memory and go to the end of the log, never loaded again. */
  #recordedHere = 0;
  #closed = false;

  /**
   * @param metricsDir - Directory of the log; created when missing.
   * @param logger - Receives warnings (skipped lines, write failures, listener errors); pino or console.
   * @param options - See {@link CollectorOptions}.
   * @throws {@link InvalidOptionError} for a bad option; {@link LogLockedError} when another writer holds the
   * log; {@link UnsafeLogFileError} when the log, `<log>.torn` or `<log>.lock` is a symbolic link, a hard
   * link, not a regular file, or (with a torn tail to cut) does not look like a log; {@link LogAccessError}
   * when `metricsDir` or the log cannot be created or opened (EACCES, EROFS, a `metricsDir` that is a file...),
   * naming the path and keeping the Node error as `cause`. Never a raw Node error.
   */
  constructor(metricsDir: string, logger: Logger, options: CollectorOptions = {}) {
    super();
    if (typeof metricsDir !== 'string' || metricsDir.length === 0)
      throw new InvalidOptionError('metricsDir', 'a non-empty directory path', metricsDir);
    if (logger === null || typeof logger !== 'object' || typeof logger.warn !== 'function')
      throw new InvalidOptionError('logger', 'an object with a `warn` method (pino, console)', logger);
    const fileName = checkFileName(options.fileName ?? 'invocations.jsonl');
    // The aggregate's own check: the collector's default bucket is the one computeAggregate() gets.
    this.#bucketMs = resolveAggregateOptions({ bucketMs: options.bucketMs ?? DEFAULT_BUCKET_MS }).bucketMs;
    if (options.fsync !== undefined && typeof options.fsync !== 'boolean') throw new InvalidOptionError('fsync', 'a boolean', options.fsync);
    if (options.eventBus !== undefined && typeof options.eventBus?.emit !== 'function')
      throw new InvalidOptionError('eventBus', 'an object with an `emit(name, payload)` method', options.eventBus);
    this.#logger = logger;
    this.#eventBus = options.eventBus;
    this.#replay = options.replayLoadedRecords ?? false;
    if (options.clock !== undefined && typeof options.clock?.now !== 'function')
      throw new InvalidOptionError('clock', 'an object with a `now()` method returning epoch ms', options.clock);
    this.#clock = options.clock ?? systemClock;
    this.path = join(metricsDir, fileName);
    if (options.meter !== undefined || options.telemetry !== undefined) {
      this.#mirror = createMirror({
        meter: options.meter,
        telemetry: options.telemetry,
        maxAttributeValues: options.maxAttributeValues,
        provider: options.provider,
        naming: options.naming,
        logger,
      });
    }
    checkSpanParents(options.spanParents);
    if (options.tracer !== undefined) {
      checkSpanOptions(options.tracer, options.provider);
      this.#spans = new SpanSink({ tracer: options.tracer, provider: options.provider, maxTrackedAttempts: 10_000, logger, parents: options.spanParents });
    }
    const otelLogger = options.otelLogger ?? (options.telemetry as { loggerProvider?: OtelLoggerProvider } | undefined)?.loggerProvider;
    if (otelLogger !== undefined) {
      checkOtelLogger(otelLogger);
      this.#events = new LogEventSink(otelLogger, logger);
    }
    this.#writer = LogWriter.open<InvocationMetric>(this.path, {
      logger,
      fsync: options.fsync ?? false,
      retryDelayMs: options.retryDelayMs,
      maxRetryDelayMs: options.maxRetryDelayMs,
      maxPendingBytes: options.maxPendingBytes,
      rotationCheckMs: options.rotationCheckMs,
      encode: (stored) => this.#lateLine(stored),
      bytes: { bound: metricLineBound, write: writeMetricLine },
      // A row is a record the store holds as columns: made again, it equals the record, key for key.
      row: (index) => this.#records.get(index),
    });
  }

  /** Whether `close()` was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Records accepted by `record()` whose line is not yet written (and fsynced, with `fsync`). */
  get pendingRecords(): number {
    return this.#writer.pendingCount;
  }

  /**
   * Bytes of serialized lines held in memory waiting for the disk: at most `maxPendingBytes` plus one line,
   * however long the disk fails (records past the limit wait as references, see `maxPendingBytes`).
   */
  get pendingBytes(): number {
    return this.#writer.pendingBytes;
  }

  /**
   * Records one invocation. Synchronously (before this returns) the record is validated, kept in memory,
   * mirrored and emitted; the returned promise resolves once its line is written to the log (and fsynced
   * with `fsync`). While the disk fails, the promise stays pending and writing is retried.
   *
   * @param metric - The record. Unknown fields are kept (in memory and in the log) but never become attributes.
   * @param options - `parent`: the context whose span parents the record's span (with a `tracer`).
   * @default options {} (the phase or run span of `spanParents`, else the active context)
   * @returns A promise that resolves once the line is written; rejects with {@link InvalidMetricError}
   * (nothing written, kept, mirrored or emitted) or {@link CollectorClosedError}. A record is invalid when
   * a field is (see `InvocationMetric`), when a field cannot be serialized as JSON (a BigInt, a cycle), or
   * when its JSON line would be longer than 1 MiB (the reader's default `maxLineBytes`: a longer line
   * would be written but never loaded).
   */
  record(metric: InvocationMetric, options?: RecordOptions): Promise<void> {
    const parent = options === undefined ? undefined : checkParent(options);
    if (parent instanceof InvalidOptionError) return Promise.reject(parent);
    const accepted = this.#accept(metric, undefined, parent);
    return accepted instanceof InvocationMetricsError ? Promise.reject(accepted) : accepted;
  }

  /** record() without the rejection: the write's promise, or the error that refused the record (nothing kept then). */
  #accept(metric: InvocationMetric, live?: LiveSpan, parent?: Context): Promise<void> | InvalidMetricError | CollectorClosedError {
    if (this.#closed) return new CollectorClosedError(this.path);
    // A shallow copy, checked after copying: what is validated is exactly what is kept and written (a getter
    // may answer differently twice; an inherited or non-enumerable field is not copied).
    const stored = copyRecord(metric);
    if (stored instanceof InvalidMetricError) return stored;
    const problem = findMetricProblem(stored);
    if (problem !== undefined) return problem;
    // A record of the type's fields is written as bytes straight into the writer's buffer (or, past
    // maxPendingBytes or in a long burst, kept until its turn without being serialized: its line is known to
    // fit); any other (unknown fields, huge strings) is serialized to a string first, which also finds what
    // cannot be written. The store holds the strings of a record it keeps as columns in its own table; any
    // other record is held as the object, whose low-cardinality strings are then shared (equal values: nothing
    // observable). A record held as columns is given to the writer with its row: in a long burst the writer
    // keeps the row and makes the line from the columns when its turn comes (no fresh memory for the line).
    const bound = metricLineBound(stored);
    const line = bound >= 0 ? undefined : lineOf(stored);
    if (line instanceof InvalidMetricError) return line;
    const compact = this.#records.push(stored);
    if (!compact) internFields(stored, this.#interned);
    const written =
      line === undefined ? this.#writer.appendSource(stored, compact ? this.#records.length - 1 : undefined, bound)! : this.#writer.append(line, stored);
    this.#recordedHere++;
    if (this.#mirror !== undefined) this.#mirror.record(stored);
    if (live !== undefined) live.finish(stored);
    const span = live === undefined ? this.#spans?.record(stored, parent) : undefined;
    // The event points at the invocation's span (its trace and span ids), when there is one.
    if (this.#events !== undefined) {
      const context = live !== undefined ? live.context : span !== undefined ? trace.setSpanContext(contextApi.active(), span) : undefined;
      this.#events.emit(stored, context);
    }
    this.#emit(stored);
    return written;
  }

  /**
   * Starts a live invocation: the in-flight instrument goes up now and down when an `end()` is accepted
   * (or at `abandon()`). `begin()` and `end()` take the fields of their types and no other: a misspelled
   * field throws (or rejects) an {@link UnknownFieldError} naming the field meant; fields of your own go
   * in `extra`.
   *
   * @param fields - What is known at the start; `invocationId` defaults to a random UUID, `attempt` to 1.
   * @param options - `parent`: the context whose span parents the invocation's span (with a `tracer`).
   * @default options {} (the span's parent is the active context)
   * @returns A handle whose `end(result)` records the invocation (see {@link InvocationHandle}).
   * @throws {@link InvalidMetricError} for a bad field (`agent`, `phase`, `taskId`, ...) or an unknown one
   * ({@link UnknownFieldError}); {@link InvalidOptionError} for a bad `parent`; {@link CollectorClosedError}
   * after `close()`.
   * @example
   * ```ts
   * const call = collector.begin({ agent: 'coder', phase: 2, taskId: 'T-17', extra: { runId: 'r-9' } });
   * await call.end({ success: false, exitCode: 1, tokens: 0, cost: 0, errorClass: 'timeout' });
   * ```
   */
  begin(fields: BeginFields, options?: BeginOptions): InvocationHandle {
    if (this.#closed) throw new CollectorClosedError(this.path);
    const mirror = this.#mirror;
    const spans = this.#spans;
    return openInvocation(fields, {
      now: () => this.#clock.now(),
      accept: (metric, live) => this.#accept(metric, live),
      track: mirror === undefined ? undefined : (series) => mirror.begin(series),
      trace: spans === undefined ? undefined : (begun, startMs, parent) => spans.begin(begun, startMs, parent),
    }, options);
  }

  /**
   * All records held in memory, in record order (loaded ones where `loadFromDisk` put them).
   *
   * Records of the type's fields are held compactly (see the README, `getAll()`) and made again as new
   * objects on each call, equal to what was recorded (same keys, same order, same values); records with
   * unknown fields are held as they were accepted and returned as those objects.
   *
   * @returns A new array (records held as objects are shared with later calls: do not mutate them).
   */
  getAll(): InvocationMetric[] {
    return this.#records.toArray();
  }

  /**
   * Number of records held in memory; after `flush()` resolves, also the number on disk written by this
   * collector and loaded from it. Store it as `CheckpointState.metricsCount`.
   *
   * @returns The count.
   */
  getCount(): number {
    return this.#records.length;
  }

  /**
   * Reads what the log held before this collector opened it, and appends to memory every valid record of it
   * after the first `skipCount` valid ones (those are already in memory, restored with a checkpoint).
   * Records written after the last checkpoint are real invocations: they are loaded, not dropped.
   *
   * Records this collector recorded itself (before, during or after the load) are never loaded: they are
   * in memory already, and they come after that content in the file. So `skipCount` counts records of the
   * earlier content only. Once this collector has recorded, `getCount()` includes its own records, so a
   * `skipCount` above the records in memory that did not come from `record()` (restored or loaded) is
   * refused rather than guessed at: call `loadFromDisk(checkpoint.metricsCount)` before the first `record()`.
   *
   * Malformed or invalid lines are skipped with one warning each, in line order. Loaded records are not
   * mirrored into the OTel counters unless `replayLoadedRecords` is set, and are not emitted. They are added
   * to memory once the whole content is read (none when reading fails), after any recorded meanwhile. Content
   * of 56 MiB or more is read by worker threads straight into the compact store, its records' `invocationId`,
   * `taskId` and `timestamp` kept as UTF-8 bytes (decoded by `getAll()`: see the README); less is read in
   * this thread.
   *
   * @param skipCount - Valid records to skip (`CheckpointState.metricsCount`).
   * @default skipCount 0
   * @returns How many records were loaded and how many lines were skipped.
   * @throws Rejects with {@link InvalidOptionError} for a bad `skipCount`; with {@link LogAccessError} when
   *   the log at the path is no longer the file this collector opened (rotated, replaced, truncated since:
   *   the earlier records are in the rotated file) or cannot be read.
   */
  async loadFromDisk(skipCount = 0): Promise<LoadResult> {
    if (!Number.isSafeInteger(skipCount) || skipCount < 0) throw new InvalidOptionError('skipCount', 'an integer >= 0', skipCount);
    const fromLog = this.#records.length - this.#recordedHere;
    if (this.#recordedHere > 0 && skipCount > fromLog) {
      throw new InvalidOptionError(
        'skipCount',
        `at most ${fromLog}, the records in memory that this collector did not record (restored or loaded); ` +
          `it recorded ${this.#recordedHere} itself, which are never loaded again: skipCount counts records the log held before ` +
          'this collector opened it (call loadFromDisk(checkpoint.metricsCount) before the first record())',
        skipCount,
      );
    }
    // The first skipCount valid records are checked and counted, never kept: they are in memory already.
    // The loaded records go into the compact store at the end of the load, after those recorded meanwhile;
    // a large log is read by worker threads straight into the store's columns (see reader.ts).
    const { from, loaded, skipped } = await loadLogPrefixInto(this.path, this.#writer.priorContent, this.#records, {
      skip: skipCount,
      onWarning: (w) => log(this.#logger, 'warn', `${w.file}:${w.line}: skipped: ${w.reason}`),
    });
    const mirror = this.#mirror;
    if (this.#replay && mirror !== undefined) for (const r of this.#records.values(from, from + loaded)) mirror.record(r);
    return { loaded, skipped };
  }

  /**
   * Puts records saved with a checkpoint back into memory without writing them (they are in the log
   * already), so that `loadFromDisk(checkpoint.metricsCount)` can then append only the newer ones. They
   * are validated, not mirrored and not emitted.
   *
   * @param records - The records, in their original order.
   * @throws {@link InvalidMetricError} for the first invalid record; nothing is restored then.
   */
  restore(records: readonly InvocationMetric[]): void {
    if (this.#closed) throw new CollectorClosedError(this.path);
    for (const r of records) {
      const problem = findMetricProblem(r);
      if (problem !== undefined) throw problem;
    }
    for (const r of records) this.#records.push({ ...r });
  }

  /**
   * Computes the post-run summary of the records in memory (a pure function of them): those this collector
   * recorded, restored or loaded with `loadFromDisk()`. It does not read the log: after a restart, or
   * with several processes writing logs, the log holds records this collector never saw (run the
   * README's usage twice: two records on disk, `totalInvocations: 1`). The aggregate of the whole log is
   * one call, after `flush()` or `close()`:
   * `computeAggregate((await loadLog(collector.path)).records)`; for many or large logs,
   * `npx invocation-metrics summarize <dir> --json`.
   *
   * @param options - `bucketMs` defaults to the collector's `bucketMs` option.
   * @returns The aggregate of the records in memory.
   * @throws `BucketLimitError` when `bucketMs` does not fit the records' span (more than `MAX_BUCKETS`
   *   buckets): the error names the span and a width that fits.
   * @example
   * ```ts
   * import { computeAggregate, loadLog } from 'invocation-metrics';
   * await collector.close();
   * const thisProcess = collector.computeAggregate();
   * const wholeLog = computeAggregate((await loadLog(collector.path)).records);
   * ```
   */
  computeAggregate(options: AggregateOptions = {}): MetricsAggregate {
    return computeAggregate(this.#records.values(), { bucketMs: this.#bucketMs, ...options });
  }

  /**
   * Waits until every record recorded before the call is written.
   *
   * @returns Resolves when written; rejects with {@link LogWriteError} while the disk fails (the records
   * stay queued and writing is retried: call `flush()` again later).
   */
  flush(): Promise<void> {
    return this.#writer.flush();
  }

  /**
   * Stops accepting records, flushes, closes the file and releases the lock. If the flush fails it rejects
   * with {@link LogWriteError} and keeps the file and lock (writing is retried; call `close()` again).
   * Idempotent.
   */
  async close(): Promise<void> {
    if (!this.#closed) this.#spans?.close();
    this.#closed = true;
    await this.#writer.close();
  }

  /**
   * The line of a record that waited past `maxPendingBytes`. Its known fields are ours (primitives of a
   * private copy); its unknown fields are shared with the caller, who may have changed them meanwhile. If
   * that made the record unwritable, its known fields are written: an accepted record is never dropped.
   */
  #lateLine(stored: InvocationMetric): string {
    const line = lineOf(stored);
    if (typeof line === 'string') return line;
    log(this.#logger, 'error', `record ${stored.invocationId} changed while it waited for the disk (${line.message}); writing its known fields only`);
    return serializeFields(knownFields(stored));
  }

  #emit(metric: InvocationMetric): void {
    // Listeners run one by one, each guarded: a throwing (or rejecting) listener is logged and never
    // breaks record() nor the listeners after it. No listener: no copy of the (empty) listener list.
    if (this.listenerCount(METRIC_RECORDED) > 0) this.#callListeners(metric);
    if (this.#eventBus !== undefined) {
      try {
        this.#eventBus.emit(METRIC_RECORDED, metric);
      } catch (err) {
        this.#listenerFailed(err);
      }
    }
  }

  #callListeners(metric: InvocationMetric): void {
    for (const listener of this.rawListeners(METRIC_RECORDED)) {
      try {
        const out: unknown = (listener as (m: InvocationMetric) => unknown).call(this, metric);
        if (out !== null && typeof out === 'object' && typeof (out as Promise<unknown>).then === 'function')
          (out as Promise<unknown>).then(undefined, (err: unknown) => this.#listenerFailed(err));
      } catch (err) {
        this.#listenerFailed(err);
      }
    }
  }

  #listenerFailed(err: unknown): void {
    log(this.#logger, 'warn', `a ${METRIC_RECORDED} listener threw: ${err instanceof Error ? err.message : String(err)}`);
  }
}
