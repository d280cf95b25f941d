/**
 * The one line reader against the reader it replaced (`test/helpers/reference-reader.ts`, frozen): over
 * generated hostile logs, `loadLog`, `readLog` and the collector's `loadLogPrefix` (a byte limit, records
 * skipped) accept and refuse the same lines, with the same warnings, line numbers and skip counts, and
 * give records equal to the old ones key for key; so does `loadLogPrefixInto`, the collector's load into its
 * store, on worker threads (byte ranges of a few hundred bytes: lines cut at every boundary, the skip
 * crossing ranges) as in this thread (key order, `-0`, huge numbers, escapes, U+FFFD for
 * invalid UTF-8, unknown and duplicate keys, CRLF, a torn last line), in any read size.
 */
import fc from 'fast-check';
import fs from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadLogPrefixInto } from '../../src/log/load-into.js';
import { loadLog, loadLogPrefix, readLog, type LogWarning } from '../../src/log/reader.js';
import type { InvocationMetric } from '../../src/record.js';
import { RecordStore } from '../../src/record-store.js';
import { LineScanner } from '../../src/scan/line-scanner.js';
import { scanChunks } from '../../src/scan/read-range.js';
import { serializeMetric } from '../../src/serialize.js';
import { runs } from '../helpers/property.js';
import { metric, tempDir } from '../helpers/records.js';
import { firstDifference, referenceLoad, type ReferenceLoad } from '../helpers/reference-reader.js';
import { validRecordArb } from '../reliability/arbitraries.js';
import { TS_WORKER } from '../scan/helpers/compare.js';
import { HOSTILE_LINES, WRITER_LINES } from '../scan/helpers/hostile.js';

const MAX = 1500;
let dir: string;
let cleanup: () => void;
beforeAll(() => ({ dir, cleanup } = tempDir('im-reader-diff-')));
afterAll(() => cleanup());

const line = (text: string): Buffer => Buffer.from(text);
const writerLine = (patch: Record<string, unknown> = {}): string => serializeMetric(metric(patch));

/** Numbers in spellings and sizes the fast path must read as JSON.parse does, in known and unknown fields. */
const NUMBER_SPELLINGS = ['-0', '-0.0', '0e0', '1E2', '1e-400', '1e400', '5e-324', '123456789012345678901234567890', '0.1', '1.7976931348623157e308', '01', '1.', '-', '2.5e+3'];
const NUMBER_FIELDS = ['phase', 'durationMs', 'tokens', 'inputTokens', 'cost', 'exitCode', 'attempt'];

/** One line of a hostile log, as bytes (without its end of line). */
const lineArb: fc.Arbitrary<Buffer> = fc.oneof(
  { weight: 4, arbitrary: validRecordArb.map((r) => line(serializeMetric(r))) },
  // Every optional field of the type present, with or without errorClass: the shapes built by one literal each.
  {
    weight: 2,
    arbitrary: fc.tuple(validRecordArb, fc.boolean()).map(([r, failed]) => {
      const full = { ...r, taskId: r.taskId ?? 'T-1', inputTokens: r.inputTokens ?? 3, outputTokens: r.outputTokens ?? 4, cachedTokens: r.cachedTokens ?? 0, model: r.model ?? 'm', tier: r.tier ?? 's' };
      return line(serializeMetric(failed ? { ...full, errorClass: full.errorClass ?? 'rate_limit' } : full));
    }),
  },
  { weight: 3, arbitrary: fc.constantFrom(...HOSTILE_LINES, ...WRITER_LINES).map(line) },
  // A number field in another spelling, or a huge / negative-zero number in an unknown field.
  fc.tuple(fc.constantFrom(...NUMBER_FIELDS), fc.constantFrom(...NUMBER_SPELLINGS)).map(([field, n]) => {
    const text = writerLine({ inputTokens: 7 });
    return line(text.replace(new RegExp(`"${field}":[^,]*`), `"${field}":${n}`));
  }),
  fc.constantFrom(...NUMBER_SPELLINGS).map((n) => line(writerLine().replace(/}$/, `,"big":${n},"nested":{"n":${n},"a":[${n},-0]}}`))),
  // A string written with \u escapes (the same value, or a lone surrogate), known or unknown field.
  fc.tuple(fc.constantFrom('agent', 'invocationId', 'taskId', 'model', 'tier', 'errorClass', 'note'), fc.constantFrom('\\u0063oder', '\\ud83d\\ude80', '\\ud800', 'caf\\u00e9', '\\"q\\"', 'a\\/b', '\\n')).map(([field, body]) =>
    line(writerLine({ taskId: 't', errorClass: 'timeout', note: 'n' }).replace(new RegExp(`"${field}":"[^"]*"`), `"${field}":"${body}"`)),
  ),
  // Invalid UTF-8 inside a string (decoded as U+FFFD), in a field of each kind.
  fc.tuple(fc.constantFrom('XA', 'XT', 'XI', 'XM', 'XU'), fc.constantFrom([0xff], [0xc3], [0xed, 0xa0, 0x80], [0xe2, 0x82], [0xf0, 0x9f, 0x9a])).map(([mark, bytes]) => {
    const text = writerLine({ agent: 'XA', taskId: 'XT', invocationId: 'XI', model: 'XM', note: 'XU' });
    const [head, tail] = text.split(mark) as [string, string];
    return Buffer.concat([line(head), Buffer.from(bytes), line(tail)]);
  }),
  // Duplicate keys, known and unknown (JSON.parse keeps the last value, in the first key's place).
  fc.constantFrom('"agent":"dup"', '"cost":-1', '"extra":1', '"timestamp":"2026-11-20T09:00:00Z"', '"__proto__":{"x":1}').map((dup) => line(writerLine({ extra: 0 }).replace(/}$/, `,${dup}}`))),
  // Key order, whitespace, BOM.
  fc.constantFrom(' ', '\t', '\ufeff', '\u00a0').map((ws) => line(`${ws}${writerLine()}${ws}`)),
  fc.constantFrom('', ' ', '\t', '\r').map(line),
  fc.integer({ min: MAX - 400, max: MAX + 400 }).map((n) => line(writerLine({ pad: 'p'.repeat(n) }))),
  fc.uint8Array({ minLength: 1, maxLength: 80 }).map((a) => Buffer.from(a.map((b) => (b === 0x0a ? 0x20 : b)))),
);

