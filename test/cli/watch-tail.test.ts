/**
 * `FileTail`: one real file followed poll by poll: appends, a torn line completed later, a torn tail cut
 * off by a restarting writer (the real collector), an overlong line, truncation.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { InvocationMetricsCollector } from '../../src/collector.js';
import { openRegularFile } from '../../src/log/safe-open.js';
import type { InvocationMetric } from '../../src/record.js';
import { FileTail, type TailSink } from '../../src/cli/watch-tail.js';

const line = (id: string, extra: Partial<InvocationMetric> = {}): string =>
  `${JSON.stringify({
    invocationId: id,
    agent: 'a',
    phase: 0,
    durationMs: 10,
    tokens: 1,
    cost: 0.5,
    exitCode: 0,
    success: true,
    attempt: 1,
    outputParsed: true,
    timestamp: '2026-11-20T09:00:00Z',
    ...extra,
  })}\n`;

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'im-watch-tail-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function follow(file: string, maxLineBytes = 1024 * 1024) {
  const opened = openRegularFile(file, 'read', true)!;
  const tail = new FileTail(file, opened.fd, `${opened.stats.dev}:${opened.stats.ino}`, maxLineBytes);
  const ids: string[] = [];
  const skipped: string[] = [];
  const notices: string[] = [];
  const sink: TailSink = {
    record: (r) => ids.push(r.invocationId),
    skipped: (f, n, reason) => skipped.push(`${path.basename(f)}:${n}: ${reason}`),
    notice: (t) => notices.push(t),
  };
  const buffer = Buffer.alloc(maxLineBytes + 1);
  return { tail, ids, skipped, notices, poll: (budget = Infinity) => tail.poll(buffer, budget, sink) };
}

describe('FileTail', () => {
  it('reads only what was appended since the last poll', () => {
    const file = path.join(dir, 'a.jsonl');
    fs.writeFileSync(file, line('1') + line('2'));
    const t = follow(file);
    expect(t.poll()).toEqual({ bytes: 2 * line('1').length, atEnd: true });
    expect(t.ids).toEqual(['1', '2']);
    expect(t.poll()).toEqual({ bytes: 0, atEnd: true });
    fs.appendFileSync(file, line('3'));
    expect(t.poll().bytes).toBe(line('3').length);
    expect(t.ids).toEqual(['1', '2', '3']);
    t.tail.close();
  });

  it('a refresh of a large file reads the appended bytes, the file\'s first 256 and nothing else', () => {
    const file = path.join(dir, 'a.jsonl');
    fs.writeFileSync(file, Array.from({ length: 5000 }, (_, i) => line(`old-${i}`)).join(''));
    const t = follow(file);
    t.poll();
    const appended = line('new-1') + line('new-2');
    fs.appendFileSync(file, appended);
    const read = vi.spyOn(fs, 'readSync');
    try {
      t.poll();
      const bytes = read.mock.results.reduce((sum, r) => sum + (r.value as number), 0);
      expect(fs.statSync(file).size).toBeGreaterThan(500_000);
      expect(bytes).toBe(appended.length + 256);
    } finally {
      read.mockRestore();
    }
    expect(t.ids.slice(-2)).toEqual(['new-1', 'new-2']);
    t.tail.close();
  });

  it('a torn last line waits, unparsed and unwarned, until it is completed', () => {
    const file = path.join(dir, 'a.jsonl');
    const whole = line('2');
    fs.writeFileSync(file, line('1') + whole.slice(0, 40));
    const t = follow(file);
    t.poll();
    t.poll();
    expect(t.ids).toEqual(['1']);
    expect(t.skipped).toEqual([]);
    fs.appendFileSync(file, whole.slice(40));
    t.poll();
    expect(t.ids).toEqual(['1', '2']);
    expect(t.skipped).toEqual([]);
    t.tail.close();
  });

  it('a torn tail cut off by a restarting collector is never read, and its records come once', async () => {
    const file = path.join(dir, 'invocations.jsonl');
    fs.writeFileSync(file, line('1') + line('2').slice(0, 30));
    const t = follow(file);
    t.poll();
    expect(t.ids).toEqual(['1']);
    // The real writer: it moves the torn bytes to .torn and appends after the last complete line.
    const collector = new InvocationMetricsCollector(dir, { warn: () => undefined });
    await collector.record(JSON.parse(line('3')) as InvocationMetric);
    await collector.close();
    t.poll();
    expect(t.ids).toEqual(['1', '3']);
    expect(t.skipped).toEqual([]);
    expect(t.notices).toEqual([]);
    t.tail.close();
  });

  it('a line longer than the limit is skipped with a warning, never held whole, and reading goes on', () => {
    const file = path.join(dir, 'a.jsonl');
    const long = line('big', { model: 'x'.repeat(5000) });
    fs.writeFileSync(file, line('1') + long.slice(0, 3000));
    const t = follow(file, 1000);
    t.poll();
    expect(t.ids).toEqual(['1']);
    fs.appendFileSync(file, long.slice(3000) + line('2'));
    t.poll();
    expect(t.ids).toEqual(['1', '2']);
    expect(t.skipped).toEqual([`a.jsonl:2: line of ${long.length - 1} bytes is longer than maxLineBytes (1000)`]);
    t.tail.close();
  });

  it('malformed and invalid lines are skipped with the reader\'s reasons and numbers', () => {
    const file = path.join(dir, 'a.jsonl');
    fs.writeFileSync(file, `${line('1')}{"nope"\n${line('2', { phase: -1 })}\n${line('3')}`);
    const t = follow(file);
    t.poll();
    expect(t.ids).toEqual(['1', '3']);
    expect(t.skipped).toHaveLength(2);
    expect(t.skipped[0]).toMatch(/^a\.jsonl:2: malformed JSON/);
    expect(t.skipped[1]).toMatch(/^a\.jsonl:3: invalid record: Expected `phase`/);
    t.tail.close();
  });

  it('a truncated file is read again from its start, with a notice', () => {
    const file = path.join(dir, 'a.jsonl');
    fs.writeFileSync(file, line('1') + line('2'));
    const t = follow(file);
    t.poll();
    fs.truncateSync(file, 0);
    fs.appendFileSync(file, line('3'));
    t.poll();
    expect(t.ids).toEqual(['1', '2', '3']);
    expect(t.notices).toHaveLength(1);
    expect(t.notices[0]).toMatch(/truncated .*reading it again from the start/);
    t.tail.close();
  });

  it('a file truncated and written past the read offset between two polls is noticed too', () => {
    const file = path.join(dir, 'a.jsonl');
    fs.writeFileSync(file, line('1'));
    const t = follow(file);
    t.poll();
    fs.writeFileSync(file, line('22') + line('3'));
    t.poll();
    expect(t.ids).toEqual(['1', '22', '3']);
    expect(t.notices).toHaveLength(1);
    t.tail.close();
  });

  it('a file truncated and written again to the same length between two polls is noticed', () => {
    const file = path.join(dir, 'a.jsonl');
    fs.writeFileSync(file, line('1') + line('2'));
    const t = follow(file);
    t.poll();
    fs.writeFileSync(file, line('3') + line('4'));
    t.poll();
    expect(t.ids).toEqual(['1', '2', '3', '4']);
    expect(t.notices).toHaveLength(1);
    t.tail.close();
  });

  it('the budget bounds a poll; the rest comes at the next', () => {
    const file = path.join(dir, 'a.jsonl');
    fs.writeFileSync(file, line('1') + line('2') + line('3'));
    const t = follow(file);
    expect(t.poll(line('1').length + 5)).toEqual({ bytes: line('1').length, atEnd: false });
    expect(t.ids).toEqual(['1']);
    expect(t.poll().atEnd).toBe(true);
    expect(t.ids).toEqual(['1', '2', '3']);
    t.tail.close();
  });
});
