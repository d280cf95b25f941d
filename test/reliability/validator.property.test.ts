/**
 * Hostile input to the validator and to `record()`: random values, records with one bad field, hostile
 * keys. Only documented errors come out (InvalidMetricError naming the field), nothing else is thrown, and
 * nothing pollutes a prototype.
 */
import fc from 'fast-check';
import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvocationMetricsCollector } from '../../src/collector.js';
import { describeValue, InvalidMetricError } from '../../src/errors.js';
import { parseLogLine } from '../../src/log/reader.js';
import { findMetricProblem, parseTimestamp, validateMetric, type InvocationMetric } from '../../src/record.js';
import { serializeMetric } from '../../src/serialize.js';
import { memoryLogger, tempDir } from '../helpers/records.js';
import { BAD_VALUES, FIELDS, HOSTILE_NAMES, timestampArb, validRecordArb } from './arbitraries.js';
import { runs } from '../helpers/property.js';

/**
 * Runs per property; the total of this file is printed. The defaults keep the file to a few seconds;
 * `PROPERTY_SCALE=5` gives the deep run (with the reader's properties, past 1e5 cases).
 */
const RUNS = { anything: runs(6_000), oneBadField: runs(6_000), roundTrip: runs(2_400), timestamps: runs(2_000), record: runs(600) };
const protoBefore = Object.getOwnPropertyNames(Object.prototype).sort();
const arrayProtoBefore = Object.getOwnPropertyNames(Array.prototype).sort();

afterAll(() => {
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(protoBefore);
  expect(Object.getOwnPropertyNames(Array.prototype).sort()).toEqual(arrayProtoBefore);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  console.log(`[validator properties] ${Object.values(RUNS).reduce((a, b) => a + b)} cases`);
});

const hostileAnything = fc.anything({
  key: fc.oneof(fc.constantFrom(...HOSTILE_NAMES, ...FIELDS), fc.string({ maxLength: 6 })),
  maxDepth: 2,
  withBigInt: true,
  withBoxedValues: true,
  withDate: true,
  withMap: true,
  withSet: true,
  withNullPrototype: true,
  withObjectString: true,
  withSparseArray: true,
  withTypedArray: true,
  withUnicodeString: true,
});

/**
 * Checks that a problem is nothing, or an InvalidMetricError naming a field of the record type (or, for a
 * value that cannot be serialized, the unknown field of `value` that holds it).
 */
function onlyDocumentedError(problem: unknown, value?: unknown): void {
  if (problem === undefined) return;
  expect(problem).toBeInstanceOf(InvalidMetricError);
  const e = problem as InvalidMetricError;
  expect(e.code).toBe('ERR_INVALID_METRIC');
  const ownKeys = typeof value === 'object' && value !== null ? Object.keys(value) : [];
  expect(['(record)', ...FIELDS, ...ownKeys]).toContain(e.field);
  expect(e.message).toContain(e.field === '(record)' ? 'Expected the record' : `\`${e.field}\``);
}

