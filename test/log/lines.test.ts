/**
 * The line rules (`src/log/lines.ts`) as the one line reader applies them to bytes read in chunks of any
 * size: where lines end, the `\r` dropped, the torn last line, overlong lines counted and never held.
 */
import { describe, expect, it } from 'vitest';
import { DEFAULT_MAX_LINE_BYTES, invalidReason, overlongReason, TORN } from '../../src/log/lines.js';
import { LineScanner } from '../../src/scan/line-scanner.js';
import { scanChunks } from '../../src/scan/read-range.js';
import { serializeMetric } from '../../src/serialize.js';
import { metric } from '../helpers/records.js';

type Event = [kind: 'record', invocationId: string, agent: string] | [kind: 'skipped', line: number, reason: string];

/** Reads `input` through the line reader with a read buffer of `chunkSize` bytes; also the largest buffer it read into. */
async function read(input: Buffer, chunkSize: number, max = 1 << 20): Promise<{ events: Event[]; largestBuffer: number }> {
  const events: Event[] = [];
  const scanner = new LineScanner({
    maxLineBytes: max,
    target: { kind: 'records', onRecord: (r) => events.push(['record', r.invocationId, r.agent]) },
    onWarning: (line, reason) => events.push(['skipped', line, reason]),
  });
  let largestBuffer = 0;
  const at = (buf: Buffer, offset: number, length: number, position: number): number => {
    largestBuffer = Math.max(largestBuffer, buf.length);
    return input.copy(buf, offset, position, Math.min(input.length, position + length));
  };
  for await (const _ of scanChunks(at, scanner, { buffer: Buffer.alloc(chunkSize) }));
  return { events, largestBuffer };
}

const rec = (id: string, agent = 'coder'): string => serializeMetric(metric({ invocationId: id, agent }));

describe('the line rules, read in chunks', () => {
  const text = `${rec('a', 'α,β')}\r\n\n${rec('b', 'rocket 🚀 ok')}\nnot json\n${rec('c', 'sans fin é')}`;
  const want: Event[] = [
    ['record', 'a', 'α,β'],
    ['record', 'b', 'rocket 🚀 ok'],
    ['skipped', 4, expect.stringMatching(/^malformed JSON \(/) as unknown as string],
    ['record', 'c', 'sans fin é'],
  ];

  it.each([1, 2, 3, 5, 7, 64, 4096])('splits on \\n, numbers every line (blank ones too) and keeps characters whole across reads of %i bytes', async (size) => {
    expect((await read(Buffer.from(text), size)).events).toEqual(want);
  });

  it('reads nothing from empty input, and no extra line after a final newline', async () => {
    expect((await read(Buffer.alloc(0), 3)).events).toEqual([]);
    expect((await read(Buffer.from(`${rec('a')}\n${rec('b')}\n`), 3)).events).toEqual([
      ['record', 'a', 'coder'],
      ['record', 'b', 'coder'],
    ]);
  });

  it('drops only one \\r before the newline', async () => {
    const reason = (text: string): string => {
      try {
        JSON.parse(text);
      } catch (error) {
        return `malformed JSON (${(error as Error).message})`;
      }
      return 'parsed';
    };
    const { events } = await read(Buffer.from('x\r\r\ny\r\n'), 4);
    expect(events).toEqual([
      ['skipped', 1, reason('x\r')],
      ['skipped', 2, reason('y')],
    ]);
  });

  it('warns about a bad last line without a newline as torn', async () => {
    const { events } = await read(Buffer.from(`${rec('a')}\n${rec('b').slice(0, 40)}`), 16);
    expect(events).toEqual([['record', 'a', 'coder'], ['skipped', 2, expect.stringMatching(/^torn last line \(no trailing newline: the writer was likely cut off by a crash\): malformed JSON/) as unknown as string]]);
  });

  it('counts an overlong line without keeping it, in one read or across many, also as a torn last line', async () => {
    const input = Buffer.from(`${rec('s')}\n${'x'.repeat(500)}\n${rec('o')}\n${'y'.repeat(300)}`);
    const max = rec('s').length + 1;
    for (const size of [1, 4, 16, 1000, 4096]) {
      expect((await read(input, size, max)).events).toEqual([
        ['record', 's', 'coder'],
        ['skipped', 2, `line of 500 bytes is longer than maxLineBytes (${max})`],
        ['record', 'o', 'coder'],
        ['skipped', 4, `${TORN}: line of 300 bytes is longer than maxLineBytes (${max})`],
      ]);
    }
  });

  it('keeps a line of exactly maxLineBytes (a \\r before the newline counts)', async () => {
    const line = rec('a');
    expect((await read(Buffer.from(`${line}\n`), 2, line.length)).events).toEqual([['record', 'a', 'coder']]);
    expect((await read(Buffer.from(`${line}\r\n`), 2, line.length)).events).toEqual([['skipped', 1, `line of ${line.length + 1} bytes is longer than maxLineBytes (${line.length})`]]);
  });

  it('holds at most about maxLineBytes of an overlong line, however long it runs, and counts all of it', async () => {
    const max = 64 * 1024;
    const input = Buffer.concat([Buffer.alloc(10_000_000, 0x61), Buffer.from(`\n${rec('ok')}\n`)]);
    const { events, largestBuffer } = await read(input, 16 * 1024, max);
    expect(largestBuffer).toBeLessThanOrEqual(2 * max);
    expect(events).toEqual([
      ['skipped', 1, `line of 10000000 bytes is longer than maxLineBytes (${max})`],
      ['record', 'ok', 'coder'],
    ]);
  });

  it('words the reasons the same for every reader', () => {
    expect(DEFAULT_MAX_LINE_BYTES).toBe(1024 * 1024);
    expect(overlongReason(9, 8, true)).toBe('line of 9 bytes is longer than maxLineBytes (8)');
    expect(overlongReason(9, 8, false)).toBe(`${TORN}: line of 9 bytes is longer than maxLineBytes (8)`);
    expect(invalidReason('why', false)).toBe(`${TORN}: why`);
  });
});
