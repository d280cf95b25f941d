import { describe, expect, it } from 'vitest';
import { InvalidMetricError, InvocationMetricsError } from '../src/errors.js';
import { findMetricProblem, isInvocationMetric, parseTimestamp, validateMetric, type InvocationMetric } from '../src/record.js';

const good: InvocationMetric = {
  invocationId: 'i-1',
  agent: 'coder',
  phase: 0,
  durationMs: 0,
  tokens: 0,
  cost: 0,
  exitCode: -9,
  success: false,
  attempt: 1,
  outputParsed: false,
  timestamp: '2026-11-20T09:00Z',
};

function problem(patch: Record<string, unknown>): InvalidMetricError | undefined {
  return findMetricProblem({ ...good, ...patch });
}

describe('validateMetric', () => {
  it('accepts a minimal valid record, with unknown fields', () => {
    expect(() => validateMetric({ ...good, somethingNew: [1] })).not.toThrow();
    expect(isInvocationMetric(good)).toBe(true);
  });

  it.each([
    ['invocationId', ''],
    ['invocationId', 7],
    ['agent', ''],
    ['agent', null],
    ['phase', -1],
    ['phase', 1.5],
    ['phase', '1'],
    ['taskId', 3],
    ['taskId', null],
    ['durationMs', -0.1],
    ['durationMs', Number.POSITIVE_INFINITY],
    ['durationMs', Number.NaN],
    ['tokens', 1.5],
    ['tokens', -1],
    ['inputTokens', -1],
    ['outputTokens', 0.5],
    ['cachedTokens', '3'],
    ['cost', -0.01],
    ['cost', Number.NaN],
    ['exitCode', 0.5],
    ['exitCode', '0'],
    ['success', 'true'],
    ['attempt', 0],
    ['attempt', 1.5],
    ['outputParsed', 1],
    ['model', 5],
    ['tier', false],
    ['timestamp', '2026-11-20T09:00:00'],
    ['timestamp', '2026-11-20 09:00:00Z'],
    ['timestamp', '2026-02-30T09:00Z'],
    ['timestamp', '2026-11-20T24:00Z'],
    ['timestamp', '2026-11-20T09:00:60Z'],
    ['timestamp', '2026-11-20T09:00+2:00'],
    ['timestamp', 1795165200000],
    ['errorClass', 1],
  ])('rejects %s = %o naming the field and the value', (field, value) => {
    const err = problem({ [field]: value });
    expect(err).toBeInstanceOf(InvalidMetricError);
    expect(err).toBeInstanceOf(InvocationMetricsError);
    expect(err?.code).toBe('ERR_INVALID_METRIC');
    expect(err?.field).toBe(field);
    expect(err?.value).toBe(value);
    expect(err?.message).toContain(`\`${field}\``);
  });

  it('rejects a missing required field with "got nothing"', () => {
    const { cost: _cost, ...rest } = good;
    const err = findMetricProblem(rest);
    expect(err?.field).toBe('cost');
    expect(err?.message).toBe('Expected `cost` to be a finite number >= 0 (USD), got nothing');
  });

  it('rejects non-objects', () => {
    for (const v of [null, 3, 'x', [good]]) expect(findMetricProblem(v)?.field).toBe('(record)');
    expect(() => validateMetric(null)).toThrow(InvalidMetricError);
  });

  it('formats the value in the message', () => {
    expect(problem({ phase: -1 })?.message).toBe('Expected `phase` to be an integer >= 0, got `-1` (number)');
  });
});

describe('parseTimestamp', () => {
  it('parses zoned times like Date.parse', () => {
    expect(parseTimestamp('2026-11-20T09:00+02:00')).toBe(Date.parse('2026-11-20T07:00:00Z'));
    expect(parseTimestamp('2026-11-20T09:00:30.5-05:30')).toBe(Date.parse('2026-11-20T14:30:30.500Z'));
    expect(parseTimestamp('2024-02-29T00:00:00Z')).toBe(Date.parse('2024-02-29T00:00:00Z'));
  });
  it('rejects times without a zone or impossible dates', () => {
    for (const s of ['2026-11-20T09:00', '2026-11-20', '2025-02-29T00:00Z', '2026-13-01T00:00Z', '2026-11-20T09:00+24:00', '2026-11-20t09:00z'])
      expect(parseTimestamp(s)).toBeNaN();
  });
});
