/**
 * Live invocations: the fields of `begin()` and `end()`, checked exactly (a misspelled `taskId` or
 * `errorClass` would silently break the retry split and the escalations), and the handle that stays open
 * until an `end()` is accepted or the caller abandons it.
 *
 * @module
 */
import { randomUUID } from 'node:crypto';
import { context as contextApi, type Context, type Span } from '@opentelemetry/api';
import { CollectorClosedError, InvalidMetricError, InvalidOptionError, InvocationEndedError, UnknownFieldError, type InvocationMetricsError } from './errors.js';
import { wholeMsBetween, type CostSource, type InvocationMetric } from './record.js';
import { FIELD_ORDER } from './serialize.js';
import { closestName } from './suggest.js';
import { NO_SPAN, type LiveSpan } from './traces/span-sink.js';

/**
 * Fields of your own, beside the record's: kept in memory and in the log as they are (as `record()` keeps
 * unknown fields), never metric attributes. A key may not be a field of {@link InvocationMetric}.
 */
export type ExtraFields = Readonly<Record<string, unknown>>;

/** The fields known when an invocation starts, for `collector.begin()`. No other key is accepted. */
export interface BeginFields {
  /** Agent (role) name; non-empty. */
  agent: string;
  /** Phase number; integer >= 0. */
  phase: number;
  /**
   * Unique id of the invocation; non-empty.
   * @default a random UUID
   */
  invocationId?: string;
  /** Task the invocation works on (retries of one task share it). */
  taskId?: string;
  /**
   * Attempt number; integer >= 1.
   * @default 1
   */
  attempt?: number;
  /** Model that serves the invocation (may also be given, or changed, at `end()`). */
  model?: string;
  /** Model-routing tier (may also be given, or changed, at `end()`). */
  tier?: string;
  /** GenAI provider (`gen_ai.provider.name`; may also be given, or changed, at `end()`). */
  provider?: string;
  /** Fields of your own; see {@link ExtraFields}. */
  extra?: ExtraFields;
}

/**
 * The fields known when an invocation ends, for {@link InvocationHandle.end}. No other key is accepted:
 * `agent`, `phase` and `invocationId` are fixed by `begin()`; `durationMs` and `timestamp` are measured.
 * A field given to both `begin()` and `end()` takes the value of `end()` (unless that is `undefined`).
 */
export interface EndFields {
  /** Whether the invocation succeeded. */
  success: boolean;
  /** Total tokens; integer >= 0. */
  tokens: number;
  /** Cost in USD; finite, >= 0. */
  cost: number;
  /** Process exit code of the agent; integer, negative allowed. */
  exitCode: number;
  /** Input (prompt) tokens; integer >= 0. */
  inputTokens?: number;
  /** Output (completion) tokens; integer >= 0. */
  outputTokens?: number;
  /** Prompt-cache input tokens; integer >= 0. */
  cachedTokens?: number;
  /**
   * Whether the agent's output could be parsed. Say `false` only when parsing failed: a timeout or a rate
   * limit is a failure (`success: false`, with its `errorClass`), not a parse failure.
   * @default true
   */
  outputParsed?: boolean;
  /** Infrastructure error class of a failed invocation (`timeout`, `rate_limit`, ...). */
  errorClass?: string;
  /** Task the invocation works on. */
  taskId?: string;
  /** Attempt number; integer >= 1. */
  attempt?: number;
  /** Model that served the invocation. */
  model?: string;
  /** Model-routing tier. */
  tier?: string;
  /** GenAI provider that served the invocation. */
  provider?: string;
  /** Where `cost` came from; see {@link InvocationMetric.costSource}. */
  costSource?: CostSource;
  /** The price table a `table` cost came from. */
  priceTable?: string;
  /** Fields of your own, merged over those of `begin()`; see {@link ExtraFields}. */
  extra?: ExtraFields;
}

/** Options of `collector.begin()` beside the record's fields. */
export interface BeginOptions {
  /**
   * The parent of the invocation's span: a context holding a span of yours (a task, a phase, a run), e.g.
   * `trace.setSpan(context.active(), taskSpan)`. Works without a context manager.
   * @default the active context (`context.active()`)
   */
  parent?: Context;
}

