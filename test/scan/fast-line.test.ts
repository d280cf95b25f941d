/**
 * The fast path line by line against the reader's parse (`parseLogLine`: `JSON.parse` + validation): it
 * accepts the writer's lines, and whatever line it accepts it reads with the reader's values. One parser
 * reads each whole sequence of lines, as in a scan, so that its memos (values recognized by the interners
 * without a scan, minutes of timestamps) are exercised with every mix of hits, misses and collisions.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { hashBytes } from '../../src/aggregate/key-table.js';
import { parseLogLine } from '../../src/log/reader.js';
import type { InvocationMetric } from '../../src/record.js';
import { serializeMetric } from '../../src/serialize.js';
import { ByteInterner } from '../../src/scan/byte-interner.js';
import { FastLineParser } from '../../src/scan/fast-line.js';
import { runs } from '../helpers/property.js';

const KNOWN = new Set(['invocationId', 'agent', 'phase', 'taskId', 'durationMs', 'tokens', 'inputTokens', 'outputTokens', 'cachedTokens', 'cost', 'exitCode', 'success', 'attempt', 'outputParsed', 'model', 'tier', 'timestamp', 'errorClass']);

/** A parser with its interners, used as the scanner uses them: values of accepted lines are remembered. */
function reader(): (bytes: Buffer) => 'not fast' | 'ok' {
  const intern = (): number => 0;
  const agents = new ByteInterner(intern);
  const models = new ByteInterner(intern);
  const tiers = new ByteInterner(intern);
  const parser = new FastLineParser(agents, models, tiers);
  return (bytes) => {
    // The line and its `\n`, then another line: the parser is bounded by the last `\n`, and must find the
    // line's own end (the next line repeats it, to tempt it).
    const buf = Buffer.concat([bytes, Buffer.from('\n'), bytes, Buffer.from('\n')]);
    const view = new DataView(buf.buffer, buf.byteOffset, buf.length);
    const nl = bytes.length;
    const found = parser.parse(buf, view, 0, buf.length - 1);
    if (found < 0) return 'not fast';
    expect(found).toBe(nl);
    const l = parser.line;
    expect(l.end).toBe(buf[nl - 1] === 0x0d ? nl - 1 : nl);
    const parsed = parseLogLine(buf.toString('utf8', 0, buf[nl - 1] === 0x0d ? nl - 1 : nl));
    expect(parsed.kind).toBe('record');
    const r = (parsed as { record: InvocationMetric }).record;
    const text = (start: number, end: number): string => buf.toString('utf8', start, end);
    const value = (table: ByteInterner, entry: number, start: number, end: number): string => {
      // A recognized value is the one the bytes hold; either way the scanner then interns it.
      if (entry >= 0) {
        expect(end - start).toBe(table.lengthOf(entry));
        expect(table.strings[entry]).toBe(text(start, end));
      }
      return table.strings[entry >= 0 ? entry : table.remember(buf, view, start, end, l.end)]!;
    };
    expect(text(l.invocationIdStart, l.invocationIdEnd)).toBe(r.invocationId);
    expect(value(agents, l.agentEntry, l.agentStart, l.agentEnd)).toBe(r.agent);
    expect(Object.is(l.phase, r.phase)).toBe(true);
    if (r.taskId === undefined) expect(l.taskIdStart).toBe(-1);
    else {
      expect(text(l.taskIdStart, l.taskIdEnd)).toBe(r.taskId);
      expect(l.taskIdHash).toBe(hashBytes(buf, l.taskIdStart, l.taskIdEnd));
      // Task ids are interned by their bytes: only the canonical ones (valid UTF-8) take the fast path.
      expect(Buffer.from(r.taskId).equals(buf.subarray(l.taskIdStart, l.taskIdEnd))).toBe(true);
    }
    expect(Object.is(l.durationMs, r.durationMs)).toBe(true);
    expect(Object.is(l.tokens, r.tokens)).toBe(true);
    expect(l.inputTokens).toBe(r.inputTokens ?? -1);
    expect(l.outputTokens).toBe(r.outputTokens ?? -1);
    expect(l.cachedTokens).toBe(r.cachedTokens ?? -1);
    expect(Object.is(l.cost, r.cost)).toBe(true);
    expect(Object.is(l.exitCode, r.exitCode)).toBe(true);
    expect(l.success).toBe(r.success);
    expect(l.attempt).toBe(r.attempt);
    expect(l.outputParsed).toBe(r.outputParsed);
    expect(l.modelStart < 0 ? undefined : value(models, l.modelEntry, l.modelStart, l.modelEnd)).toBe(r.model);
    expect(l.tierStart < 0 ? undefined : value(tiers, l.tierEntry, l.tierStart, l.tierEnd)).toBe(r.tier);
    expect(text(l.timestampStart, l.timestampEnd)).toBe(r.timestamp);
    expect(l.start).toBe(Date.parse(r.timestamp));
    expect(l.errorClassStart < 0 ? undefined : text(l.errorClassStart, l.errorClassEnd)).toBe(r.errorClass);
    expect(l.unknownFields).toBe(Object.keys(r).some((k) => !KNOWN.has(k)));
    return 'ok';
  };
}