/** A damage to a whole log's bytes: a byte set, bytes cut, bytes inserted. */
const damageArb = fc.oneof(
  fc.tuple(fc.constant('set' as const), fc.nat(), fc.constantFrom(0x0a, 0x0d, 0x22, 0x5c, 0x2c, 0x7d, 0x20, 0x31, 0xff, 0xc3, 0x00, 0x2d)),
  fc.tuple(fc.constant('cut' as const), fc.nat(), fc.integer({ min: 1, max: 40 })),
  fc.tuple(fc.constant('insert' as const), fc.nat(), fc.constantFrom(0x0a, 0x0d, 0xff, 0x7b)),
);

function damage(bytes: Buffer, damages: (readonly ['set' | 'cut' | 'insert', number, number])[]): Buffer {
  let out = bytes;
  for (const [kind, where, what] of damages) {
    if (out.length === 0) break;
    const at = where % out.length;
    if (kind === 'set') (out = Buffer.from(out))[at] = what;
    else if (kind === 'cut') out = Buffer.concat([out.subarray(0, at), out.subarray(at + what)]);
    else out = Buffer.concat([out.subarray(0, at), Buffer.from([what]), out.subarray(at)]);
  }
  return out;
}

/** A log: lines, each ended by `\n` or `\r\n`, the last one maybe torn, sometimes damaged. */
const logArb = fc
  .tuple(fc.array(fc.tuple(lineArb, fc.constantFrom('\n', '\r\n')), { maxLength: 30 }), fc.boolean(), fc.array(damageArb, { maxLength: 3 }))
  .map(([lines, torn, damages]) => {
    const parts = lines.flatMap(([l, eol], i) => (torn && i === lines.length - 1 ? [l] : [l, Buffer.from(eol)]));
    return damage(Buffer.concat(parts), damages);
  });

/** Records equal key for key (order, `-0`); the index and path of the first difference otherwise. */
function expectSameRecords(got: InvocationMetric[], want: InvocationMetric[]): void {
  expect(got.length).toBe(want.length);
  for (let i = 0; i < want.length; i++) expect(firstDifference(got[i], want[i]), `record ${i}`).toBeUndefined();
}

function expectSame(got: { records: InvocationMetric[]; skipped: number; warnings: LogWarning[] }, want: ReferenceLoad): void {
  expect(got.warnings).toEqual(want.warnings);
  expect(got.skipped).toBe(want.skipped);
  expectSameRecords(got.records, want.records);
}