/** Options of `collector.record()` beside the record. */
export interface RecordOptions {
  /**
   * The parent of the record's span: a context holding a span of yours, as for `begin()`.
   * @default the phase or run span of `spanParents`, else the active context (`context.active()`)
   */
  parent?: Context;
}

/**
 * The `parent` of `record()` or `begin()` options: the context, `undefined` when absent, or the error
 * naming the option when it is not an OTel `Context` (or the options not an object).
 *
 * @param options - The options given.
 * @returns The parent, `undefined`, or the error.
 */
export function checkParent(options: unknown): Context | undefined | InvalidOptionError {
  if (options === undefined || options === null) return undefined;
  if (typeof options !== 'object') return new InvalidOptionError('options', 'an object ({ parent? }) or absent', options);
  const parent = (options as RecordOptions).parent;
  if (parent !== undefined && typeof (parent as Partial<Context> | null)?.getValue !== 'function')
    return new InvalidOptionError('parent', 'an OpenTelemetry Context (e.g. trace.setSpan(context.active(), taskSpan))', parent);
  return parent;
}

/** A live invocation started by `collector.begin()`. */
export interface InvocationHandle {
  /** The id the record will carry (given in `begin`, or a random UUID). */
  readonly invocationId: string;
  /** Start time, epoch ms (from the collector's clock). */
  readonly startedAt: number;
  /**
   * The invocation's `invoke_agent` span, started at `begin()` and ended when an `end()` is accepted (at
   * the measured end) or at `abandon()` (status ERROR, `error.type=abandoned`). Without a `tracer` on the
   * collector (or when the tracer threw), a non-recording span with an invalid context.
   */
  readonly span: Span;
  /**
   * The context active at `begin()` with {@link InvocationHandle.span} set: pass it as the parent of your
   * own spans (`tracer.startSpan('tool', {}, call.context)`, or `context.with(call.context, fn)` with a
   * context manager registered) so that tool and model calls nest under the invocation.
   */
  readonly context: Context;
  /**
   * Ends the invocation: measures `durationMs` (from `begin()` to the first `end()` call), fills
   * `timestamp` (the start, ISO 8601 UTC), records it and lowers the in-flight count. Both ends are
   * rounded down to whole milliseconds, as `timestamp` is, and `durationMs` is the difference: an
   * invocation begun after another ended never overlaps it in the aggregate's parallelism (each duration
   * is within 1 ms of the clock's, and their sum is the clock's on average).
   *
   * A rejected `end()` loses nothing: for a bad or unknown field it rejects with
   * {@link InvalidMetricError} (or {@link UnknownFieldError}), records nothing, and the handle stays open
   * (the in-flight count too): call `end()` again with the field fixed, or `abandon()`. Once an `end()`
   * was accepted, another rejects with {@link InvocationEndedError}. After the collector closed it
   * rejects with {@link CollectorClosedError} and the handle is abandoned.
   *
   * @param result - The outcome fields; `attempt` defaults to 1, `outputParsed` to `true`.
   * @returns The promise of `record()`: resolves once the line is written.
   */
  end(result: EndFields): Promise<void>;
  /**
   * Gives the invocation up without recording it (the caller cannot say how it ended): lowers the
   * in-flight count; a later `end()` rejects with {@link InvocationEndedError}. Does nothing on a handle
   * already ended or abandoned.
   *
   * @returns `true` when this call closed the handle, `false` when it was closed already.
   */
  abandon(): boolean;
}

/** What a handle needs from its collector. */
export interface InvocationSink {
  /** Epoch milliseconds. */
  now(): number;
  /**
   * Validates and records, or returns the error that refused the record (nothing recorded then). `live`:
   * the span begun for it, to finish instead of making one after the fact.
   */
  accept(metric: InvocationMetric, live?: LiveSpan): Promise<void> | InvocationMetricsError;
  /** Starts the invocation's span, or `undefined` without a tracer. */
  trace: ((fields: BeginFields & { invocationId: string }, startMs: number, parent: Context | undefined) => LiveSpan | undefined) | undefined;
  /** Raises the in-flight count of a series; the returned function lowers it (called once). */
  track: ((fields: { agent: string; phase: number; model: string | undefined; tier: string | undefined }) => () => void) | undefined;
}

