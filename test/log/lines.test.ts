import { describe, expect, it } from 'vitest';
import { LineSplitter } from '../../src/log/lines.js';

type Event = [kind: 'line', text: string, lineNo: number, terminated: boolean] | [kind: 'overlong', bytes: number, lineNo: number, terminated: boolean];

function split(input: Buffer, chunkSize: number, max = 1 << 20): Event[] {
  const events: Event[] = [];
  const s = new LineSplitter(max, {
    line: (text, n, t) => events.push(['line', text, n, t]),
    overlong: (bytes, n, t) => events.push(['overlong', bytes, n, t]),
  });
  // One reused buffer, as the reader does: the splitter must copy what it keeps.
  const shared = Buffer.alloc(chunkSize);
  for (let i = 0; i < input.length; i += chunkSize) {
    const n = input.copy(shared, 0, i, i + chunkSize);
    s.push(shared.subarray(0, n));
    shared.fill(0x21);
  }
  s.end();
  return events;
}

describe('LineSplitter', () => {
  const text = 'α,β\r\n\nrocket 🚀 ok\nsans fin é';
  const want: Event[] = [
    ['line', 'α,β', 1, true],
    ['line', '', 2, true],
    ['line', 'rocket 🚀 ok', 3, true],
    ['line', 'sans fin é', 4, false],
  ];

  it.each([1, 2, 3, 5, 7, 64])('splits on \\n and keeps characters whole across chunks of %i bytes', (size) => {
    expect(split(Buffer.from(text), size)).toEqual(want);
  });

  it('reports no last line when the input ends with a newline, and nothing for empty input', () => {
    expect(split(Buffer.from('a\nb\n'), 3)).toEqual([
      ['line', 'a', 1, true],
      ['line', 'b', 2, true],
    ]);
    expect(split(Buffer.alloc(0), 3)).toEqual([]);
  });

  it('strips only one \\r before the newline', () => {
    expect(split(Buffer.from('a\r\r\nb\rc\n'), 4)).toEqual([
      ['line', 'a\r', 1, true],
      ['line', 'b\rc', 2, true],
    ]);
  });

  it('counts an overlong line without keeping it, in one chunk or across many', () => {
    const input = Buffer.from(`short\n${'x'.repeat(50)}\nok\n${'y'.repeat(30)}`);
    for (const size of [1, 4, 16, 1000]) {
      expect(split(input, size, 20)).toEqual([
        ['line', 'short', 1, true],
        ['overlong', 50, 2, true],
        ['line', 'ok', 3, true],
        ['overlong', 30, 4, false],
      ]);
    }
  });

  it('keeps a line of exactly maxLineBytes', () => {
    expect(split(Buffer.from('12345\n'), 2, 5)).toEqual([['line', '12345', 1, true]]);
  });

  it('holds at most maxLineBytes of an overlong line, however long it runs, and counts all of it', () => {
    const events: Event[] = [];
    const max = 64 * 1024;
    const s = new LineSplitter(max, {
      line: (text, n, t) => events.push(['line', text, n, t]),
      overlong: (bytes, n, t) => events.push(['overlong', bytes, n, t]),
    });
    const chunk = Buffer.alloc(10_000, 0x61);
    let peak = 0;
    for (let i = 0; i < 1000; i++) {
      s.push(chunk); // 10 MB without a newline
      peak = Math.max(peak, s.bufferedBytes);
    }
    expect(peak).toBeLessThanOrEqual(max);
    s.push(Buffer.from('\nok\n'));
    expect(s.bufferedBytes).toBe(0);
    expect(events).toEqual([
      ['overlong', 10_000_000, 1, true],
      ['line', 'ok', 2, true],
    ]);
  });
});
