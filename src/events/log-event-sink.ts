/**
 * The log-event sink: each accepted record also goes out as one OpenTelemetry log record, an event named
 * {@link EVENT_NAME}, whose body is the record's JSON line exactly as the log file holds it. Through an
 * OpenTelemetry Collector the records themselves then reach a central store (ClickHouse, Loki, S3), not
 * only the metrics made from them.
 *
 * Why the JSON line as a string body, not a map (`KvList`) of the fields: OTLP's `AnyValue` cannot carry
 * every record losslessly. A JS number becomes an `int_value` (int64) or a `double_value`, so `1e21` as an
 * integer, `-0` and the integer-valued floats of unknown fields would change type or value on the way;
 * `null` has no `AnyValue`; and a backend flattens maps its own way. The line is the log's own format, the
 * one the CLI and the Collector's `json_parser` read, so a record comes back out of any store byte for
 * byte as it went in.
 *
 * The logger is typed structurally (`{ emit(record) }`, or `{ getLogger(name) }` for a provider): this
 * package imports nothing for it. The logs API lives in `@opentelemetry/api` from 1.10 on (before, in the
 * separate, experimental `@opentelemetry/api-logs`); a structural type accepts either, and keeps the core
 * on its single peer dependency `@opentelemetry/api >=1.9`. Telemetry never breaks its caller: a logger
 * that throws is warned about once, and the record is kept and written as usual.
 *
 * @module
 */
import { context as contextApi, type Context, type HrTime } from '@opentelemetry/api';
import { InvalidOptionError } from '../errors.js';
import type { Logger } from '../logger.js';
import { OPERATION_INVOKE_AGENT, SCOPE_NAME } from '../otel/names.js';
import { warnOnce, type WarnOnce } from '../otel/warn-once.js';
import { parseTimestamp, type InvocationMetric } from '../record.js';
import { serializeMetric } from '../serialize.js';
import { capValue, GEN_AI, OTHER_ERROR, OURS } from '../traces/names.js';

/** The `event_name` of every record's log event. */
export const EVENT_NAME = 'invocation_metrics.invocation';

/** OTel `SeverityNumber` values used: INFO for a success, WARN for a failure. */
const INFO = 9;
const WARN = 13;

/** The fields of an OpenTelemetry `LogRecord` this package sets (a subset of the logs API's `LogRecord`). */
export interface OtelLogRecord {
  /** The event's name: {@link EVENT_NAME}. */
  eventName?: string;
  /** When the invocation started (the record's `timestamp`). */
  timestamp?: HrTime;
  /** `9` (INFO) for a success, `13` (WARN) for a failure. */
  severityNumber?: number;
  /** `INFO` or `WARN`. */
  severityText?: string;
  /** The record's JSON line, as the log holds it. */
  body?: string;
  /** A few fields again, to filter on without parsing the body. */
  attributes?: Record<string, string | number | boolean>;
  /** The context of the invocation's span, when spans are on (the event then carries its trace and span ids). */
  context?: Context;
}

/** An OpenTelemetry logs API `Logger`, as far as this package uses it. */
export interface OtelLogger {
  /** Emits one log record. */
  emit(record: OtelLogRecord): void;
}

/** An OpenTelemetry logs API `LoggerProvider`, as far as this package uses it. */
export interface OtelLoggerProvider {
  /** Returns the logger of a scope. */
  getLogger(name: string, version?: string): OtelLogger;
}

/**
 * Validates the collector's `otelLogger` option.
 *
 * @param logger - The option's value.
 * @throws {@link InvalidOptionError} unless it has `emit` or `getLogger`.
 */
export function checkOtelLogger(logger: unknown): void {
  const l = logger as Partial<OtelLogger & OtelLoggerProvider> | null;
  if (l === null || typeof l !== 'object' || (typeof l.emit !== 'function' && typeof l.getLogger !== 'function'))
    throw new InvalidOptionError('otelLogger', 'an OpenTelemetry Logger or LoggerProvider (from @opentelemetry/api >= 1.10 or @opentelemetry/api-logs)', logger);
}

/** OTLP's `time_unix_nano` is an unsigned 64-bit count of nanoseconds: it ends in July 2554. */
const LAST_OTLP_MS = Number(2n ** 64n / 1_000_000n) - 1;

/**
 * Epoch milliseconds as an OTel `HrTime` (a plain number could be read as a performance-clock time). A
 * start OTLP cannot hold (before 1970, after 2554) becomes `[0, 0]`, the protocol's "unknown" time: the
 * body still carries the exact `timestamp`.
 */
function hrTime(ms: number): HrTime {
  if (!(ms >= 0 && ms <= LAST_OTLP_MS)) return [0, 0];
  const seconds = Math.floor(ms / 1000);
  let nanos = Math.round((ms - seconds * 1000) * 1e6);
  if (nanos >= 1e9) nanos = 999_999_999;
  return [seconds, nanos];
}

/** Turns records into log events. */
export class LogEventSink {
  readonly #logger: OtelLogger;
  readonly #warn: WarnOnce;

  /**
   * @param logger - A `Logger`, or a `LoggerProvider` whose logger of scope `invocation-metrics` is used
   *   (validated by {@link checkOtelLogger}).
   * @param warnings - Receives the one warning of a failing logger.
   */
  constructor(logger: OtelLogger | OtelLoggerProvider, warnings: Logger) {
    const l = logger as Partial<OtelLogger & OtelLoggerProvider>;
    this.#logger = typeof l.emit === 'function' ? (l as OtelLogger) : (l as OtelLoggerProvider).getLogger(SCOPE_NAME);
    this.#warn = warnOnce(warnings);
  }

  /**
   * Emits the event of an accepted record.
   *
   * @param m - The record, as kept and written.
   * @param context - The context of its span, if any; else the active context.
   */
  emit(m: InvocationMetric, context: Context = contextApi.active()): void {
    try {
      const attributes: Record<string, string | number | boolean> = {
        [GEN_AI.operation]: OPERATION_INVOKE_AGENT,
        [GEN_AI.agentName]: capValue(m.agent),
        [OURS.invocationId]: capValue(m.invocationId),
      };
      if (!m.success) attributes[GEN_AI.errorType] = m.errorClass === undefined || m.errorClass === '' ? OTHER_ERROR : capValue(m.errorClass);
      this.#logger.emit({
        eventName: EVENT_NAME,
        timestamp: hrTime(parseTimestamp(m.timestamp)),
        severityNumber: m.success ? INFO : WARN,
        severityText: m.success ? 'INFO' : 'WARN',
        body: serializeMetric(m),
        attributes,
        context,
      });
    } catch (err) {
      this.#warn(
        'otelLogger',
        `the OpenTelemetry logger threw (${err instanceof Error ? err.message : String(err)}); records are still kept and logged, an event may be missing (warned once)`,
      );
    }
  }
}