const BEGIN_KEYS = ['agent', 'phase', 'invocationId', 'taskId', 'attempt', 'model', 'tier', 'provider', 'extra'] as const satisfies readonly (keyof BeginFields)[];
const END_KEYS = [
  'success',
  'tokens',
  'cost',
  'exitCode',
  'inputTokens',
  'outputTokens',
  'cachedTokens',
  'outputParsed',
  'errorClass',
  'taskId',
  'attempt',
  'model',
  'tier',
  'provider',
  'costSource',
  'priceTable',
  'extra',
] as const satisfies readonly (keyof EndFields)[];
// Compile-time: each list names every key of its type, so the run-time check and the type agree.
type Missing<T, K> = Exclude<keyof T, K>;
const allNamed: [Missing<BeginFields, (typeof BEGIN_KEYS)[number]>, Missing<EndFields, (typeof END_KEYS)[number]>] extends [never, never] ? true : never = true;
void allNamed;

const BEGIN_SET = new Set<string>(BEGIN_KEYS);
const END_SET = new Set<string>(END_KEYS);
const RECORD_FIELDS = new Set<string>(FIELD_ORDER);

const isPlainObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** The first key of `fields` that `call` does not take, as an error with a hint; `undefined` when all are known. */
function unknownKey(call: 'begin()' | 'end()', fields: Record<string, unknown>): InvalidMetricError | undefined {
  const allowed = call === 'begin()' ? BEGIN_SET : END_SET;
  for (const key of Object.keys(fields)) {
    if (allowed.has(key)) continue;
    const value = fields[key];
    if (key === 'durationMs' || key === 'timestamp')
      return new UnknownFieldError(call, key, value, `end() measures \`${key}\`; to give your own, call record()`);
    if (call === 'begin()' && END_SET.has(key))
      return new UnknownFieldError(call, key, value, `\`${key}\` is known when the invocation ends: pass it to end()`);
    if (call === 'end()' && BEGIN_SET.has(key))
      return new UnknownFieldError(call, key, value, `\`${key}\` is set by begin() and fixed for the handle`);
    const suggestion = closestName(key, allowed);
    const hint = `${suggestion === undefined ? '' : `did you mean \`${suggestion}\`? `}fields of your own go in \`extra\``;
    return new UnknownFieldError(call, key, value, hint, suggestion);
  }
  const extra = fields.extra;
  if (extra === undefined) return undefined;
  if (!isPlainObject(extra)) return new InvalidMetricError('extra', 'an object of fields of your own, or absent', extra);
  for (const key of Object.keys(extra)) {
    if (RECORD_FIELDS.has(key) || key === 'extra')
      return new UnknownFieldError(call, `extra.${key}`, extra[key], `\`${key}\` is a field of the record: pass it as \`${key}\`, not in \`extra\``, key);
  }
  return undefined;
}

const optionalString = (fields: Record<string, unknown>, field: string): InvalidMetricError | undefined =>
  fields[field] === undefined || typeof fields[field] === 'string' ? undefined : new InvalidMetricError(field, 'a string or absent', fields[field]);

/** The first problem of `begin()`'s fields (their keys and the values known now), or `undefined`. */
function beginProblem(fields: unknown): InvalidMetricError | undefined {
  if (!isPlainObject(fields)) return new InvalidMetricError('(record)', 'an object of begin() fields', fields);
  const { agent, phase, invocationId, attempt } = fields;
  if (typeof agent !== 'string' || agent.length === 0) return new InvalidMetricError('agent', 'a non-empty string', agent);
  if (typeof phase !== 'number' || !Number.isInteger(phase) || phase < 0) return new InvalidMetricError('phase', 'an integer >= 0', phase);
  const key = unknownKey('begin()', fields);
  if (key !== undefined) return key;
  if (invocationId !== undefined && (typeof invocationId !== 'string' || invocationId.length === 0))
    return new InvalidMetricError('invocationId', 'a non-empty string or absent', invocationId);
  if (attempt !== undefined && (typeof attempt !== 'number' || !Number.isInteger(attempt) || attempt < 1))
    return new InvalidMetricError('attempt', 'an integer >= 1 or absent', attempt);
  return optionalString(fields, 'taskId') ?? optionalString(fields, 'model') ?? optionalString(fields, 'tier') ?? optionalString(fields, 'provider');
}

