import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { serializeFields, serializeMetric } from '../src/serialize.js';
import { findMetricProblem, type InvocationMetric } from '../src/record.js';
import { REQUIRED_ONLY } from './helpers/records.js';
import { runs } from './helpers/property.js';

const base: InvocationMetric = { ...REQUIRED_ONLY };

describe('serializeMetric', () => {
  it('writes known fields in the type order, then unknown fields', () => {
    const line = serializeMetric({ ...base, extra: { a: [1, 'x'] }, taskId: 't' } as InvocationMetric);
    expect(Object.keys(JSON.parse(line))).toEqual([
      'invocationId', 'agent', 'phase', 'taskId', 'durationMs', 'tokens', 'cost', 'exitCode', 'success',
      'attempt', 'outputParsed', 'timestamp', 'extra',
    ]);
    expect(JSON.parse(line).extra).toEqual({ a: [1, 'x'] });
  });

  it('escapes hostile strings and keeps __proto__ as plain data', () => {
    const hostile = JSON.parse(
      '{"invocationId":"a\\"b\\n","agent":"</script>\\u2028\\ud800","phase":0,"durationMs":0,"tokens":0,"cost":0,"exitCode":-1,"success":false,"attempt":1,"outputParsed":false,"timestamp":"2026-11-20T09:00+02:00","__proto__":{"polluted":true}}',
    ) as InvocationMetric;
    const parsed = JSON.parse(serializeMetric(hostile)) as Record<string, unknown>;
    expect(parsed).toEqual(JSON.parse(JSON.stringify(hostile)));
    expect(Object.prototype.hasOwnProperty.call(parsed, '__proto__')).toBe(true);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('drops undefined unknown fields and functions like JSON.stringify', () => {
    const line = serializeMetric({ ...base, gone: undefined, fn: () => 1 } as unknown as InvocationMetric);
    expect(JSON.parse(line)).toEqual(base);
  });

  it('equals JSON.stringify field for field on random valid records', () => {
    const rec = fc.record(
      {
        invocationId: fc.string({ minLength: 1 }),
        agent: fc.string({ minLength: 1, unit: 'binary' }),
        phase: fc.nat(),
        taskId: fc.string({ unit: 'binary' }),
        durationMs: fc.double({ min: 0, max: 1e12, noNaN: true }),
        tokens: fc.nat(),
        inputTokens: fc.nat(),
        outputTokens: fc.nat(),
        cachedTokens: fc.nat(),
        cost: fc.double({ min: 0, max: 1e6, noNaN: true }),
        exitCode: fc.integer(),
        success: fc.boolean(),
        attempt: fc.integer({ min: 1, max: 10 }),
        outputParsed: fc.boolean(),
        model: fc.string(),
        tier: fc.string(),
        timestamp: fc.constant('2026-11-20T09:00:00.5+02:00'),
        errorClass: fc.string(),
        provider: fc.string(),
        costSource: fc.constantFrom('provider', 'table', 'none'),
        priceTable: fc.string(),
        note: fc.jsonValue(),
      },
      { requiredKeys: ['invocationId', 'agent', 'phase', 'durationMs', 'tokens', 'cost', 'exitCode', 'success', 'attempt', 'outputParsed', 'timestamp'] },
    );
    fc.assert(
      fc.property(rec, (r) => {
        const m = r as unknown as InvocationMetric;
        expect(findMetricProblem(m)).toBeUndefined();
        expect(JSON.parse(serializeMetric(m))).toEqual(JSON.parse(JSON.stringify(m)));
      }),
      { numRuns: runs(2000) },
    );
  });

  it('is byte for byte JSON.stringify of the fields in type order, on any strings and numbers', () => {
    const anyString = fc.oneof(fc.string({ unit: 'binary' }), fc.string({ unit: 'grapheme' }), fc.constantFrom('"', '\\', '\u0000', '\u001f', '\u007f', '\u2028', '\ud800', '\udc00x', '\ud83d\ude80'));
    const anyNumber = fc.oneof(fc.double({ noNaN: true, noDefaultInfinity: true }), fc.integer(), fc.constantFrom(-0, 5e-324, 1e21, 1e-7));
    const rec = fc.record(
      {
        invocationId: anyString,
        agent: anyString,
        phase: anyNumber,
        taskId: anyString,
        durationMs: anyNumber,
        tokens: anyNumber,
        inputTokens: anyNumber,
        outputTokens: anyNumber,
        cachedTokens: anyNumber,
        cost: anyNumber,
        exitCode: anyNumber,
        success: fc.boolean(),
        attempt: anyNumber,
        outputParsed: fc.boolean(),
        model: anyString,
        tier: anyString,
        timestamp: anyString,
        errorClass: anyString,
        provider: anyString,
        costSource: anyString,
        priceTable: anyString,
        zz: fc.jsonValue(),
        [`k${'"'}`]: fc.option(anyString, { nil: undefined }),
      },
      { requiredKeys: ['invocationId', 'agent', 'phase', 'durationMs', 'tokens', 'cost', 'exitCode', 'success', 'attempt', 'outputParsed', 'timestamp'] },
    );
    const ORDER = ['invocationId', 'agent', 'phase', 'taskId', 'durationMs', 'tokens', 'inputTokens', 'outputTokens', 'cachedTokens', 'cost', 'exitCode', 'success', 'attempt', 'outputParsed', 'model', 'tier', 'timestamp', 'errorClass', 'provider', 'costSource', 'priceTable'];
    fc.assert(
      fc.property(rec, (r) => {
        const ordered: Record<string, unknown> = {};
        for (const key of ORDER) if (key in r) ordered[key] = (r as Record<string, unknown>)[key];
        for (const key of Object.keys(r)) if (!ORDER.includes(key)) ordered[key] = (r as Record<string, unknown>)[key];
        expect(serializeMetric(r as unknown as InvocationMetric)).toBe(JSON.stringify(ordered));
      }),
      { numRuns: runs(3000) },
    );
  });
});

describe('serializeMetric: the JSON.stringify path for records already in line order', () => {
  const full = { ...base, taskId: 't', inputTokens: 1, outputTokens: 2, cachedTokens: 0, model: 'm', tier: 'x', errorClass: 'timeout', provider: 'openai', costSource: 'table', priceTable: 'p/1' };
  const order = ['invocationId', 'agent', 'phase', 'taskId', 'durationMs', 'tokens', 'inputTokens', 'outputTokens', 'cachedTokens', 'cost', 'exitCode', 'success', 'attempt', 'outputParsed', 'model', 'tier', 'timestamp', 'errorClass', 'provider', 'costSource', 'priceTable'] as const;
  const inOrder = (keys: readonly string[], extra: Record<string, unknown> = {}): InvocationMetric =>
    Object.fromEntries([...keys.map((k) => [k, (full as Record<string, unknown>)[k]]), ...Object.entries(extra)]) as unknown as InvocationMetric;
  const expected = (m: InvocationMetric): string => {
    const copy: Record<string, unknown> = {};
    for (const k of order) if ((m as unknown as Record<string, unknown>)[k] !== undefined) copy[k] = (m as unknown as Record<string, unknown>)[k];
    for (const [k, v] of Object.entries(m)) if (!(order as readonly string[]).includes(k)) copy[k] = v;
    return JSON.stringify(copy);
  };

  it('writes the same line whatever the order of the keys, with or without unknown and undefined fields', () => {
    const optional = ['taskId', 'inputTokens', 'outputTokens', 'cachedTokens', 'model', 'tier', 'errorClass', 'provider', 'costSource', 'priceTable'];
    const required = order.filter((k) => !optional.includes(k));
    const keys = fc.shuffledSubarray(optional).chain((opt) => fc.shuffledSubarray([...required, ...opt], { minLength: required.length + opt.length }));
    const extra = fc.dictionary(fc.constantFrom('x', 'y', 'z', 'agent2'), fc.oneof(fc.integer(), fc.string(), fc.constant(undefined)));
    fc.assert(
      fc.property(keys, extra, fc.boolean(), (ks, ex, sorted) => {
        const chosen = sorted ? order.filter((k) => ks.includes(k)) : ks;
        const m = inOrder(chosen, ex);
        return serializeMetric(m) === expected(m) && serializeFields(m) === expected(m);
      }),
      { numRuns: runs(3000) },
    );
  });

  it('never lets a toJSON field or a prototype toJSON take over the line', () => {
    const own = inOrder(order, { toJSON: () => 'hijacked' });
    expect(serializeMetric(own)).toBe(JSON.stringify(inOrder(order)));
    class Rec {
      toJSON(): string {
        return 'hijacked';
      }
    }
    const instance = Object.assign(new Rec(), inOrder(order)) as unknown as InvocationMetric;
    expect(serializeMetric(instance)).toBe(JSON.stringify(inOrder(order)));
  });
});
