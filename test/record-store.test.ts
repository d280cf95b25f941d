/**
 * RecordStore: what toArray() gives back is, record by record, what was pushed: the same own keys in the
 * same order with the same values (as `Object.is` compares them: -0, huge and tiny numbers), whether the
 * record was held as columns or as the object itself; records it cannot hold as columns (unknown, symbol
 * or reordered keys, a field of another type) are the pushed objects themselves.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeAggregate } from '../src/aggregate/compute-aggregate.js';
import type { InvocationMetric } from '../src/record.js';
import { metric } from './helpers/records.js';
import { RecordStore } from '../src/record-store.js';
import { runs } from './helpers/property.js';

const ORDER = ['invocationId', 'agent', 'phase', 'taskId', 'durationMs', 'tokens', 'inputTokens', 'outputTokens', 'cachedTokens', 'cost', 'exitCode', 'success', 'attempt', 'outputParsed', 'model', 'tier', 'timestamp', 'errorClass', 'provider', 'costSource', 'priceTable'];
const REQUIRED = new Set(['invocationId', 'agent', 'phase', 'durationMs', 'tokens', 'cost', 'exitCode', 'success', 'attempt', 'outputParsed', 'timestamp']);
const STRINGS = new Set(['invocationId', 'agent', 'taskId', 'model', 'tier', 'timestamp', 'errorClass', 'provider', 'costSource', 'priceTable']);
const BOOLEANS = new Set(['success', 'outputParsed']);

const value = (key: string): fc.Arbitrary<unknown> =>
  STRINGS.has(key)
    ? fc.oneof(fc.constantFrom('coder', 'a', '', 'ü "q" \\'), fc.string({ maxLength: 12 }))
    : BOOLEANS.has(key)
      ? fc.boolean()
      : fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constantFrom(-0, 0, 1e21, 5e-324, 0.1 + 0.2));

/** A record of the type's fields in its order, each optional one present or not. */
const ordered = fc
  .tuple(...ORDER.map((k) => (REQUIRED.has(k) ? value(k) : fc.option(value(k), { nil: undefined }))))
  .map((values) => Object.fromEntries(ORDER.flatMap((k, i) => (values[i] === undefined ? [] : [[k, values[i]]]))) as unknown as InvocationMetric);

/** The same, changed so that it cannot be held as columns. */
const other = fc.oneof(
  fc.tuple(ordered, fc.string({ minLength: 1, maxLength: 6 }), fc.jsonValue()).map(([r, k, v]) => ({ ...r, [`x${k}`]: v }) as InvocationMetric),
  ordered.map((r) => ({ ...r, [Symbol('s')]: 1 }) as InvocationMetric),
  ordered.map((r) => Object.fromEntries(Object.entries(r).reverse()) as unknown as InvocationMetric),
  ordered.map((r) => ({ ...r, taskId: undefined }) as InvocationMetric),
  ordered.map((r) => ({ ...r, phase: '1' }) as unknown as InvocationMetric),
  ordered.map((r) => JSON.parse(`{"__proto__": 1, ${JSON.stringify(r).slice(1)}`) as InvocationMetric),
);

const same = (got: InvocationMetric, pushed: InvocationMetric): void => {
  expect(Reflect.ownKeys(got)).toEqual(Reflect.ownKeys(pushed));
  for (const key of Reflect.ownKeys(pushed)) expect(Object.is((got as never)[key], (pushed as never)[key])).toBe(true);
  expect(Object.getPrototypeOf(got)).toBe(Object.getPrototypeOf(pushed));
};

describe('RecordStore', () => {
  it('gives back every record pushed, keys in order and values identical, across chunks', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof({ arbitrary: ordered, weight: 3 }, { arbitrary: other, weight: 1 }), { maxLength: 60 }), fc.integer({ min: 0, max: 9000 }), (records, filler) => {
        const store = new RecordStore();
        const base = records[0];
        // Enough records before the checked ones to cross the store's chunk boundary (4096) at times.
        for (let i = 0; i < (base === undefined ? 0 : filler); i++) store.push(base!);
        for (const r of records) store.push(r);
        const all = store.toArray();
        expect(store.length).toBe(all.length);
        expect(all.length).toBe(records.length + (base === undefined ? 0 : filler));
        records.forEach((r, i) => same(all[all.length - records.length + i]!, r));
      }),
      { numRuns: runs(60) },
    );
  });

  it('holds a record it cannot hold as columns as the object itself, and makes new objects of the others', () => {
    fc.assert(
      fc.property(ordered, other, (plain, odd) => {
        const store = new RecordStore();
        store.push(plain);
        store.push(odd);
        const [a, b] = store.toArray();
        expect(a).not.toBe(plain);
        same(a!, plain);
        expect(b).toBe(odd);
        expect(store.toArray()[0]).not.toBe(a); // made again on each call
      }),
      { numRuns: runs(100) },
    );
  });

  it('values() gives the records toArray() gives, so that the aggregate of the held records is exact', () => {
    const records = Array.from({ length: 5000 }, (_, i) =>
      metric({ agent: `a${i % 7}`, phase: i % 3, cost: i * 0.000001 + 0.1, success: i % 5 !== 0, errorClass: i % 5 === 0 ? 'timeout' : undefined, timestamp: new Date(1.78e12 + i * 997).toISOString() }),
    ).map((r) => JSON.parse(JSON.stringify(r)) as InvocationMetric);
    const store = new RecordStore();
    for (const r of records) store.push(r);
    expect([...store.values()]).toEqual(store.toArray());
    expect(computeAggregate(store.values())).toEqual(computeAggregate(records));
  });
});