describe('findMetricProblem / validateMetric on hostile input', () => {
  it('answers any value with nothing or an InvalidMetricError naming a known field, and validateMetric agrees', () => {
    fc.assert(
      fc.property(fc.oneof(hostileAnything, validRecordArb.map((r) => ({ ...r, extra: r }))), (value) => {
        const problem = findMetricProblem(value);
        onlyDocumentedError(problem);
        let thrown: unknown;
        try {
          validateMetric(value);
        } catch (error) {
          thrown = error;
        }
        expect(thrown === undefined).toBe(problem === undefined);
        if (thrown !== undefined) expect((thrown as InvalidMetricError).field).toBe(problem!.field);
      }),
      { numRuns: RUNS.anything },
    );
  });

  it('names exactly the one bad field of an otherwise valid record, with its value', () => {
    const arb = fc.constantFrom(...FIELDS).chain((field) => fc.tuple(fc.constant(field), validRecordArb, BAD_VALUES[field]!));
    fc.assert(
      fc.property(arb, ([field, record, bad]) => {
        const r: Record<string, unknown> = { ...record };
        if (bad === undefined) delete r[field];
        else r[field] = bad;
        const problem = findMetricProblem(r);
        // describeValue, not String(): generated values such as `{ toString: null }` make String() throw.
        expect(problem, `${field} = ${describeValue(bad)}`).toBeInstanceOf(InvalidMetricError);
        expect(problem!.field).toBe(field);
        expect(Object.is(problem!.value, bad)).toBe(true);
        expect(problem!.message).toContain(bad === undefined ? 'got nothing' : `\`${field}\``);
      }),
      { numRuns: RUNS.oneBadField },
    );
  });

  it('accepts every valid record, and its line reads back as the same record', () => {
    fc.assert(
      fc.property(validRecordArb, (record) => {
        expect(findMetricProblem(record)).toBeUndefined();
        const parsed = parseLogLine(serializeMetric(record));
        expect(parsed.kind).toBe('record');
        expect((parsed as { record: InvocationMetric }).record).toEqual(JSON.parse(JSON.stringify(record)));
      }),
      { numRuns: RUNS.roundTrip },
    );
  });

  it('parses timestamps of the grammar like Date.parse, and nothing else', () => {
    fc.assert(
      fc.property(fc.oneof(timestampArb, fc.string({ maxLength: 32 }), timestampArb.map((t) => t.slice(0, -1))), (t) => {
        const ms = parseTimestamp(t);
        if (!Number.isNaN(ms)) {
          expect(ms).toBe(Date.parse(t));
          expect(/(Z|[+-]\d\d:\d\d)$/.test(t)).toBe(true);
        }
      }),
      { numRuns: Math.ceil(RUNS.timestamps / 2) },
    );
    fc.assert(
      fc.property(timestampArb, (t) => {
        expect(parseTimestamp(t)).toBe(Date.parse(t));
      }),
      { numRuns: Math.ceil(RUNS.timestamps / 2) },
    );
  });
});

describe('record() on hostile input', () => {
  let dir: string;
  let cleanup: () => void;
  beforeAll(() => ({ dir, cleanup } = tempDir('im-hostile-')));
  afterAll(() => cleanup());

  it('never throws into the caller: it resolves (written) or rejects with InvalidMetricError (nothing kept)', async () => {
    const c = new InvocationMetricsCollector(dir, memoryLogger());
    let accepted = 0;
    // One value of each kind a run, so that the share of valid records is not left to chance (with a
    // random pick among the four, a run of 600 once drew only 116 valid ones, below the bound at the end).
    const arb = fc.tuple(
      validRecordArb,
      fc.constantFrom(...FIELDS).chain((field) => fc.tuple(validRecordArb, BAD_VALUES[field]!).map(([r, bad]) => ({ ...r, [field]: bad }))),
      hostileAnything,
      validRecordArb.map((r) => ({ ...r, big: 10n })),
    );
    await fc.assert(
      fc.asyncProperty(arb, async (values) => {
        for (const [kind, value] of values.entries()) {
          const before = c.getCount();
          let p: Promise<void>;
          try {
            p = c.record(value as InvocationMetric);
          } catch (error) {
            throw new Error(`record() threw synchronously: ${String(error)}`);
          }
          const outcome = await p.then(
            () => undefined,
            (e: unknown) => e,
          );
          onlyDocumentedError(outcome, value);
          // A valid record is always kept.
          if (kind === 0) expect(outcome).toBeUndefined();
          if (outcome === undefined) accepted++;
          expect(c.getCount()).toBe(before + (outcome === undefined ? 1 : 0));
        }
      }),
      { numRuns: RUNS.record },
    );
    await c.close();
    const lines = readFileSync(c.path, 'utf8').split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toHaveLength(accepted);
    expect(lines.every((l) => parseLogLine(l).kind === 'record')).toBe(true);
    expect(accepted).toBeGreaterThan(RUNS.record / 5);
  });
});
