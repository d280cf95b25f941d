/**
 * What one finished span says for a record, read from its attributes in the current and the older GenAI
 * names (see `names.ts`). Pure: malformed values come back as problems for the caller to warn about.
 *
 * @module
 */
import type { Attributes, AttributeValue, HrTime, SpanContext } from '@opentelemetry/api';
import { wholeMsBetween } from '../../record.js';
import { errorClassOfType } from './error-class.js';
import { INVOKE_AGENT, LEGACY_PROVIDERS, OWN_SCOPE, READ } from './names.js';

/**
 * The parts of a span the adapter reads: a structural subset of the SDK's `ReadableSpan` (sdk-trace 3.x,
 * and sdk-trace-base 1.x/2.x, whose spans name the parent and scope `parentSpanId` and
 * `instrumentationLibrary`).
 */
export interface GenAiSpan {
  readonly name: string;
  readonly attributes: Attributes;
  readonly startTime: HrTime;
  readonly duration?: HrTime | undefined;
  readonly endTime?: HrTime | undefined;
  readonly status?: { readonly code: number; readonly message?: string | undefined } | undefined;
  readonly events?: readonly { readonly name: string; readonly attributes?: Attributes | undefined }[] | undefined;
  spanContext(): SpanContext;
  readonly parentSpanContext?: SpanContext | undefined;
  readonly parentSpanId?: string | undefined;
  readonly instrumentationScope?: { readonly name: string } | undefined;
  readonly instrumentationLibrary?: { readonly name: string } | undefined;
}

/** Token counts a span reports (each absent when the span has none or a malformed one). */
export interface SpanUsage {
  readonly inputTokens?: number | undefined;
  readonly outputTokens?: number | undefined;
  readonly cachedTokens?: number | undefined;
  readonly totalTokens?: number | undefined;
}

/** What a span says for a record. */
export interface SpanFacts {
  readonly agent?: string | undefined;
  readonly model?: string | undefined;
  readonly provider?: string | undefined;
  readonly usage: SpanUsage;
  /** Whether the span carried any token count (even a malformed one). */
  readonly hasUsage: boolean;
  /** A cost in USD on the span (OpenLIT's, the proposal's). */
  readonly cost?: number | undefined;
  readonly failed: boolean;
  readonly errorClass?: string | undefined;
  /** The raw `error.type` (or exception type) of a failure. */
  readonly errorType?: string | undefined;
  /** Attribute values that could not be read: `name = value is not ...`. */
  readonly problems: readonly string[];
}

/** The span's `gen_ai.operation.name`, or the older marks of OpenLLMetry (`llm.request.type`, agent spans). */
export function operationOf(attributes: Attributes): string | undefined {
  const op = attributes[READ.operation[0]];
  if (typeof op === 'string' && op !== '') return op;
  const legacy = attributes[READ.legacyRequestType];
  if (legacy === 'chat') return 'chat';
  if (legacy === 'completion') return 'text_completion';
  return attributes[READ.traceloopKind] === 'agent' ? INVOKE_AGENT : undefined;
}

/** Whether our own span sink made the span (its scope, or the invocation id it sets on every span). */
export function isOwnSpan(span: GenAiSpan): boolean {
  const scope = span.instrumentationScope ?? span.instrumentationLibrary;
  return scope?.name === OWN_SCOPE || span.attributes[READ.ownMark] !== undefined;
}

/** The id of the span's parent, when it has one. */
export function parentIdOf(span: GenAiSpan): string | undefined {
  return span.parentSpanContext?.spanId ?? span.parentSpanId;
}

/**
 * Whole epoch milliseconds of an `HrTime`, rounded down (as the log's timestamps are): computed from the
 * integer parts, so an instant is never moved across a millisecond by floating-point rounding.
 */
export const hrMs = (t: HrTime): number => t[0] * 1000 + Math.floor(t[1] / 1e6);

/**
 * The span's duration between its start and end, both in whole milliseconds ({@link hrMs}), so a span
 * that started after another ended never overlaps it in the aggregate; `NaN` when the span has neither
 * an end nor a duration (the recorder refuses it by name).
 */
