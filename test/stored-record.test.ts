/**
 * copyRecord: the copy is what `{ ...metric }` makes: the same own enumerable keys in the same order, the same values, each
 * getter read once, symbols kept, inherited and non-enumerable fields left out.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { InvalidMetricError } from '../src/errors.js';
import { copyRecord } from '../src/stored-record.js';
import { metric } from './helpers/records.js';
import { runs } from './helpers/property.js';

const FIELDS = ['invocationId', 'agent', 'phase', 'taskId', 'durationMs', 'tokens', 'inputTokens', 'outputTokens', 'cachedTokens', 'cost', 'exitCode', 'success', 'attempt', 'outputParsed', 'model', 'tier', 'timestamp', 'errorClass'];
const OPTIONAL = ['taskId', 'inputTokens', 'outputTokens', 'cachedTokens', 'model', 'tier', 'errorClass'];
const full = metric({ taskId: 't', errorClass: 'timeout' }) as unknown as Record<string, unknown>;

/** The copy must be the spread's: keys in order, values (undefined ones included), property attributes. */
const sameAsSpread = (source: object): void => {
  const copy = copyRecord(source);
  expect(copy).not.toBeInstanceOf(InvalidMetricError);
  expect(copy).not.toBe(source);
  const spread = { ...source };
  expect(Reflect.ownKeys(copy as object)).toEqual(Reflect.ownKeys(spread));
  for (const key of Reflect.ownKeys(spread)) {
    expect(Object.getOwnPropertyDescriptor(copy, key)).toEqual(Object.getOwnPropertyDescriptor(spread, key));
  }
  expect(Object.getPrototypeOf(copy)).toBe(Object.prototype);
};

describe('copyRecord', () => {
  it('copies a record of known fields in the type order, for every set of optional fields', () => {
    for (let mask = 0; mask < 1 << OPTIONAL.length; mask++) {
      const fields = FIELDS.filter((f) => !OPTIONAL.includes(f) || (mask & (1 << OPTIONAL.indexOf(f))) !== 0);
      const record = Object.fromEntries(fields.map((f) => [f, full[f]]));
      sameAsSpread(record);
      sameAsSpread(JSON.parse(JSON.stringify(record)) as object);
      sameAsSpread({ ...record, taskId: undefined }); // a known field present with `undefined`
    }
  });

  it('copies any other object as the spread does: unknown, missing, reordered, symbol, __proto__ keys', () => {
    const sym = Symbol('s');
    const { invocationId: _, ...noId } = full;
    const odd: object[] = [
      { ...full, extra: { nested: [1, 'x'] } },
      { extra: 1, ...full },
      noId,
      Object.fromEntries(Object.entries(full).reverse()),
      { ...full, [sym]: 'kept' },
      JSON.parse(`{"__proto__":{"polluted":true},${JSON.stringify(full).slice(1)}`) as object,
      JSON.parse(`${JSON.stringify(full).slice(0, -1)},"__proto__":1}`) as object,
      {},
      { agent: 'x' },
    ];
    for (const source of odd) {
      sameAsSpread(source);
    }
    expect((copyRecord({ ...full, [sym]: 'kept' }) as unknown as Record<symbol, unknown>)[sym]).toBe('kept');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('leaves inherited and non-enumerable fields out, and never copies a class instance by its shape', () => {
    const inherited = Object.assign(Object.create({ errorClass: 'inherited' }) as object, full);
    sameAsSpread(inherited);
    const hidden = { ...full };
    Object.defineProperty(hidden, 'cost', { value: 1, enumerable: false });
    sameAsSpread(hidden);
    class Rec {
      constructor() {
        Object.assign(this, full);
      }
    }
    sameAsSpread(new Rec());
    sameAsSpread(Object.assign(Object.create(null) as object, full));
  });

  it('reads each getter once, in key order, as the spread does', () => {
    const reads: string[] = [];
    const source: Record<string, unknown> = {};
    for (const f of FIELDS) Object.defineProperty(source, f, { enumerable: true, get: () => (reads.push(f), full[f]) });
    const copy = copyRecord(source) as unknown as Record<string, unknown>;
    expect(reads).toEqual(FIELDS);
    expect(copy).toEqual(full);
    expect(Object.getOwnPropertyDescriptor(copy, 'agent')).toMatchObject({ value: full.agent, writable: true });
  });

  it('turns a throwing getter or a non-object into an InvalidMetricError', () => {
    const source = { ...full };
    Object.defineProperty(source, 'phase', { enumerable: true, get: () => { throw new Error('boom'); } });
    expect(copyRecord(source)).toMatchObject({ field: '(record)' });
    for (const bad of [null, undefined, 1, 'x', []]) expect(copyRecord(bad)).toBeInstanceOf(InvalidMetricError);
  });

  it('is the spread on random records of known and unknown fields in any order', () => {
    const value = fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(undefined), fc.jsonValue());
    const key = fc.oneof(fc.constantFrom(...FIELDS), fc.string());
    fc.assert(
      fc.property(fc.array(fc.tuple(key, value), { maxLength: 24 }), fc.boolean(), (entries, ordered) => {
        const unique = [...new Map(entries).entries()];
        if (ordered) unique.sort(([a], [b]) => (FIELDS.indexOf(a) - FIELDS.indexOf(b)));
        sameAsSpread(Object.fromEntries(unique));
      }),
      { numRuns: runs(2000) },
    );
  });
});
