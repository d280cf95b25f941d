/**
 * The record object of a line the fast path accepted: what `JSON.parse` gives for it (the same keys in
 * the same order, the same values), built for a loader that keeps every record. The two shapes a
 * collector's log mostly holds (every optional field of the type, with and without `errorClass`) are
 * one object literal each: V8 then allocates them whole, and, seeing that they all survive, directly in
 * the old generation (allocation-site pretenuring). Any other shape is built field by field.
 *
 * @module
 */
import type { InvocationMetric } from '../record.js';
import type { FastLine } from './fast-line.js';

/** The strings of a line, decoded (`undefined` for an absent optional field). */
export interface LineStrings {
  invocationId: string;
  agent: string;
  taskId: string | undefined;
  model: string | undefined;
  tier: string | undefined;
  timestamp: string;
  errorClass: string | undefined;
}

/**
 * Builds the record of an accepted line.
 *
 * @param l - The parser's line (numbers, booleans, which counts are present).
 * @param s - Its strings.
 * @returns The record.
 */
/**
 * The same number, as a small integer where it is one (`-0` stays `-0`). The parser's numbers are
 * doubles; stored as they are, a field of V8's object takes the double representation and every record
 * gets a boxed number for it (128 more bytes per held record, measured), where `JSON.parse` stores small
 * integers unboxed.
 */
const int = (v: number): number => ((v | 0) === v && (v !== 0 || 1 / v > 0) ? v | 0 : v);

export function recordObject(l: FastLine, s: LineStrings): InvocationMetric {
  const { invocationId, agent, taskId, model, tier, timestamp, errorClass } = s;
  if (taskId !== undefined && model !== undefined && tier !== undefined && l.inputTokens >= 0 && l.outputTokens >= 0 && l.cachedTokens >= 0) {
    if (errorClass === undefined)
      return { invocationId, agent, phase: int(l.phase), taskId, durationMs: int(l.durationMs), tokens: int(l.tokens), inputTokens: int(l.inputTokens), outputTokens: int(l.outputTokens), cachedTokens: int(l.cachedTokens), cost: l.cost, exitCode: int(l.exitCode), success: l.success, attempt: int(l.attempt), outputParsed: l.outputParsed, model, tier, timestamp };
    return { invocationId, agent, phase: int(l.phase), taskId, durationMs: int(l.durationMs), tokens: int(l.tokens), inputTokens: int(l.inputTokens), outputTokens: int(l.outputTokens), cachedTokens: int(l.cachedTokens), cost: l.cost, exitCode: int(l.exitCode), success: l.success, attempt: int(l.attempt), outputParsed: l.outputParsed, model, tier, timestamp, errorClass };
  }
  const m: Record<string, unknown> = { invocationId, agent, phase: l.phase };
  if (taskId !== undefined) m.taskId = taskId;
  m.durationMs = int(l.durationMs);
  m.tokens = int(l.tokens);
  if (l.inputTokens >= 0) m.inputTokens = int(l.inputTokens);
  if (l.outputTokens >= 0) m.outputTokens = int(l.outputTokens);
  if (l.cachedTokens >= 0) m.cachedTokens = int(l.cachedTokens);
  m.cost = l.cost;
  m.exitCode = int(l.exitCode);
  m.success = l.success;
  m.attempt = int(l.attempt);
  m.outputParsed = l.outputParsed;
  if (model !== undefined) m.model = model;
  if (tier !== undefined) m.tier = tier;
  m.timestamp = timestamp;
  if (errorClass !== undefined) m.errorClass = errorClass;
  return m as unknown as InvocationMetric;
}
