/**
 * Reading Mastra's exported spans (AI tracing, `@mastra/core` 1.x): the few fields a record needs, each
 * checked, since an exporter receives whatever a processor or a custom formatter left. Pure.
 *
 * @module
 */

/** Span types of Mastra's `SpanType` this adapter reads (the enum's values, so no runtime import). */
export const AGENT_RUN = 'agent_run';
export const MODEL_GENERATION = 'model_generation';
export const TOOL_CALL = 'tool_call';
export const MODEL_CHUNK = 'model_chunk';

/** The usage of a model generation as Mastra reports it (`UsageStats`: `inputTokens` includes cache reads). */
export interface SpanUsage {
  readonly inputTokens?: unknown;
  readonly outputTokens?: unknown;
  readonly cachedTokens?: unknown;
}

/** `v` as a record when it is a non-null object, else `undefined`. */
export const asObject = (v: unknown): Record<string, unknown> | undefined =>
  typeof v === 'object' && v !== null ? (v as Record<string, unknown>) : undefined;
/** `v` when it is a non-empty string, else `undefined`. */
export const str = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' ? v : undefined);

/** Milliseconds since the epoch of a span's `startTime`/`endTime` (a `Date`, or its ISO string after a formatter). */
export function timeOf(v: unknown): number | undefined {
  const ms = v instanceof Date ? v.getTime() : typeof v === 'string' ? Date.parse(v) : Number.NaN;
  return Number.isFinite(ms) ? ms : undefined;
}

/** `attributes.usage` of a span, or `undefined` when it has none (an empty `{}` is "none": a failed call). */
export function usageOfSpan(attributes: Record<string, unknown> | undefined): SpanUsage | undefined {
  const u = asObject(attributes?.usage);
  if (u === undefined || (u.inputTokens === undefined && u.outputTokens === undefined)) return undefined;
  return { inputTokens: u.inputTokens, outputTokens: u.outputTokens, cachedTokens: asObject(u.inputDetails)?.cacheRead };
}

/** Adds `b` to `a` field by field; a field that is not a count in either stays as the bad value, for the recorder to warn about. */
export function addUsage(a: SpanUsage | undefined, b: SpanUsage): SpanUsage {
  if (a === undefined) return b;
  const add = (x: unknown, y: unknown): unknown => (x === undefined ? y : y === undefined ? x : typeof x === 'number' && typeof y === 'number' ? x + y : typeof x === 'number' ? y : x);
  return { inputTokens: add(a.inputTokens, b.inputTokens), outputTokens: add(a.outputTokens, b.outputTokens), cachedTokens: add(a.cachedTokens, b.cachedTokens) };
}
