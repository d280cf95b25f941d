/**
 * maxPendingBytes: while the disk fails for long, the lines held in memory stay under the limit (past it
 * only sources are kept), nothing is refused or dropped, and everything is written once, in order, when
 * the disk comes back.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InvalidOptionError } from '../../src/errors.js';
import { LogWriter, type LogWriterOptions } from '../../src/log/writer.js';
import { memoryLogger, tempDir } from '../helpers/records.js';
import { fakeFs, isSettled, waitFor } from './fake-fs.js';

let dir: string;
let cleanup: () => void;
let logPath: string;
const writers: LogWriter<Rec>[] = [];

beforeEach(() => {
  ({ dir, cleanup } = tempDir('im-backpressure-'));
  logPath = join(dir, 'invocations.jsonl');
});
afterEach(async () => {
  for (const w of writers.splice(0)) await w.close().catch(() => undefined);
  cleanup();
});

interface Rec {
  id: number;
  pad: string;
}
const rec = (id: number): Rec => ({ id, pad: 'x'.repeat(80) });
const lineOf = (r: Rec): string => JSON.stringify(r);
const LINE = lineOf(rec(99_999)).length + 1;

function open(options: Partial<LogWriterOptions<Rec>>): LogWriter<Rec> {
  const w = LogWriter.open<Rec>(logPath, { logger: memoryLogger(), retryDelayMs: 1, maxRetryDelayMs: 4, encode: lineOf, ...options });
  writers.push(w);
  return w;
}

describe('maxPendingBytes', () => {
  it('bounds the lines held while the disk fails; every record is written once, in order, when it returns', async () => {
    const { state, fs } = fakeFs();
    const limit = 20 * LINE;
    let encoded = 0;
    let peak = 0;
    const w = open({ fs, maxPendingBytes: limit, encode: (r) => (encoded++, lineOf(r)) });
    state.beforeWrite = () => (peak = Math.max(peak, w.pendingBytes));
    state.writeFault = 'ENOSPC';
    const N = 20_000;
    const acked: number[] = [];
    const all: Promise<void>[] = [];
    for (let i = 0; i < N; i++) {
      const r = rec(i);
      const p = w.append(lineOf(r), r);
      all.push(p);
      void p.then(() => acked.push(i));
      peak = Math.max(peak, w.pendingBytes);
      if (i % 500 === 499) await new Promise((r) => setTimeout(r, 1)); // let retries run in between
    }
    expect(peak).toBeLessThanOrEqual(limit + LINE);
    expect(w.pendingCount).toBe(N);
    expect(encoded).toBe(0); // past the limit only the sources are kept: no line was made again yet
    expect(acked).toEqual([]);
    await expect(w.flush()).rejects.toMatchObject({ code: 'ERR_LOG_WRITE', pendingRecords: N });

    state.writeFault = undefined;
    await Promise.all(all);
    expect(peak).toBeLessThanOrEqual(limit + LINE); // also while draining, batch by batch
    // The lines appended while under the limit were kept; every other one was made when its turn came.
    let kept = 0;
    for (let held = 0; held < limit; kept++) held += lineOf(rec(kept)).length + 1;
    expect(encoded).toBe(N - kept);
    const disk = readFileSync(logPath, 'utf8').split('\n');
    expect(disk.pop()).toBe('');
    expect(disk).toEqual(Array.from({ length: N }, (_, i) => lineOf(rec(i))));
    expect(acked).toHaveLength(N);
  });

  it('never resolves a record before its line is on disk, batch after batch', async () => {
    const { state, fs } = fakeFs();
    const w = open({ fs, maxPendingBytes: 5 * LINE });
    state.writeFault = 'EIO';
    const early: number[] = [];
    const all = Array.from({ length: 300 }, (_, i) => {
      const r = rec(i);
      return w.append(lineOf(r), r).then(() => {
        if (!readFileSync(logPath, 'utf8').includes(`${lineOf(r)}\n`)) early.push(i);
      });
    });
    await waitFor(() => state.writes.length > 3, 'failing writes');
    state.writeFault = undefined;
    await Promise.all(all);
    expect(early).toEqual([]);
    expect(state.writes.length).toBeGreaterThan(300 / 6); // drained in bounded batches, not in one
  });

  it('keeps a line appended without a source (nothing to remake it from); appends are never refused', async () => {
    const { state, fs } = fakeFs();
    const w = open({ fs, maxPendingBytes: 1 });
    state.writeFault = 'EIO';
    const ps = [w.append('{"a":1}'), w.append('{"b":2}')];
    await waitFor(() => state.writes.length > 1, 'a failing write');
    expect(w.pendingCount).toBe(2);
    state.writeFault = undefined;
    await Promise.all(ps);
    expect(readFileSync(logPath, 'utf8')).toBe('{"a":1}\n{"b":2}\n');
  });

  it('logs and drops a source whose line cannot be made, without hanging its promise or the others', async () => {
    const { state, fs } = fakeFs();
    const logger = memoryLogger();
    const w = open({ fs, logger, maxPendingBytes: 1, encode: (r) => (r.id === 2 ? (null as unknown as Rec).pad : lineOf(r)) });
    state.writeFault = 'EIO';
    const ps = [0, 1, 2, 3].map((i) => w.append(lineOf(rec(i)), rec(i)));
    await waitFor(() => state.writes.length > 1, 'a failing write');
    state.writeFault = undefined;
    await Promise.all(ps);
    expect(readFileSync(logPath, 'utf8')).toBe([0, 1, 3].map((i) => `${lineOf(rec(i))}\n`).join(''));
    expect(logger.lines.some((l) => l.includes('could not be serialized and is dropped'))).toBe(true);
    expect(await isSettled(ps[2]!)).toBe(true);
  });

  it('appendSource: writes a source as bytes under the limit, keeps only the source past it, and makes its bytes when its turn comes', async () => {
    const { state, fs } = fakeFs();
    const calls = { bound: 0, write: 0 };
    const bytes = {
      bound: (r: Rec) => (calls.bound++, r.id % 10 === 9 ? -1 : 3 * LINE),
      write: (r: Rec, buf: Buffer, start: number) => (calls.write++, start + buf.write(lineOf(r), start, 'utf8')),
    };
    let encoded = 0;
    const limit = 10 * LINE;
    const w = open({ fs, maxPendingBytes: limit, bytes, encode: (r) => (encoded++, lineOf(r)) });
    state.writeFault = 'ENOSPC';
    const all: Promise<void>[] = [];
    let peak = 0;
    for (let i = 0; i < 100; i++) {
      const r = rec(i);
      const p = w.appendSource(r) ?? w.append(lineOf(r), r); // declined (id % 10 === 9): the string path
      all.push(p);
      peak = Math.max(peak, w.pendingBytes);
    }
    // Under the limit, lines are held: as bytes written at once, or (declined) as the string path's line.
    let held = 0;
    let kept = 0;
    let keptBytes = 0;
    for (; held < limit; kept++) {
      held += lineOf(rec(kept)).length + 1;
      if (kept % 10 !== 9) keptBytes++;
    }
    expect(calls.bound).toBe(100);
    expect(calls.write).toBe(keptBytes);
    expect(encoded).toBe(0);
    expect(w.pendingCount).toBe(100);
    expect(peak).toBeLessThanOrEqual(limit + LINE);
    state.writeFault = undefined;
    await Promise.all(all);
    const waiting = Array.from({ length: 100 - kept }, (_, i) => i + kept);
    // Every waiting source is made once when its turn comes: as bytes when the encoder takes it, else by encode.
    expect(calls.write).toBe(keptBytes + waiting.filter((i) => i % 10 !== 9).length);
    expect(encoded).toBe(waiting.filter((i) => i % 10 === 9).length);
    expect(readFileSync(logPath, 'utf8')).toBe(Array.from({ length: 100 }, (_, i) => `${lineOf(rec(i))}\n`).join(''));
  });

  it('appendSource declines without a bytes encoder, and rejects once closed', async () => {
    const w = open({});
    expect(w.appendSource(rec(1))).toBeUndefined();
    const withBytes = LogWriter.open<Rec>(`${logPath}.2`, { logger: memoryLogger(), bytes: { bound: () => 200, write: (r, buf, start) => start + buf.write(lineOf(r), start) } });
    await withBytes.appendSource(rec(2));
    await withBytes.close();
    await expect(withBytes.appendSource(rec(3))).rejects.toThrow(/closed/);
    expect(readFileSync(`${logPath}.2`, 'utf8')).toBe(`${lineOf(rec(2))}\n`);
    expect(() => LogWriter.open(`${logPath}.3`, { logger: memoryLogger(), bytes: {} as never })).toThrowError(/`bytes`/);
  });

  it('rejects a bad limit', () => {
    for (const maxPendingBytes of [0, -1, Number.NaN, '1' as never])
      expect(() => LogWriter.open(logPath, { logger: memoryLogger(), maxPendingBytes })).toThrowError(InvalidOptionError);
    expect(() => LogWriter.open(logPath, { logger: memoryLogger(), rotationCheckMs: -1 })).toThrowError(/rotationCheckMs/);
  });
});
