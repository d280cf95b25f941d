/**
 * Hostile input to the loader: random text and bytes, truncated JSON, wrong types, missing zones, overlong
 * lines, prototype keys. `parseLogLine` never throws; `loadLog` never throws on content, keeps exactly the
 * valid records and skips every bad line with its line number; no prototype is polluted.
 */
import fc from 'fast-check';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadLog, parseLogLine } from '../../src/log/reader.js';
import { findMetricProblem } from '../../src/record.js';
import { serializeMetric } from '../../src/serialize.js';
import { metric, tempDir } from '../helpers/records.js';
import { validRecordArb } from '../reliability/arbitraries.js';
import { runs } from '../helpers/property.js';

/** Runs per property (`PROPERTY_SCALE` multiplies them; 5 gives the deep run of 1e5 cases with the validator's). */
const RUNS = { parseLine: runs(5_000), files: runs(80) };
const MAX_LINE = 2048;
const protoBefore = Object.getOwnPropertyNames(Object.prototype).sort();

let dir: string;
let cleanup: () => void;
beforeAll(() => ({ dir, cleanup } = tempDir('im-reader-prop-')));
afterAll(() => {
  cleanup();
  expect(Object.getOwnPropertyNames(Object.prototype).sort()).toEqual(protoBefore);
  expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  console.log(`[reader properties] ${RUNS.parseLine + RUNS.files} cases`);
});

/** Bad values that stay bad through JSON (`undefined` = the field is missing). */
const JSON_BAD: Record<string, unknown[]> = {
  invocationId: ['', 5, null, [], undefined],
  agent: ['', true, {}, undefined],
  phase: [-1, 1.5, '1', null, undefined],
  taskId: [3, null],
  durationMs: [-0.5, '1', null, undefined],
  tokens: [-1, 0.5, undefined],
  inputTokens: [-2, '3'],
  cost: [-0.01, {}, undefined],
  exitCode: [0.5, '0', null, undefined],
  success: ['true', 1, undefined],
  attempt: [0, -3, 1.5, undefined],
  outputParsed: [0, null, undefined],
  model: [5, false],
  timestamp: ['2026-11-20T09:00:00', '2026-02-30T09:00Z', '2026-11-20 09:00Z', 1795165200000, null, undefined],
  errorClass: [1, []],
};

type Kind = 'valid' | 'validBadUtf8' | 'hostileKeys' | 'badField' | 'truncated' | 'randomBytes' | 'blank' | 'overlong';
interface Line {
  kind: Kind;
  bytes: Buffer;
}

const recordLine = (id: string, patch: Record<string, unknown> = {}): string => serializeMetric(metric({ invocationId: id, ...patch }));

function lineArb(id: string): fc.Arbitrary<Line> {
  const line = (kind: Kind, text: string | Buffer): Line => ({ kind, bytes: typeof text === 'string' ? Buffer.from(text) : text });
  return fc.oneof(
    validRecordArb.map((r) => line('valid', serializeMetric({ ...r, invocationId: id }))),
    fc.constant(null).map(() => {
      // A valid record whose agent holds two bytes that are not UTF-8: decoded as U+FFFD, as TextDecoder does.
      const [before, after] = recordLine(id, { agent: 'a#g' }).split('#') as [string, string];
      return line('validBadUtf8', Buffer.concat([Buffer.from(before), Buffer.from([0xff, 0xfe]), Buffer.from(after)]));
    }),
    fc.constant(line('hostileKeys', recordLine(id).replace(/}$/, ',"__proto__":{"polluted":true},"constructor":{"prototype":{"polluted":true}}}'))),
    fc
      .constantFrom(...Object.keys(JSON_BAD))
      .chain((field) => fc.constantFrom(...JSON_BAD[field]!).map((bad) => [field, bad] as const))
      .map(([field, bad]) => {
        const r: Record<string, unknown> = { ...metric({ invocationId: id }) };
        if (bad === undefined) delete r[field];
        else r[field] = bad;
        return line('badField', JSON.stringify(r));
      }),
    fc.nat().map((n) => {
      const full = recordLine(id);
      return line('truncated', full.slice(0, 1 + (n % (full.length - 1))));
    }),
    fc.uint8Array({ minLength: 1, maxLength: 200 }).map((a) => {
      const bytes = Buffer.from(a.map((b) => (b === 0x0a ? 0x20 : b)));
      bytes[bytes.length >> 1] = 0xff; // never valid UTF-8, never blank
      return line('randomBytes', bytes);
    }),
    fc.constantFrom('', ' ', '\t  ').map((t) => line('blank', t)),
    fc.integer({ min: 1, max: 20_000 }).map((n) => line('overlong', recordLine(id, { pad: 'p'.repeat(MAX_LINE + n) }))),
  );
}

