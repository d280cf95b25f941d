/**
 * RecordStore: what toArray() gives back is, record by record, what was pushed: the same own keys in the
 * same order with the same values (as `Object.is` compares them: -0, huge and tiny numbers), whether the
 * record was held as columns or as the object itself; records it cannot hold as columns (unknown, symbol
 * or reordered keys, a field of another type) are the pushed objects themselves. A block of rows that the
 * loader's scan built (`adopt`) holds the records pushing each line's record holds, as columns or as objects
 * alike, its strings interned in the same order, up to the full table.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { computeAggregate } from '../src/aggregate/compute-aggregate.js';
import type { InvocationMetric } from '../src/record.js';
import { metric } from './helpers/records.js';
import { RecordStore } from '../src/record-store.js';
import { ColumnWriter, type ColumnBlock } from '../src/scan/columns.js';
import { LineScanner } from '../src/scan/line-scanner.js';
import { serializeMetric } from '../src/serialize.js';
import { runs } from './helpers/property.js';
import { firstDifference } from './helpers/reference-reader.js';

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

/** The block a loader's worker makes of these lines (the line scanner's columns target, in this thread). */
function blockOf(lines: string[]): ColumnBlock {
  const writer = new ColumnWriter(4);
  const scanner = new LineScanner({ maxLineBytes: 1 << 20, target: { kind: 'columns', sink: writer }, onWarning: () => {} });
  const bytes = Buffer.from(`${lines.join('\n')}\n`);
  expect(scanner.scan(bytes, 0, bytes.length, true)).toBe(bytes.length);
  return writer.finish().block;
}

/** The store's records after adopting the block's rows from `first` (its text rows parsed, as the loader does). */
function adopted(store: RecordStore, block: ColumnBlock, first: number): void {
  const objects = new Map<number, InvocationMetric>();
  block.textAt.forEach((row, t) => row >= first && objects.set(row, JSON.parse(block.texts[t]!) as InvocationMetric));
  store.adopt(block, first, objects);
}

describe('RecordStore.adopt (a loader block)', () => {
  it('holds what pushing each line\'s record holds, after a skip, up to and past a full string table', () => {
    // 65,530 strings in the table first: the block's new agents, models, tiers and error classes fill it.
    const filler = Array.from({ length: 65_530 }, (_, i) => metric({ invocationId: `f${i}`, agent: `agent-${i}` }));
    const lines = Array.from({ length: 40 }, (_, i) =>
      i % 7 === 3
        ? serializeMetric(metric({ invocationId: `u${i}`, note: { n: -0 } }))
        : serializeMetric(
            metric({
              invocationId: `ü-${i}`,
              agent: `new-agent-${i % 9}`,
              model: i % 2 === 0 ? `m${i % 4}` : undefined,
              tier: i % 3 === 0 ? 'standard' : undefined,
              errorClass: i % 5 === 0 ? `e${i}` : undefined,
              taskId: i % 4 === 0 ? undefined : `T-${i}`,
              inputTokens: i % 6 === 0 ? undefined : i,
              durationMs: 1000 + i,
              cost: i * 0.1,
            }),
          ),
    );
    lines[11] = lines[11]!.replace('"durationMs":1011', '"durationMs":-0'); // JSON.parse keeps -0
    const records = lines.map((l) => JSON.parse(l) as InvocationMetric);
    for (const first of [0, 5]) {
      const pushed = new RecordStore();
      const loaded = new RecordStore();
      for (const r of filler) {
        pushed.push(r);
        loaded.push(r);
      }
      for (const l of lines.slice(first)) pushed.push(JSON.parse(l) as InvocationMetric);
      adopted(loaded, blockOf(lines), first);
      expect(loaded.length).toBe(pushed.length);
      const [a, b] = [loaded.toArray().slice(filler.length), loaded.toArray().slice(filler.length)];
      const [c, d] = [pushed.toArray().slice(filler.length), pushed.toArray().slice(filler.length)];
      a.forEach((r, i) => expect(firstDifference(r, c[i]), `record ${i}`).toBeUndefined());
      expect(Object.is(a.find((r) => r.invocationId === 'ü-11')?.durationMs, -0)).toBe(true);
      // Held as objects (the same one on each call) exactly where push holds them: the table filled alike.
      expect(a.map((r, i) => r === b[i])).toEqual(c.map((r, i) => r === d[i]));
      expect(a.filter((r, i) => r === b[i]).length).toBeGreaterThan(records.slice(first).filter((r) => 'note' in r).length);
      expect([...loaded.values(filler.length + 2, filler.length + 4)]).toEqual(a.slice(2, 4));
    }
  });

  it('adds no record for a block skipped whole, and pushes after an adopted block go after it', () => {
    const lines = [serializeMetric(metric({ invocationId: 'a' })), serializeMetric(metric({ invocationId: 'b' }))];
    const store = new RecordStore();
    adopted(store, blockOf(lines), 2);
    expect(store.length).toBe(0);
    adopted(store, blockOf(lines), 1);
    store.push(metric({ invocationId: 'c' }));
    expect(store.toArray().map((r) => r.invocationId)).toEqual(['b', 'c']);
  });

  it('get(i) gives the record toArray() gives at i, across pushed and adopted chunks, in any order', () => {
    const lines = Array.from({ length: 5000 }, (_, i) => serializeMetric(metric({ invocationId: `l${i}`, agent: `a${i % 3}` })));
    const store = new RecordStore();
    for (let i = 0; i < 4100; i++) store.push(metric({ invocationId: `p${i}`, phase: i % 7 }));
    adopted(store, blockOf(lines), 10);
    store.push({ ...metric({ invocationId: 'object' }), extra: 1 } as InvocationMetric);
    for (let i = 0; i < 5000; i++) store.push(metric({ invocationId: `q${i}` }));
    const all = store.toArray();
    expect(all.length).toBe(4100 + 4990 + 1 + 5000);
    for (let i = 0; i < all.length; i++) expect(store.get(i)).toEqual(all[i]);
    for (const i of [14_000, 3, 9000, 4099, 4100, 9090, 9091, 0, all.length - 1]) expect(store.get(i)).toEqual(all[i]);
    expect(store.get(9090)).toBe(all[9090]); // held as the object: that object
  });
});