export function wholeMsDuration(span: GenAiSpan): number {
  const { startTime, endTime, duration } = span;
  if (endTime !== undefined) return wholeMsBetween(hrMs(startTime), hrMs(endTime));
  if (duration === undefined) return Number.NaN;
  const ns = startTime[1] + duration[1];
  return wholeMsBetween(hrMs(startTime), hrMs([startTime[0] + duration[0] + Math.floor(ns / 1e9), ns % 1e9]));
}

const first = (attributes: Attributes, names: readonly string[]): [string, AttributeValue] | undefined => {
  for (const name of names) {
    const v = attributes[name];
    if (v !== undefined && v !== null) return [name, v];
  }
  return undefined;
};

/** A non-empty string attribute of the first name present, else `undefined`. */
export function stringOf(attributes: Attributes, names: readonly string[]): string | undefined {
  for (const name of names) {
    const v = attributes[name];
    if (typeof v === 'string' && v !== '') return v;
  }
  return undefined;
}

/** `value` as a count: a safe integer >= 0, or a string of decimal digits (some exporters stringify). */
function asCount(value: AttributeValue): number | undefined {
  if (typeof value === 'number') return Number.isSafeInteger(value) && value >= 0 ? value : undefined;
  if (typeof value === 'string' && /^\d{1,15}$/.test(value)) return Number(value);
  return undefined;
}

const show = (v: AttributeValue): string => (typeof v === 'string' ? JSON.stringify(v) : Array.isArray(v) ? `[${v.map(String).join(', ')}]` : String(v));

/**
 * Reads what the span says: agent, model (the response model, what actually served, else the requested
 * one), provider, usage, cost, outcome.
 *
 * @param span - A finished span.
 * @returns Its facts, with the attribute values that could not be read as problems.
 */
export function factsOf(span: GenAiSpan): SpanFacts {
  const a = span.attributes;
  const problems: string[] = [];
  let hasUsage = false;
  const count = (names: readonly string[]): number | undefined => {
    const found = first(a, names);
    if (found === undefined) return undefined;
    hasUsage = true;
    const n = asCount(found[1]);
    if (n === undefined) problems.push(`${found[0]} = ${show(found[1])} is not a token count (an integer >= 0); left out`);
    return n;
  };
  const usage: SpanUsage = {
    inputTokens: count(READ.inputTokens),
    outputTokens: count(READ.outputTokens),
    cachedTokens: count(READ.cachedTokens),
    totalTokens: count(READ.totalTokens),
  };
  let cost: number | undefined;
  const costAttr = first(a, READ.cost);
  if (costAttr !== undefined) {
    const [name, v] = costAttr;
    const currency = a[READ.costCurrency];
    if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) problems.push(`${name} = ${show(v)} is not a cost (a finite number >= 0); priced from the table instead`);
    else if (name !== 'gen_ai.usage.cost' && currency !== undefined && currency !== 'USD')
      problems.push(`${name} is in ${show(currency)}, not USD; priced from the table instead`);
    else cost = v;
  }
  let provider = stringOf(a, READ.provider);
  if (provider === undefined) {
    const legacy = stringOf(a, [READ.legacyProvider])?.toLowerCase();
    provider = legacy === undefined ? undefined : (LEGACY_PROVIDERS[legacy] ?? legacy);
  }
  const rawError = errorTypeOf(span);
  const failed = span.status?.code === 2 || rawError.fromAttribute !== undefined;
  const errorType = failed ? (rawError.fromAttribute ?? rawError.fromException) : undefined;
  const errorClass = failed ? (errorClassOfType(errorType) ?? errorClassOfType(first(a, READ.httpStatus)?.[1])) : undefined;
  return { agent: stringOf(a, READ.agent), model: stringOf(a, READ.model), provider, usage, hasUsage, cost, failed, errorClass, errorType, problems };
}

/** The span's `error.type`, and the `exception.type` of its last exception event. */
function errorTypeOf(span: GenAiSpan): { fromAttribute?: string | undefined; fromException?: string | undefined } {
  const attr = span.attributes[READ.errorType];
  const fromAttribute = typeof attr === 'string' && attr !== '' ? attr : typeof attr === 'number' ? String(attr) : undefined;
  let fromException: string | undefined;
  for (const event of span.events ?? []) {
    const type = event.name === 'exception' ? event.attributes?.['exception.type'] : undefined;
    if (typeof type === 'string' && type !== '') fromException = type;
  }
  return { fromAttribute, fromException };
}