const fileArb = fc
  .array(fc.nat(), { minLength: 0, maxLength: 25 })
  .chain((seeds) => fc.tuple(...seeds.map((_, i) => fc.tuple(lineArb(`v${i}`), fc.constantFrom('\n', '\r\n')))))
  .chain((lines) => fc.tuple(fc.constant(lines), fc.boolean()));

const SKIP_REASON: Record<Kind, RegExp | undefined> = {
  valid: undefined,
  validBadUtf8: undefined,
  hostileKeys: undefined,
  blank: undefined,
  badField: /^invalid record: Expected /,
  truncated: /^malformed JSON/,
  randomBytes: /^(malformed JSON|invalid record)/,
  overlong: /^line of \d+ bytes is longer than maxLineBytes \(2048\)$/,
};

describe('parseLogLine on hostile text', () => {
  it('never throws, and tells blank, record and invalid exactly as JSON.parse + findMetricProblem would', () => {
    const text = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 120 }),
      fc.json({ maxDepth: 3 }),
      validRecordArb.map((r) => serializeMetric(r)),
      validRecordArb.chain((r) => fc.nat().map((n) => serializeMetric(r).slice(0, n % (serializeMetric(r).length + 1)))),
      fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify({ __proto__: v, constructor: { prototype: v }, ...metric() })),
    );
    fc.assert(
      fc.property(text, (t) => {
        const parsed = parseLogLine(t);
        if (t.trim() === '') {
          expect(parsed.kind).toBe('blank');
          return;
        }
        let value: unknown;
        let json = true;
        try {
          value = JSON.parse(t);
        } catch {
          json = false;
        }
        const valid = json && findMetricProblem(value) === undefined;
        expect(parsed.kind).toBe(valid ? 'record' : 'invalid');
        if (parsed.kind === 'invalid') expect(parsed.reason).toMatch(json ? /^invalid record: Expected / : /^malformed JSON \(/);
      }),
      { numRuns: RUNS.parseLine },
    );
  });
});

describe('loadLog on generated files', () => {
  it('loads exactly the valid records, skips every bad line with its number and reason, and never throws', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fileArb, async ([lines, lastTerminated]) => {
        const file = join(dir, `f${n++}.jsonl`);
        const parts: Buffer[] = [];
        lines.forEach(([l, eol], i) => {
          parts.push(l.bytes);
          if (i < lines.length - 1 || lastTerminated) parts.push(Buffer.from(eol));
        });
        writeFileSync(file, Buffer.concat(parts));
        const loaded = await loadLog(file, { maxLineBytes: MAX_LINE });

        const wantIds: string[] = [];
        const wantSkipped: { line: number; kind: Kind; torn: boolean }[] = [];
        lines.forEach(([l], i) => {
          const torn = i === lines.length - 1 && !lastTerminated;
          if (SKIP_REASON[l.kind] === undefined) {
            if (l.kind !== 'blank') wantIds.push(`v${i}`);
          } else wantSkipped.push({ line: i + 1, kind: l.kind, torn });
        });
        expect(loaded.records.map((r) => r.invocationId)).toEqual(wantIds);
        expect(loaded.skipped).toBe(wantSkipped.length);
        expect(loaded.warnings.map((w) => [w.file, w.line])).toEqual(wantSkipped.map((s) => [file, s.line]));
        loaded.warnings.forEach((w, i) => {
          const { kind, torn } = wantSkipped[i]!;
          const reason = torn ? w.reason.replace(/^torn last line \(no trailing newline: [^)]*\): /, '') : w.reason;
          if (torn) expect(w.reason).toMatch(/^torn last line/);
          expect(reason, `line ${w.line} (${kind})`).toMatch(SKIP_REASON[kind]!);
        });
        for (const r of loaded.records) {
          if (lines[Number(r.invocationId.slice(1))]![0].kind === 'validBadUtf8') expect(r.agent).toBe('a\uFFFD\uFFFDg');
          expect(Object.getPrototypeOf(r)).toBe(Object.prototype);
        }
      }),
      { numRuns: RUNS.files },
    );
  });
});
