/**
 * Integration: a writer SIGKILLed mid-write, again and again over the same log. Nothing acknowledged may
 * be lost or duplicated, and after the last reopen the log holds only complete lines.
 */
import { appendFileSync, closeSync, openSync, readFileSync, readSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readLog, type LogWarning } from '../../src/log/reader.js';
import { LogWriter } from '../../src/log/writer.js';
import { memoryLogger, tempDir } from '../helpers/records.js';
import { kill, runFixture } from './child.js';

const RUNS = 15;

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir('im-crash-')));
afterEach(() => cleanup());

describe('crash safety', () => {
  it(`loses and duplicates nothing acknowledged over ${RUNS} SIGKILLs of the writer`, async () => {
    const logPath = join(dir, 'invocations.jsonl');
    const acked = new Map<string, string[]>();
    for (let run = 0; run < RUNS; run++) {
      const child = runFixture('crash-writer.ts', [logPath, `r${run}`]);
      await child.waitForLine('ready');
      await sleep(50 + Math.random() * 350);
      await kill(child);
      // Only complete lines are acknowledgements: a kill can cut the last one.
      const out = child.stdout().split('\n').slice(0, -1);
      expect(out[0]).toBe('ready');
      acked.set(`r${run}`, out.slice(1));
      // A SIGKILL rarely lands inside the write syscall itself, so some runs also end on a torn line
      // for sure: the next run must cut it off before appending.
      if (run % 5 === 2) appendFileSync(logPath, `{"invocationId":"torn-r${run}","agent":"cr`);
    }
    const totalAcked = [...acked.values()].reduce((n, ids) => n + ids.length, 0);
    expect(totalAcked).toBeGreaterThan(RUNS * 100); // the runs did write

    // The last run's torn tail and stale lock are dealt with by the next open, as in real life.
    const logger = memoryLogger();
    await LogWriter.open(logPath, { logger }).close();
    expect(logger.lines.join('\n')).toMatch(/reclaimed stale lock/);

    // Streamed check (the log holds hundreds of thousands of lines): each run's ids must come as the
    // gapless sequence 0, 1, 2... (ordered writes, none repeated), and every line must be a valid record.
    const next = new Map<string, number>();
    const outOfSequence: string[] = [];
    const warnings: LogWarning[] = [];
    let count = 0;
    for await (const r of readLog(logPath, { onWarning: (w) => warnings.push(w) })) {
      const cut = r.invocationId.lastIndexOf('-');
      const run = r.invocationId.slice(0, cut);
      const want = next.get(run) ?? 0;
      if (r.invocationId.slice(cut + 1) !== String(want)) outOfSequence.push(r.invocationId);
      next.set(run, want + 1);
      count++;
    }
    expect(warnings).toEqual([]);
    expect(outOfSequence).toEqual([]);
    const { lines, endsWithNewline } = countLines(logPath);
    expect(endsWithNewline).toBe(true);
    expect(count).toBe(lines); // no blank or skipped line either

    for (const [run, ids] of acked) {
      expect(ids).toEqual(ids.map((_, i) => `${run}-${i}`));
      expect(next.get(run) ?? 0).toBeGreaterThanOrEqual(ids.length);
    }
    const torn = readFileSync(`${logPath}.torn`, 'utf8');
    expect(torn.endsWith('\n')).toBe(true);
    expect(torn.match(/torn-r\d+/g)).toEqual(['torn-r2', 'torn-r7', 'torn-r12']);
  });
});

function countLines(file: string): { lines: number; endsWithNewline: boolean } {
  const fd = openSync(file, 'r');
  const buf = Buffer.alloc(1 << 20);
  let lines = 0;
  let last = -1;
  try {
    for (let n = readSync(fd, buf); n > 0; n = readSync(fd, buf)) {
      for (let i = buf.indexOf(10); i !== -1 && i < n; i = buf.indexOf(10, i + 1)) lines++;
      last = buf[n - 1]!;
    }
  } finally {
    closeSync(fd);
  }
  return { lines, endsWithNewline: last === 10 };
}