/** The record of an ended invocation: known fields in the line's order (end()'s value wins unless undefined), then the extras. */
function buildRecord(begin: BeginFields, end: EndFields, measured: Pick<InvocationMetric, 'invocationId' | 'durationMs' | 'timestamp'>): InvocationMetric {
  const sources: readonly Record<string, unknown>[] = [measured, end as unknown as Record<string, unknown>, begin as unknown as Record<string, unknown>];
  const defaults: Record<string, unknown> = { attempt: 1, outputParsed: true };
  const out: Record<string, unknown> = {};
  for (const field of FIELD_ORDER) {
    let value: unknown;
    for (const source of sources) {
      value = source[field];
      if (value !== undefined) break;
    }
    value ??= defaults[field];
    if (value !== undefined) out[field] = value;
  }
  if (begin.extra !== undefined) Object.assign(out, begin.extra);
  if (end.extra !== undefined) Object.assign(out, end.extra);
  return out as unknown as InvocationMetric;
}

/**
 * Starts a live invocation: checks `fields` (every key known, the values known now valid) and raises the
 * in-flight count.
 *
 * @param fields - What `begin()` was given.
 * @param sink - The collector's clock, record path and in-flight counter.
 * @param options - What `begin()` was given beside the fields (the span's parent).
 * @returns The handle.
 * @throws {@link InvalidMetricError} (or {@link UnknownFieldError}) for a bad or unknown field;
 * {@link InvalidOptionError} for a `parent` that is not an OTel `Context`.
 */
export function openInvocation(fields: BeginFields, sink: InvocationSink, options: BeginOptions = {}): InvocationHandle {
  const parent = checkParent(options);
  if (parent instanceof InvalidOptionError) throw parent;
  const problem = beginProblem(fields);
  if (problem !== undefined) throw problem;
  // A private copy: the caller may reuse its object for the next begin().
  const begin: BeginFields = { ...fields, ...(fields.extra === undefined ? {} : { extra: { ...fields.extra } }) };
  const startedAt = sink.now();
  const invocationId = begin.invocationId ?? randomUUID();
  const lower = sink.track?.({ agent: begin.agent, phase: begin.phase, model: begin.model, tier: begin.tier });
  const live = sink.trace?.({ ...begin, invocationId }, startedAt, parent);
  let state: 'open' | 'ended' | 'abandoned' = 'open';
  let endedAt: number | undefined;
  const close = (to: 'ended' | 'abandoned'): void => {
    state = to;
    lower?.();
    if (to === 'abandoned') live?.abandon(endedAt ?? sink.now());
  };
  return {
    invocationId,
    startedAt,
    span: live?.span ?? NO_SPAN,
    context: live?.context ?? parent ?? contextApi.active(),
    end(result: EndFields): Promise<void> {
      if (state !== 'open') return Promise.reject(new InvocationEndedError(invocationId, state));
      // The invocation ended when end() was first called, even if that call is refused and a later one fixes it.
      endedAt ??= sink.now();
      const bad = isPlainObject(result) ? unknownKey('end()', result) : new InvalidMetricError('(record)', 'an object of end() fields', result);
      const accepted =
        bad ??
        sink.accept(
          buildRecord(begin, result, { invocationId, durationMs: wholeMsBetween(startedAt, endedAt), timestamp: new Date(startedAt).toISOString() }),
          live,
        );
      if (accepted instanceof Promise) {
        close('ended');
        return accepted;
      }
      if (accepted instanceof CollectorClosedError) {
        close('abandoned');
        accepted.message += `; invocation ${invocationId} was not recorded`;
      } else accepted.message += `; invocation ${invocationId} is not recorded yet and its handle stays open: call end() again with this fixed, or abandon()`;
      return Promise.reject(accepted);
    },
    abandon(): boolean {
      if (state !== 'open') return false;
      close('abandoned');
      return true;
    },
  };
}
