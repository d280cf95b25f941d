/**
 * The byte path of the line serializer: `writeMetricLine` must write exactly the UTF-8 bytes of
 * `serializeMetric` (itself `JSON.stringify` of the fields in type order), and `metricLineBound` must
 * bound them and decline every record the byte path does not handle.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { BYTE_PATH_MAX_BYTES, metricLineBound, serializeMetric, writeMetricLine } from '../src/serialize.js';
import type { InvocationMetric } from '../src/record.js';
import { REQUIRED_ONLY } from './helpers/records.js';
import { runs } from './helpers/property.js';

const ORDER = ['invocationId', 'agent', 'phase', 'taskId', 'durationMs', 'tokens', 'inputTokens', 'outputTokens', 'cachedTokens', 'cost', 'exitCode', 'success', 'attempt', 'outputParsed', 'model', 'tier', 'timestamp', 'errorClass', 'provider', 'costSource', 'priceTable'];
const REQUIRED = ['invocationId', 'agent', 'phase', 'durationMs', 'tokens', 'cost', 'exitCode', 'success', 'attempt', 'outputParsed', 'timestamp'];

const base: InvocationMetric = { ...REQUIRED_ONLY };

/** `JSON.stringify` of the record's fields in type order: what the log line must be. */
const expectedLine = (m: InvocationMetric): string => {
  const ordered: Record<string, unknown> = {};
  for (const key of ORDER) if ((m as unknown as Record<string, unknown>)[key] !== undefined) ordered[key] = (m as unknown as Record<string, unknown>)[key];
  return JSON.stringify(ordered);
};

/** The bytes the byte path writes, checked against the bound; the buffer is dirty around the line. */
const bytesOf = (m: InvocationMetric, at = 7): Buffer => {
  const bound = metricLineBound(m);
  expect(bound).toBeGreaterThanOrEqual(0);
  const buf = Buffer.alloc(at + bound + 16, 0xee);
  const end = writeMetricLine(m, buf, at);
  expect(end - at).toBeLessThanOrEqual(bound);
  expect(buf.subarray(0, at).every((b) => b === 0xee)).toBe(true); // nothing written before the line
  expect(buf.subarray(end).every((b) => b === 0xee)).toBe(true); // nor after it
  return buf.subarray(at, end);
};

const hostileStrings = fc.oneof(
  fc.string({ unit: 'binary' }), // any UTF-16 units, lone surrogates included
  fc.string({ unit: 'grapheme' }),
  fc.string({ unit: fc.constantFrom('a', '"', '\\', '\u0000', '\u0008', '\n', '\u001f', '\u007f', '\u0080', '\u00ff', '\u2028', '\u2029', '\ud800', '\udfff', '\ud83d\ude80', '\ufeff', '\uffff', '/') }),
  fc.constantFrom('', '</script>', '\ud800', '\udc00x', 'x\ud83d', '\ud83d\ude80', 'é', '\u2028\u2029'),
);
const anyNumber = fc.oneof(
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  fc.integer(),
  fc.nat(),
  fc.integer({ min: -(2 ** 31), max: 2 ** 31 }),
  fc.constantFrom(-0, 0, 5e-324, 1e21, 1e-7, 1e-6, 2 ** 31 - 1, 2 ** 31, -(2 ** 31), -(2 ** 31) - 1, 2 ** 53, 1e9, 999_999_999.999_999, 0.1 + 0.2, Number.MAX_VALUE, -Number.MAX_VALUE),
  // decimals of up to 6 places, the fast path of putNumber
  fc.tuple(fc.integer({ min: 0, max: 1e15 }), fc.integer({ min: 0, max: 8 })).map(([k, places]) => k / 10 ** places),
);
const record = (strings: fc.Arbitrary<string>, numbers: fc.Arbitrary<number>) =>
  fc.record(
    {
      invocationId: strings,
      agent: strings,
      phase: numbers,
      taskId: strings,
      durationMs: numbers,
      tokens: numbers,
      inputTokens: numbers,
      outputTokens: numbers,
      cachedTokens: numbers,
      cost: numbers,
      exitCode: numbers,
      success: fc.boolean(),
      attempt: numbers,
      outputParsed: fc.boolean(),
      model: strings,
      tier: strings,
      timestamp: strings,
      errorClass: strings,
      provider: strings,
      costSource: strings,
      priceTable: strings,
    },
    { requiredKeys: REQUIRED as never },
  ) as fc.Arbitrary<InvocationMetric>;