/** The new reader's records and warnings through `scanChunks` with a read buffer of `readBytes` (lines cut across reads). */
async function scanInReads(bytes: Buffer, file: string, readBytes: number): Promise<{ records: InvocationMetric[]; skipped: number; warnings: LogWarning[] }> {
  const records: InvocationMetric[] = [];
  const warnings: LogWarning[] = [];
  const scanner = new LineScanner({ maxLineBytes: MAX, target: { kind: 'records', onRecord: (r) => records.push(r) }, onWarning: (l, reason) => warnings.push({ file, line: l, reason }) });
  const read = (buf: Buffer, offset: number, length: number, position: number): number => bytes.copy(buf, offset, position, Math.min(bytes.length, position + length));
  for await (const _ of scanChunks(read, scanner, { buffer: Buffer.alloc(readBytes) }));
  return { records, skipped: scanner.skipped, warnings };
}

let n = 0;
describe('the line reader = the reader it replaced', () => {
  it('loadLog, readLog and reads of any size give the old records and warnings', async () => {
    await fc.assert(
      fc.asyncProperty(logArb, fc.integer({ min: 1, max: 600 }), async (bytes, readBytes) => {
        const file = join(dir, `l${n++}.jsonl`);
        fs.writeFileSync(file, bytes);
        const want = await referenceLoad(file, MAX);
        expectSame(await loadLog(file, { maxLineBytes: MAX }), want);
        const streamed: InvocationMetric[] = [];
        const warnings: LogWarning[] = [];
        const reader = readLog(file, { maxLineBytes: MAX, onWarning: (w) => warnings.push(w) });
        let r = await reader.next();
        for (; r.done !== true; r = await reader.next()) streamed.push(r.value);
        expectSame({ records: streamed, skipped: r.value.skipped, warnings }, want);
        expectSame(await scanInReads(bytes, file, readBytes), want);
      }),
      { numRuns: runs(300) },
    );
  });

  it("the collector's loadLogPrefix: a byte limit and skipped records give the old ones after the skip", async () => {
    await fc.assert(
      fc.asyncProperty(logArb, fc.nat(), fc.nat({ max: 12 }), async (bytes, cut, skip) => {
        const file = join(dir, `p${n++}.jsonl`);
        fs.writeFileSync(file, bytes);
        const limit = bytes.length === 0 ? 0 : cut % (bytes.length + 1);
        const want = await referenceLoad(file, MAX, { limit });
        const { dev, ino } = fs.statSync(file, { bigint: true });
        const got = await loadLogPrefix(file, { dev, ino, bytes: limit }, { maxLineBytes: MAX, skip });
        expect(got.warnings).toEqual(want.warnings);
        expect(got.skipped).toBe(want.skipped);
        expectSameRecords(got.records, want.records.slice(skip));
      }),
      { numRuns: runs(200) },
    );
  });

  it("loadLogPrefixInto on worker threads: the old records after the skip, in the store after what it held, with the old warnings", async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(logArb, { minLength: 1, maxLength: 4 }), fc.nat(), fc.nat({ max: 40 }), fc.integer({ min: 40, max: 900 }), async (logs, cut, skip, taskBytes) => {
        // Several logs in one file: ranges of a few hundred bytes then hold many lines of every kind.
        const bytes = Buffer.concat(logs.flatMap((l) => [l, Buffer.from('\n')]));
        const file = join(dir, `w${n++}.jsonl`);
        fs.writeFileSync(file, bytes);
        const limit = cut % (bytes.length + 1);
        const want = await referenceLoad(file, MAX, { limit });
        const { dev, ino } = fs.statSync(file, { bigint: true });
        const store = new RecordStore();
        const before = [metric({ invocationId: 'held-0', agent: 'held' }), metric({ invocationId: 'held-1', extra: 1 })];
        for (const r of before) store.push(r);
        const warnings: LogWarning[] = [];
        const got = await loadLogPrefixInto(file, { dev, ino, bytes: limit }, store, {
          maxLineBytes: MAX,
          skip,
          onWarning: (w) => warnings.push(w),
          parallelMinBytes: 0,
          workers: 2,
          workerSource: TS_WORKER,
          taskBytes,
          readBytes: 256,
        });
        expect(warnings).toEqual(want.warnings);
        expect(got.skipped).toBe(want.skipped);
        const kept = want.records.slice(skip);
        expect(got).toMatchObject({ from: before.length, loaded: kept.length });
        const all = store.toArray();
        expectSameRecords(all, [...before, ...kept]);
        expectSameRecords([...store.values(got.from, got.from + got.loaded)], kept);
      }),
      { numRuns: runs(20) },
    );
  });
});
