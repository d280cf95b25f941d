/** fast-check arbitraries of records: valid ones, and each field's bad values, for the hostile-input tests. */
import fc from 'fast-check';
import type { InvocationMetric } from '../../src/record.js';

const pad = (n: number, w = 2): string => String(n).padStart(w, '0');
const opt = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.option(arb, { nil: undefined });

/** Names an attacker would try: prototype keys, and names that look like our fields. */
export const HOSTILE_NAMES = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__', 'invocationId'];

/** Agent names: anything non-empty, prototype keys often. */
export const agentArb = fc.oneof(fc.constantFrom(...HOSTILE_NAMES), fc.string({ minLength: 1, maxLength: 12, unit: 'binary' }));

const zoneArb = fc.oneof(
  fc.constant('Z'),
  fc.tuple(fc.constantFrom('+', '-'), fc.integer({ min: 0, max: 23 }), fc.integer({ min: 0, max: 59 })).map(([s, h, m]) => `${s}${pad(h)}:${pad(m)}`),
);

/** Timestamps of the grammar: minutes, seconds or a 1-9 digit fraction, with a zone. */
export const timestampArb = fc
  .tuple(
    fc.date({ min: new Date('1900-01-01T00:00:00Z'), max: new Date('2200-12-31T23:59:59Z'), noInvalidDate: true }),
    fc.constantFrom('min', 'sec', 'frac'),
    fc.integer({ min: 1, max: 9 }),
    zoneArb,
  )
  .map(([d, precision, digits, zone]) => {
    const date = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
    if (precision === 'min') return `${date}${zone}`;
    const seconds = `${date}:${pad(d.getUTCSeconds())}`;
    return precision === 'sec' ? `${seconds}${zone}` : `${seconds}.${String(d.getUTCMilliseconds()).padStart(3, '0').repeat(3).slice(0, digits)}${zone}`;
  });

const nonNegInt = fc.oneof(fc.constant(0), fc.nat(), fc.maxSafeNat());
// The record's limits: a duration that ends by 8.64e15 ms from any timestamp (1e15 from the year 9999
// does), a cost of at most 1e15 USD.
const durationArb = fc.oneof(fc.constant(0), fc.double({ min: 0, max: 1e15, noNaN: true }));
const costArb = fc.oneof(fc.constant(0), fc.constant(1e15), fc.double({ min: 0, max: 1e15, noNaN: true }));

/** Unknown fields, hostile names included; values are JSON. */
const unknownFieldsArb = fc.dictionary(
  fc.oneof(fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'extra'), fc.string({ maxLength: 8 })),
  fc.jsonValue({ maxDepth: 2 }),
  { maxKeys: 3 },
);

/** A valid record, optional fields sometimes absent, unknown fields sometimes present (as own data properties). */
export const validRecordArb: fc.Arbitrary<InvocationMetric> = fc
  .record({
    invocationId: fc.string({ minLength: 1, maxLength: 16 }),
    agent: agentArb,
    phase: nonNegInt,
    taskId: opt(fc.string({ maxLength: 8 })),
    durationMs: durationArb,
    tokens: nonNegInt,
    inputTokens: opt(nonNegInt),
    outputTokens: opt(nonNegInt),
    cachedTokens: opt(nonNegInt),
    cost: costArb,
    exitCode: fc.oneof(fc.integer(), fc.constantFrom(Number.MAX_SAFE_INTEGER, -Number.MAX_SAFE_INTEGER, 1e21)),
    success: fc.boolean(),
    attempt: fc.integer({ min: 1, max: 1e6 }),
    outputParsed: fc.boolean(),
    model: opt(fc.string({ maxLength: 8 })),
    tier: opt(fc.string({ maxLength: 8 })),
    timestamp: timestampArb,
    errorClass: opt(fc.string({ maxLength: 8 })),
    unknown: unknownFieldsArb,
  })
  .map(({ unknown, ...known }) => {
    const r: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(known)) if (v !== undefined) r[k] = v;
    // JSON.parse-like own data properties, even for `__proto__`: as a parsed log line would hold them.
    for (const [k, v] of Object.entries(unknown)) if (!(k in known)) Object.defineProperty(r, k, { value: v, enumerable: true, writable: true, configurable: true });
    return r as unknown as InvocationMetric;
  });

const notString = fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.string(), { maxLength: 2 }), fc.object({ maxDepth: 1 }), fc.constant(10n));
const notNonNegInt = fc.oneof(
  fc.integer({ max: -1 }),
  fc.double({ noNaN: true }).filter((x) => !Number.isInteger(x) || x < 0),
  fc.constantFrom(Number.NaN, Infinity, -Infinity, '1', null, true, 3n, [1]),
);
const notNonNegFinite = fc.oneof(fc.double({ max: -Number.MIN_VALUE }), fc.constantFrom(Number.NaN, Infinity, -Infinity, '1', null, false, 1n, {}));
const notBoolean = fc.oneof(fc.integer({ min: 0, max: 1 }), fc.constantFrom('true', 'false', null, [], {}));
const badTimestamp = fc.oneof(
  timestampArb.map((t) => t.replace(/(Z|[+-]\d\d:\d\d)$/, '')), // no zone
  timestampArb.map((t) => t.replace('T', ' ')),
  fc.constantFrom('2026-02-30T09:00Z', '2026-13-01T00:00Z', '2026-11-20T24:00Z', '2026-11-20T09:60Z', '2026-11-20T09:00+24:00', '2025-02-29T00:00Z', ''),
  fc.string({ maxLength: 30 }),
  fc.constantFrom(1795165200000, null, new Date(0)),
);

/** Bad values of each field (a required field may also be missing: `undefined`). */
export const BAD_VALUES: Record<string, fc.Arbitrary<unknown>> = {
  invocationId: fc.oneof(fc.constant(''), fc.constant(undefined), notString),
  agent: fc.oneof(fc.constant(''), fc.constant(undefined), notString),
  phase: fc.oneof(fc.constant(undefined), notNonNegInt),
  taskId: notString,
  durationMs: fc.oneof(fc.constant(undefined), notNonNegFinite),
  tokens: fc.oneof(fc.constant(undefined), notNonNegInt),
  inputTokens: notNonNegInt,
  outputTokens: notNonNegInt,
  cachedTokens: notNonNegInt,
  cost: fc.oneof(fc.constant(undefined), notNonNegFinite),
  exitCode: fc.oneof(fc.constant(undefined), fc.double({ noNaN: true }).filter((x) => !Number.isInteger(x)), fc.constantFrom(Number.NaN, Infinity, '0', null, 0n)),
  success: fc.oneof(fc.constant(undefined), notBoolean),
  attempt: fc.oneof(fc.constant(undefined), fc.integer({ max: 0 }), fc.constantFrom(1.5, Number.NaN, '1', null)),
  outputParsed: fc.oneof(fc.constant(undefined), notBoolean),
  model: notString,
  tier: notString,
  timestamp: fc.oneof(fc.constant(undefined), badTimestamp),
  errorClass: notString,
};

/** Every field of the record type. */
export const FIELDS = Object.keys(BAD_VALUES);