const opt = <T>(arb: fc.Arbitrary<T>): fc.Arbitrary<T | undefined> => fc.option(arb, { nil: undefined });
/** Values around the 8 bytes the interners recognize values by: shorter, equal, longer, shared prefixes. */
const name = fc.oneof(
  fc.constantFrom('abcdefgh-1234-WXYZ-tail', 'abcdefgh-1234-WXYZ-tai!', 'abcdefgh-1234-!XYZ-tail', 'abcdefgh-1234-WXYZ-tail-and-more', 'abcdefgh-1234-WXYZ-tail-and-mor!', 'claude-sonnet-4-5', 'claude-sonnet-4-5x', 'claude-sonnet-4', 'claude-s', 'claude-', 'claude-haiku-4-5', 'coder', 'code', 'c', '', 'é', 'ré', 'rédacteur', '审稿人', 'a"b', 'a\\b', 'x\u0001'),
  fc.string({ maxLength: 12 }),
);
const count = fc.oneof(fc.integer({ min: 0, max: 100_000 }), fc.constantFrom(0, 9, 10, 999_999_999_999_999, 1_000_000_000_000_000, 2 ** 53 - 1));
const decimal = fc.oneof(
  fc.double({ min: 0, max: 10, noNaN: true }),
  fc.integer({ min: 0, max: 10 ** 8 }).map((n) => n / 10 ** 6),
  fc.constantFrom(0, 0.1, 1e-7, 5e-324, 1e21, 123456.78901234567, 0.123456789012345, 1.5),
);
/** Writer-form instants in several years and days; seconds and milliseconds at their edges. */
const timestamp = fc.oneof(
  fc
    .record({ day: fc.integer({ min: 0, max: 3 }), minute: fc.integer({ min: 0, max: 5 }), ms: fc.constantFrom(0, 1, 999, 59_000, 59_999, 30_500) })
    .map(({ day, minute, ms }) => new Date(Date.parse('2024-02-28T23:58:00.000Z') + day * 86_400_000 + minute * 60_000 + ms).toISOString()),
  fc.integer({ min: Date.parse('0000-01-01T00:00:00.000Z'), max: Date.parse('9999-12-31T23:59:59.999Z') }).map((t) => new Date(t).toISOString()),
  // The same minute of the day in other years, months, days: the memo must tell them apart.
  fc
    .record({ year: fc.constantFrom('2024', '2025', '0000', '9999', '1970'), date: fc.constantFrom('-01-01', '-02-29', '-02-28', '-12-31'), time: fc.constantFrom('T00:00', 'T23:59', 'T09:30'), rest: fc.constantFrom(':00.000Z', ':59.999Z', ':07.250Z') })
    .map(({ year, date, time, rest }) => year + date + time + rest),
  fc.constantFrom('2026-11-20T09:00:00Z', '2026-11-20T10:00:00+01:00', '2026-11-20T09:00:00.123456789Z', '2026-11-20T09:00:60.000Z', '2026-02-30T09:00:00.000Z', '2026-11-20T09:00:00.000'),
);
const recordArb: fc.Arbitrary<Record<string, unknown>> = fc
  .record({
    invocationId: fc.oneof(fc.constantFrom('inv', 'é', 'inv-审稿人', 'a"b'), fc.string({ maxLength: 4 })),
    agent: name,
    phase: fc.oneof(fc.integer({ min: 0, max: 12 }), fc.constantFrom(-1, 1.5, 1e21)),
    taskId: opt(fc.oneof(fc.constantFrom('t1', 'tâche', '\ud800'), fc.string({ maxLength: 20 }))),
    durationMs: fc.oneof(count, decimal, fc.constantFrom(-0, -1)),
    tokens: count,
    inputTokens: opt(count),
    outputTokens: opt(count),
    cachedTokens: opt(count),
    cost: fc.oneof(decimal, count, fc.constantFrom(-0, -1e-9)),
    exitCode: fc.oneof(fc.integer({ min: -3, max: 300 }), fc.constantFrom(-0, 0.5)),
    success: fc.boolean(),
    attempt: fc.integer({ min: -1, max: 12 }),
    outputParsed: fc.boolean(),
    model: opt(name),
    tier: opt(fc.oneof(fc.constantFrom('small', 'standard', 'large', 's', ''), name)),
    timestamp,
    errorClass: opt(fc.constantFrom('', 'timeout', 'rate_limit', 'a\tb')),
    extra: opt(fc.jsonValue({ maxDepth: 2 })),
  })
  .map((r) => {
    const m: Record<string, unknown> = { ...r };
    for (const key of Object.keys(m)) if (m[key] === undefined) delete m[key];
    return m;
  });