describe('writeMetricLine', () => {
  it('writes the UTF-8 bytes of serializeMetric and of JSON.stringify, on any strings and finite numbers', () => {
    fc.assert(
      fc.property(record(hostileStrings, anyNumber), fc.boolean(), (m, shuffle) => {
        // The key order of the record does not matter: the line has the type's order.
        const r = shuffle ? (Object.fromEntries(Object.entries(m).reverse()) as unknown as InvocationMetric) : m;
        const bytes = bytesOf(r);
        expect(bytes.equals(Buffer.from(serializeMetric(r), 'utf8'))).toBe(true);
        expect(bytes.toString('utf8')).toBe(expectedLine(r));
      }),
      { numRuns: runs(5000) },
    );
  });

  it('writes numbers exactly as String does', () => {
    fc.assert(
      fc.property(anyNumber, (n) => {
        const m = { ...base, cost: n, durationMs: n, exitCode: n };
        expect(bytesOf(m).toString('latin1')).toBe(expectedLine(m));
      }),
      { numRuns: runs(20_000) },
    );
    for (const n of [-0, 0.5, 1.000001, 0.000001, 123456.7, 999999999.5, 0.30000000000000004, 4294967296.5, 1e-6 + 1e-22])
      expect(bytesOf({ ...base, cost: n }).toString('latin1')).toContain(`"cost":${String(n)},`);
  });

  it('escapes control characters, quotes, backslashes and lone surrogates, and keeps U+2028 and pairs as UTF-8', () => {
    const m = { ...base, invocationId: 'a"b\\c\nd\u0000\u001f\u007f', agent: '\u2028\u2029\ud83d\ude80é', taskId: '\ud800x\udfff', model: '' };
    const bytes = bytesOf(m);
    expect(bytes.equals(Buffer.from(expectedLine(m), 'utf8'))).toBe(true);
    expect(bytes.toString('utf8')).toContain('"taskId":"\\ud800x\\udfff"');
    expect(bytes.includes(Buffer.from('\u2028', 'utf8'))).toBe(true); // not escaped, as JSON.stringify leaves it
  });

  it('writes long strings, up to the byte path limit', () => {
    const long = 'x'.repeat(3000) + '\u0001'.repeat(2000) + '\ud83d\ude80'.repeat(1000);
    const m = { ...base, taskId: long, model: 'é'.repeat(1000) };
    expect(bytesOf(m).equals(Buffer.from(expectedLine(m), 'utf8'))).toBe(true);
  });
});

describe('metricLineBound', () => {
  it('declines records the byte path does not write: unknown, undefined or inherited fields, wrong types, non-finite numbers', () => {
    const declined: unknown[] = [
      { ...base, extra: { nested: [1, 'x', { deep: null }] } },
      { ...base, note: undefined },
      { ...base, taskId: undefined },
      { ...base, toJSON: () => 'hijacked' },
      Object.assign(Object.create({ inherited: 1 }) as object, base),
      { ...base, phase: '2' },
      { ...base, cost: Number.NaN },
      { ...base, durationMs: Infinity },
      { ...base, inputTokens: null },
      { ...base, success: 'true' },
      { ...base, outputParsed: 1 },
      { ...base, model: 7 },
      { ...base, timestamp: new Date() },
      { ...base, tokens: 10n },
    ];
    for (const m of declined) expect(metricLineBound(m as InvocationMetric)).toBe(-1);
  });

  it('declines a record whose strings could make the line longer than the limit, accepts one just below', () => {
    const fits = (n: number) => metricLineBound({ ...base, taskId: 'a'.repeat(n) }) >= 0;
    let n = 0;
    while (fits(n + 1)) n++;
    expect(n).toBeGreaterThan(10_000);
    expect(metricLineBound({ ...base, taskId: 'a'.repeat(n) })).toBeLessThanOrEqual(BYTE_PATH_MAX_BYTES);
    expect(fits(n + 1)).toBe(false);
  });

  it('bounds the line of every record it accepts, however hostile (checked on the widest escapes)', () => {
    const worst = { ...base, invocationId: '\u0001'.repeat(100), agent: '\ud800'.repeat(100), taskId: '"'.repeat(100), model: 'é'.repeat(100), tier: '\u2028'.repeat(100), errorClass: '\\'.repeat(100), provider: '\u0000'.repeat(100), costSource: 'ü'.repeat(100) as 'none', priceTable: '\udfff'.repeat(100), inputTokens: 1, outputTokens: 2, cachedTokens: 3 };
    const all = { ...worst, phase: -Number.MAX_VALUE, durationMs: -Number.MIN_VALUE, tokens: -1.2345678901234568e-300, cost: -1.7976931348623157e308, exitCode: -2147483648, attempt: -1e-7, inputTokens: -5e-324 };
    for (const m of [worst, all]) expect(Buffer.byteLength(expectedLine(m))).toBeLessThanOrEqual(metricLineBound(m));
  });
});
