/**
 * Properties of the fast path over generated logs: written by the serializer (unicode, unknown fields,
 * any numbers) and then damaged (bytes flipped, cut, inserted), the fast path and the fallback give the
 * reader's aggregate, warnings and skip count, in any read size, and records mode the reader's records.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { InvocationMetric } from '../../src/record.js';
import { serializeMetric } from '../../src/serialize.js';
import { reference, scan, scanRecords, tempDir, writeLog } from './helpers/compare.js';
import { runs } from '../helpers/property.js';

const MAX = 2048;
let dir: string;
let cleanup: () => void;
beforeAll(() => ({ dir, cleanup } = tempDir()));
afterAll(() => cleanup());

const opt = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.option(arb, { nil: undefined });
const name = fc.oneof(fc.constantFrom('coder', 'tester', '', '__proto__', 'rédacteur 🚀', '审稿人', 'a"b', 'a\\b', 'tab\there'), fc.string({ maxLength: 6, unit: 'binary' }));
const count = fc.oneof(fc.integer({ min: 0, max: 100_000 }), fc.constantFrom(0, 1, 2 ** 40));
const recordArb: fc.Arbitrary<InvocationMetric> = fc
  .record({
    invocationId: fc.oneof(fc.constant('inv'), fc.string({ maxLength: 4 })),
    agent: name,
    phase: fc.oneof(fc.integer({ min: 0, max: 5 }), fc.constantFrom(-1, 1.5)),
    taskId: opt(fc.oneof(fc.constantFrom('t1', 't2', 'é', '\ud800'), fc.string({ maxLength: 3, unit: 'binary' }))),
    durationMs: fc.oneof(fc.integer({ min: 0, max: 5000 }), fc.double({ min: 0, max: 1e5, noNaN: true }), fc.constantFrom(-0, -1)),
    tokens: count,
    inputTokens: opt(count),
    outputTokens: opt(count),
    cachedTokens: opt(count),
    cost: fc.oneof(fc.double({ min: 0, max: 10, noNaN: true }), fc.constantFrom(0, 1e-7, 1e21)),
    exitCode: fc.integer({ min: -3, max: 3 }),
    success: fc.boolean(),
    attempt: fc.integer({ min: 0, max: 3 }),
    outputParsed: fc.boolean(),
    model: opt(name),
    tier: opt(fc.constantFrom('s', 'l', '')),
    offset: fc.integer({ min: 0, max: 600_000 }),
    zone: fc.constantFrom('Z', '+01:00', ''),
    errorClass: opt(fc.constantFrom('', 'timeout', 'rate_limit')),
    provider: opt(fc.constantFrom('', 'openai', 'ü"x')),
    costSource: opt(fc.constantFrom('provider', 'table', 'none', 'bogus', '')),
    priceTable: opt(fc.constantFrom('invocation-metrics/2026-12-01', '\\')),
    extra: opt(fc.jsonValue({ maxDepth: 2 })),
  })
  .map(({ offset, zone, extra, ...r }) => {
    const iso = new Date(Date.parse('2026-11-20T09:00:00.000Z') + offset).toISOString();
    const timestamp = zone === 'Z' ? iso : zone === '' ? iso.slice(0, -1) : iso.replace('Z', zone);
    const m = { ...r, timestamp } as Record<string, unknown>;
    for (const key of Object.keys(m)) if (m[key] === undefined) delete m[key];
    if (extra !== undefined) m.extra = extra;
    return m as unknown as InvocationMetric;
  });

/** A damage to a log's bytes. */
const damage = fc.oneof(
  fc.record({ kind: fc.constant('flip' as const), at: fc.nat(), byte: fc.constantFrom(0x0a, 0x0d, 0x22, 0x5c, 0x2c, 0x7d, 0x20, 0x31, 0xff, 0x00, 0x2d, 0x65) }),
  fc.record({ kind: fc.constant('cut' as const), at: fc.nat(), length: fc.integer({ min: 1, max: 30 }) }),
);

function apply(bytes: Buffer, damages: { kind: 'flip' | 'cut'; at: number; byte?: number; length?: number }[]): Buffer {
  let out = bytes;
  for (const d of damages) {
    if (out.length === 0) break;
    const at = d.at % out.length;
    if (d.kind === 'flip') {
      out = Buffer.from(out);
      out[at] = d.byte!;
    } else out = Buffer.concat([out.subarray(0, at), out.subarray(at + d.length!)]);
  }
  return out;
}

let n = 0;
async function check(bytes: Buffer, readBytes: number): Promise<void> {
  const file = writeLog(dir, `p${n++}.jsonl`, bytes);
  const { records, ...want } = await reference([file], MAX, 3_600_000);
  expect(await scan([file], { maxLineBytes: MAX, bucketMs: 3_600_000, readBytes })).toEqual(want);
  expect(await scan([file], { maxLineBytes: MAX, bucketMs: 3_600_000, slowOnly: true })).toEqual(want);
  // Records mode: the same objects as JSON.parse (key order included).
  const got = await scanRecords([file], MAX);
  expect(got).toEqual(records);
  expect(got.map((r) => Object.keys(r))).toEqual(records.map((r) => Object.keys(r)));
}

describe('fast path = fallback = reader', () => {
  it('on logs written by the serializer', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(recordArb, { maxLength: 25 }), fc.integer({ min: 1, max: 4096 }), fc.boolean(), async (records, readBytes, crlf) => {
        const text = records.map((r) => `${serializeMetric(r)}${crlf ? '\r\n' : '\n'}`).join('');
        await check(Buffer.from(text), readBytes);
      }),
      { numRuns: runs(150) },
    );
  });

  it('on damaged logs', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(recordArb, { minLength: 1, maxLength: 15 }), fc.array(damage, { minLength: 1, maxLength: 6 }), fc.integer({ min: 7, max: 700 }), async (records, damages, readBytes) => {
        const text = records.map((r) => `${serializeMetric(r)}\n`).join('');
        await check(apply(Buffer.from(text), damages), readBytes);
      }),
      { numRuns: runs(150) },
    );
  });
});