/** Whether JSON.stringify writes every string of the record without an escape. */
const plain = (r: Record<string, unknown>): boolean =>
  Object.entries(r).every(([k, v]) => k === 'extra' || typeof v !== 'string' || JSON.stringify(v) === `"${v}"`);

describe('FastLineParser', () => {
  it("accepts the writer's lines that need no escape, and reads every line it accepts as the reader does", () => {
    fc.assert(
      fc.property(fc.array(recordArb, { minLength: 1, maxLength: 40 }), fc.boolean(), (records, crlf) => {
        const read = reader();
        for (const r of records) {
          const line = serializeMetric(r as unknown as InvocationMetric) + (crlf ? '\r' : '');
          const outcome = read(Buffer.from(line));
          if (plain(r) && parseLogLine(line).kind === 'record') expect(outcome, line).toBe('ok');
        }
      }),
      { numRuns: runs(400) },
    );
  });

  it('reads every damaged line it accepts as the reader does', () => {
    const damage = fc.record({ at: fc.nat(), byte: fc.constantFrom(0x22, 0x5c, 0x2c, 0x7d, 0x3a, 0x20, 0x30, 0x39, 0x2e, 0x65, 0x2d, 0xff, 0xc3, 0x00, 0x1f, 0x0d, 0x61), cut: fc.boolean() });
    fc.assert(
      fc.property(fc.array(fc.tuple(recordArb, fc.array(damage, { maxLength: 3 })), { minLength: 1, maxLength: 30 }), (lines) => {
        const read = reader();
        for (const [r, damages] of lines) {
          let bytes = Buffer.from(serializeMetric(r as unknown as InvocationMetric));
          for (const d of damages) {
            const at = d.at % bytes.length;
            bytes = d.cut ? Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + 1)]) : Buffer.from(bytes);
            if (!d.cut) bytes[at] = d.byte;
          }
          if (bytes.includes(0x0a) || bytes.length === 0) continue; // one line only
          read(bytes);
        }
      }),
      { numRuns: runs(400) },
    );
  });

  it('does not take a recognized value for another one that shares its first bytes', () => {
    const read = reader();
    const base = { invocationId: 'i', phase: 0, durationMs: 1, tokens: 1, cost: 0, exitCode: 0, success: true, attempt: 1, outputParsed: true, timestamp: '2026-11-20T09:00:00.000Z' };
    const line = (v: string): Buffer => Buffer.from(serializeMetric({ ...base, agent: v, model: v, tier: v } as InvocationMetric));
    // Pairs of values that share their first 8 bytes (one slot of the interner's cache), of every length
    // around the words it compares (8, 12, 16, 20, 24 bytes), differing in one byte or in length.
    const long = 'abcdefgh-1234-WXYZ-tail-and-more';
    const pairs: [string, string][] = [
      ['claude-sonnet-4-5', 'claude-sonnet-4-5x'],
      ['claude-sonnet-4-5', 'claude-sonnet-4'],
      ['claude-s', 'claude-'],
      ['claude-s', 'claude-sx'],
      ['c', 'claude-s'],
    ];
    for (let n = 9; n <= long.length; n++) {
      const value = long.slice(0, n);
      pairs.push([value, long.slice(0, n - 1)], [value, `${value}!`]);
      for (let at = 8; at < n; at++) pairs.push([value, `${long.slice(0, at)}!${long.slice(at + 1, n)}`]);
    }
    for (const [x, y] of pairs) {
      for (const v of [x, y, x, y]) expect(read(line(v)), v).toBe('ok');
    }
  });

  it('reads any spelling of every number field as the reader does', () => {
    const line = serializeMetric({ invocationId: 'i', agent: 'a', phase: 1, durationMs: 2, tokens: 3, inputTokens: 4, outputTokens: 5, cachedTokens: 6, cost: 7, exitCode: 8, success: true, attempt: 9, outputParsed: false, timestamp: '2026-11-20T09:00:00.000Z' });
    const fields = ['phase', 'durationMs', 'tokens', 'inputTokens', 'outputTokens', 'cachedTokens', 'cost', 'exitCode', 'attempt'];
    const spelling = fc.oneof(
      fc.stringMatching(/^-?(0|[1-9]\d{0,20})(\.\d{1,24})?([eE][+-]?\d{1,3})?$/),
      fc.stringMatching(/^(0|[1-9]\d{0,3})\.\d{10,20}$/),
      fc.stringMatching(/^[-+0-9.eE]{0,6}$/),
      fc.constantFrom('1.', '.5', '01', '-0', '0.0', '-0.0', '1e0', '9007199254740993', '123456789012345', '1234567890123456', '0.1234567890123456', '12345678901234567.5'),
      // 16 and 17 digits that digit-by-digit arithmetic rounds differently from JSON.parse.
      fc.constantFrom('88556943788383065', '90191765035407066', '79970713329263669', '740721472.81169927', '3733811.9676450045', '89635.355077632407'),
    );
    fc.assert(
      fc.property(fc.constantFrom(...fields), spelling, (field, text) => {
        const read = reader();
        read(Buffer.from(line.replace(new RegExp(`"${field}":\\d`), `"${field}":${text}`)));
      }),
      { numRuns: runs(3000) },
    );
  });

  it('reads every line one byte away from a writer line as the reader does', () => {
    const lines = [
      serializeMetric({ invocationId: 'inv-1', agent: 'researcher', phase: 0, taskId: 'r0/p0-researcher-3', durationMs: 30749, tokens: 61816, inputTokens: 57054, outputTokens: 4762, cachedTokens: 33852, cost: 0.151192, exitCode: 0, success: true, attempt: 1, outputParsed: true, model: 'claude-sonnet-4-5', tier: 'standard', timestamp: '2026-11-20T00:00:01.782Z', errorClass: 'timeout' } as InvocationMetric),
      serializeMetric({ invocationId: 'm', agent: 'a', phase: 10, durationMs: 0, tokens: 0, cost: 0, exitCode: -1, success: false, attempt: 2, outputParsed: false, model: '', tier: 's', timestamp: '2026-11-20T09:00:00Z', extra: [1, { k: 'v' }] } as InvocationMetric),
    ];
    const bytes = [0x22, 0x5c, 0x2c, 0x7d, 0x7b, 0x3a, 0x20, 0x30, 0x31, 0x39, 0x2e, 0x65, 0x2d, 0x2b, 0x54, 0x5a, 0xff, 0xc3, 0x00, 0x1f, 0x0d, 0x61];
    for (const line of lines) {
      const read = reader();
      const base = Buffer.from(line);
      expect(read(base)).toBe('ok');
      for (let at = 0; at < base.length; at++) {
        read(Buffer.concat([base.subarray(0, at), base.subarray(at + 1)]));
        for (const b of bytes) {
          const changed = Buffer.from(base);
          changed[at] = b;
          read(changed);
          read(Buffer.concat([base.subarray(0, at), Buffer.of(b), base.subarray(at)]));
        }
        // And the line itself again: its values are now known to the interners and memos.
        expect(read(base)).toBe('ok');
      }
    }
  });
});
