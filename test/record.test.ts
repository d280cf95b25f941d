import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { InvalidMetricError, InvocationMetricsError } from '../src/errors.js';
import { findMetricProblem, isInvocationMetric, parseTimestamp, validateMetric, type InvocationMetric } from '../src/record.js';
import { runs } from './helpers/property.js';

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
    ['provider', 5],
    ['costSource', 'guess'],
    ['costSource', 'Provider'],
    ['costSource', 1],
    ['priceTable', null],
  ])('rejects %s = %o naming the field and the value', (field, value) => {
    const err = problem({ [field]: value });
    expect(err).toBeInstanceOf(InvalidMetricError);
    expect(err).toBeInstanceOf(InvocationMetricsError);
    expect(err?.code).toBe('ERR_INVALID_METRIC');
    expect(err?.field).toBe(field);
    expect(err?.value).toBe(value);
    expect(err?.message).toContain(`\`${field}\``);
  });

  it('accepts the three provenance fields with their documented values', () => {
    for (const costSource of ['provider', 'table', 'none'] as const)
      expect(problem({ provider: 'openai', costSource, priceTable: 'invocation-metrics/2026-12-01' })).toBeUndefined();
  });

  it('rejects a missing required field with "got nothing"', () => {
    const { cost: _cost, ...rest } = good;
    const err = findMetricProblem(rest);
    expect(err?.field).toBe('cost');
    expect(err?.message).toBe('Expected `cost` to be a finite number >= 0 and at most 1e15 (USD), got nothing');
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

describe('parseTimestamp against the regular expression and Date.parse it replaced', () => {
  // The former implementation, kept as the reference: the hand-written parser must agree on every string.
  const TIMESTAMP_RE = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.\d{1,9})?)?(?:Z|[+-](\d{2}):(\d{2}))$/;
  const DAYS = [31, 29, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31];
  const reference = (t: string): number => {
    const m = TIMESTAMP_RE.exec(t);
    if (m === null) return Number.NaN;
    const [year, month, day] = [Number(m[1]), Number(m[2]), Number(m[3])];
    if (month < 1 || month > 12 || day < 1) return Number.NaN;
    const leap = (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
    if (day > (month === 2 && !leap ? 28 : DAYS[month - 1]!)) return Number.NaN;
    if (Number(m[4]) > 23 || Number(m[5]) > 59 || (m[6] !== undefined && Number(m[6]) > 59)) return Number.NaN;
    if (m[7] !== undefined && (Number(m[7]) > 23 || Number(m[8]) > 59)) return Number.NaN;
    return Date.parse(t);
  };
  const same = (t: string): boolean => Object.is(parseTimestamp(t), reference(t));
  const d = (n: number, max: number) => fc.integer({ min: 0, max }).map((v) => String(v).padStart(n, '0'));

  it('agrees on strings of the grammar, in and out of calendar range', () => {
    const zone = fc.oneof(fc.constant('Z'), fc.tuple(fc.constantFrom('+', '-'), d(2, 29), d(2, 69)).map(([s, h, m]) => `${s}${h}:${m}`));
    const seconds = fc.option(fc.tuple(d(2, 69), fc.option(fc.stringMatching(/^\d{1,10}$/))), { nil: undefined });
    const ts = fc
      .tuple(d(4, 9999), d(2, 13), d(2, 32), d(2, 25), d(2, 61), seconds, zone)
      .map(([y, mo, da, h, mi, sec, z]) => `${y}-${mo}-${da}T${h}:${mi}${sec === undefined ? '' : `:${sec[0]}${sec[1] === null ? '' : `.${sec[1]}`}`}${z}`);
    fc.assert(fc.property(ts, same), { numRuns: runs(20_000) });
  });

  it('agrees on mutated timestamps and arbitrary strings', () => {
    const base = ['2026-11-20T09:00:30.123456789+05:30', '2024-02-29T23:59:59Z', '0000-01-01T00:00Z', '2026-11-20T09:00-00:00'];
    const alphabet = fc.constantFrom(...'0123456789-+:.TZtz Ｔ١'.split(''));
    const mutated = fc
      .tuple(fc.constantFrom(...base), fc.nat(40), fc.nat(3), fc.array(alphabet, { maxLength: 3 }))
      .map(([b, at, drop, ins]) => b.slice(0, at) + ins.join('') + b.slice(at + drop));
    fc.assert(fc.property(fc.oneof(mutated, fc.string({ maxLength: 40 })), same), { numRuns: runs(20_000) });
    for (const t of ['', '2026-11-20T09:00Z ', ' 2026-11-20T09:00Z', '2026-11-20T09:00:00.Z', '2026-11-20T09:00:00.1234567890Z', '2026-11-20T09:00+0530'])
      expect([t, same(t)]).toEqual([t, true]);
  });
});
