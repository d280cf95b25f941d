/**
 * The direct span path: when the collector's `tracer` comes from `createTracing()` (which owns its
 * provider, its sampler and its exporter), a finished record's span needs none of what the SDK's span
 * object does for arbitrary callers (attribute sanitizing, span limits, processors): the sink builds the
 * finished span's data itself and hands it to the bundle's own queue (a batch span processor of the SDK
 * with its own exporter). API only: the queue is made on the telemetry side; this module holds the
 * contract and the span data.
 *
 * @module
 */
import { randomBytes } from 'node:crypto';
import { SpanKind, TraceFlags, type Attributes, type HrTime, type Link, type SpanContext, type SpanStatus } from '@opentelemetry/api';

/** The property of a `createTracing()` provider (and its tracer) that holds its {@link DirectSpanQueue}. */
export const DIRECT_SPANS: unique symbol = Symbol.for('invocation-metrics.direct-spans') as never;

/**
 * A finished span as the OTLP exporters read one (the fields of the SDK's `ReadableSpan` that they use),
 * made without the SDK.
 */
export interface FinishedSpan {
  readonly name: string;
  readonly kind: SpanKind;
  spanContext(): SpanContext;
  readonly parentSpanContext: SpanContext | undefined;
  readonly startTime: HrTime;
  readonly endTime: HrTime;
  readonly duration: HrTime;
  readonly status: SpanStatus;
  readonly attributes: Attributes;
  readonly links: Link[];
  readonly events: [];
  readonly ended: true;
  readonly resource: unknown;
  readonly instrumentationScope: { readonly name: string; readonly version?: string };
  readonly droppedAttributesCount: 0;
  readonly droppedEventsCount: 0;
  readonly droppedLinksCount: 0;
}

/** The export queue of a `createTracing()` bundle (its own batch span processor). */
export interface DirectSpanQueue {
  /** The bundle's resource, for every span. */
  readonly resource: unknown;
  /** Hands a finished span to the batch processor (which skips an unsampled one, and drops and counts past its queue). */
  push(span: FinishedSpan): void;
}

/**
 * The direct queue of a tracer option, when it is a `createTracing()` provider or tracer.
 *
 * @param tracer - The collector's `tracer` option.
 * @returns The queue, or `undefined` for any other tracer (the SDK path).
 */
export function directQueueOf(tracer: unknown): DirectSpanQueue | undefined {
  const q = (tracer as { [DIRECT_SPANS]?: unknown } | null)?.[DIRECT_SPANS];
  return typeof q === 'object' && q !== null && typeof (q as DirectSpanQueue).push === 'function' ? (q as DirectSpanQueue) : undefined;
}

/** Random bytes drawn 4 KiB at a time, as hex: an id costs a slice of a string, not a call to the generator. */
let pool = '';
let at = 0;
const POOL_BYTES = 4096;
const ZERO_TRACE = '0'.repeat(32);
const ZERO_SPAN = '0'.repeat(16);

/** `chars` random hex digits, never all zeros (an invalid id in OTel). */
function randomHex(chars: number): string {
  if (at + chars > pool.length) {
    pool = randomBytes(POOL_BYTES).toString('hex');
    at = 0;
  }
  const id = pool.slice(at, (at += chars));
  return id === ZERO_TRACE || id === ZERO_SPAN ? randomHex(chars) : id;
}

/**
 * A new span context: the parent's trace (or a new one), a new span id, sampled as the parent is (a root
 * is sampled: `createTracing()` samples with the SDK's default, parent-based always-on).
 *
 * @param parent - The parent's context, if any.
 * @returns The context.
 */
export function childContext(parent: SpanContext | undefined): SpanContext {
  const sampled = parent === undefined || (parent.traceFlags & TraceFlags.SAMPLED) !== 0;
  return {
    traceId: parent?.traceId ?? randomHex(32),
    spanId: randomHex(16),
    traceFlags: sampled ? TraceFlags.SAMPLED : TraceFlags.NONE,
    ...(parent?.traceState === undefined ? {} : { traceState: parent.traceState }),
  };
}

/** The duration from `start` to `end` as an `HrTime`. */
export function hrDuration(start: HrTime, end: HrTime): HrTime {
  let seconds = end[0] - start[0];
  let nanos = end[1] - start[1];
  if (nanos < 0) {
    seconds -= 1;
    nanos += 1e9;
  }
  return [seconds, nanos];
}

/** The kind of every span the sink makes. */
export const INTERNAL = SpanKind.INTERNAL;
