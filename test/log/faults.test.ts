/**
 * I/O faults through the injectable fs layer: write errors (EIO, EAGAIN, EBADF), fsync failures, and a log
 * moved or deleted under the writer (rotation).
 */
import { closeSync, existsSync, readFileSync, renameSync, truncateSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LogLockedError, LogWriteError } from '../../src/errors.js';
import { LogWriter, type LogWriterOptions } from '../../src/log/writer.js';
import { memoryLogger, tempDir } from '../helpers/records.js';
import { fakeFs, isSettled, waitFor } from './fake-fs.js';

let dir: string;
let cleanup: () => void;
let logPath: string;
const writers: LogWriter[] = [];

beforeEach(() => {
  ({ dir, cleanup } = tempDir('im-faults-'));
  logPath = join(dir, 'invocations.jsonl');
});
afterEach(async () => {
  for (const w of writers.splice(0)) await w.close().catch(() => undefined);
  cleanup();
});

function open(options: Partial<LogWriterOptions> = {}, logger = memoryLogger(), file = logPath): LogWriter {
  const w = LogWriter.open(file, { logger, retryDelayMs: 2, maxRetryDelayMs: 20, ...options });
  writers.push(w);
  return w;
}

const lines = (from: number, to: number): string[] => Array.from({ length: to - from }, (_, i) => JSON.stringify({ id: `l${from + i}`, pad: 'é🚀' }));
const text = (file = logPath): string => readFileSync(file, 'utf8');
const expected = (ls: string[]): string => ls.map((l) => `${l}\n`).join('');

describe('write faults', () => {
  it.each(['EIO', 'EAGAIN', 'ENOSPC'])('%s: lines wait, flush rejects with the cause, retries back off, then all is written once', async (code) => {
    const { state, fs } = fakeFs();
    const at: number[] = [];
    state.beforeWrite = () => at.push(performance.now());
    const logger = memoryLogger();
    const w = open({ fs, retryDelayMs: 4, maxRetryDelayMs: 32 }, logger);
    await w.append('{"before":1}');
    state.writeFault = code;
    const ls = lines(0, 30);
    const written = Promise.all(ls.map((l) => w.append(l)));
    await waitFor(() => state.writes.length >= 8, 'eight failed write attempts');
    const error = await w.flush().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LogWriteError);
    expect(error).toMatchObject({ code: 'ERR_LOG_WRITE', path: logPath, pendingRecords: 30, cause: { code } });
    expect((error as Error).message).toContain(`${logPath}`);
    expect((error as Error).message).toContain('30 record(s) wait in memory');
    expect(await isSettled(written)).toBe(false);
    // Backoff: each gap is at least the scheduled delay (4, 8, 16, 32, 32... ms). Lower bounds only.
    const gaps = at.slice(2).map((t, i) => t - at[i + 1]!);
    gaps.slice(0, 6).forEach((gap, i) => expect(gap).toBeGreaterThanOrEqual(Math.min(4 * 2 ** i, 32) - 1));
    expect(logger.lines.filter((l) => l.includes('cannot write'))).toHaveLength(1);
    state.writeFault = undefined;
    await written;
    await w.flush();
    expect(text()).toBe(expected(['{"before":1}', ...ls]));
  });

  it('EBADF: the descriptor is gone, so the writer opens the path again (never closing the bad number) and goes on', async () => {
    const { state, fs } = fakeFs();
    const logger = memoryLogger();
    const w = open({ fs }, logger);
    await w.append('{"a":1}');
    const firstFd = state.writeFds[0]!;
    state.writeFaults.push('EBADF', 'EBADF');
    await Promise.all(lines(0, 10).map((l) => w.append(l)));
    expect(text()).toBe(expected(['{"a":1}', ...lines(0, 10)]));
    const lastFd = state.writeFds.at(-1)!;
    expect(lastFd).not.toBe(firstFd);
    expect(state.closes).not.toContain(firstFd);
    expect(logger.lines.some((l) => l.includes('reopened the log'))).toBe(true);
    closeSync(firstFd); // the fake's EBADF was a lie: the old descriptor is still open in this process
  });

  it('EBADF in the middle of a batch continues it in the same file, without cutting its first part as a torn tail', async () => {
    const { state, fs } = fakeFs();
    state.maxBytes = 50;
    const w = open({ fs });
    state.writeFaults.push('', '', '', 'EBADF'); // the fourth write call of the batch fails
    const ls = lines(0, 20);
    await Promise.all(ls.map((l) => w.append(l)));
    expect(text()).toBe(expected(ls));
    expect(existsSync(`${logPath}.torn`)).toBe(false);
    closeSync(state.writeFds[0]!);
  });
});

describe('fsync', () => {
  it('is called once per batch, however many write calls the batch takes', async () => {
    const { state, fs } = fakeFs();
    const w = open({ fs, fsync: true });
    for (let b = 0; b < 7; b++) await Promise.all(lines(b * 10, b * 10 + 10).map((l) => w.append(l)));
    expect(state.fsyncs).toBe(7);
    state.maxBytes = 13; // short writes: many writes, still one fsync
    await Promise.all(lines(70, 80).map((l) => w.append(l)));
    expect(state.writes.length).toBeGreaterThan(20);
    expect(state.fsyncs).toBe(8);
    expect(text()).toBe(expected(lines(0, 80)));
  });

  it('resolves a line only after its fsync succeeded', async () => {
    const { state, fs } = fakeFs();
    let release!: () => void;
    state.fsyncGate = new Promise((r) => (release = r));
    const w = open({ fs, fsync: true });
    const p = w.append('{"a":1}');
    await waitFor(() => state.fsyncs === 1, 'the fsync call');
    expect(text()).toBe('{"a":1}\n'); // written...
    expect(await isSettled(p)).toBe(false); // ...but not acknowledged before the fsync returns
    expect(w.pendingCount).toBe(1);
    state.fsyncGate = undefined;
    release();
    await p;
    expect(w.pendingCount).toBe(0);
  });

  it('a failed fsync keeps the lines pending, makes flush reject, and cuts and rewrites only the failed batch', async () => {
    const { state, fs } = fakeFs();
    const logger = memoryLogger();
    const w = open({ fs, fsync: true }, logger);
    await Promise.all(lines(0, 5).map((l) => w.append(l))); // fsynced: durable, never touched again
    const durable = Buffer.byteLength(expected(lines(0, 5)));
    state.fsyncFault = 'EIO';
    const failing = Promise.all(lines(5, 9).map((l) => w.append(l)));
    await waitFor(() => state.fsyncs >= 3, 'retried fsyncs');
    expect(await isSettled(failing)).toBe(false);
    await expect(w.flush()).rejects.toMatchObject({ code: 'ERR_LOG_WRITE', pendingRecords: 4, cause: { code: 'EIO' } });
    // Every retry cut the file back to where the batch began, then wrote the batch again.
    expect(new Set(state.ftruncates)).toEqual(new Set([durable]));
    state.fsyncFault = undefined;
    await failing;
    expect(state.ftruncates).toHaveLength(state.fsyncs - 2); // one cut per failed fsync
    expect(state.writes).toHaveLength(2 + state.ftruncates.length); // the two first writes, one rewrite per cut
    expect(text()).toBe(expected(lines(0, 9)));
    expect(logger.lines.find((l) => l.includes('cannot write'))).toMatch(/fsync: EIO.*cut and written again/);
    expect(logger.lines.some((l) => l.includes('writable again'))).toBe(true);
  });

  it('retries a failed ftruncate of the recovery, then completes the batch once', async () => {
    const { state, fs } = fakeFs();
    const w = open({ fs, fsync: true });
    state.fsyncFaults.push('EIO');
    state.ftruncateFaults.push('EIO', 'EIO');
    await Promise.all(lines(0, 6).map((l) => w.append(l)));
    expect(state.ftruncates).toEqual([0, 0, 0]);
    expect(text()).toBe(expected(lines(0, 6)));
  });
});

describe('rotation: the log moved or deleted under the writer', () => {
  it('renamed away: the next batch goes to a fresh file at the path; the lines before stay in the renamed one', async () => {
    const logger = memoryLogger();
    const w = open({ rotationCheckMs: 0 }, logger);
    await Promise.all(lines(0, 3).map((l) => w.append(l)));
    renameSync(logPath, `${logPath}.1`);
    await Promise.all(lines(3, 6).map((l) => w.append(l)));
    expect(text(`${logPath}.1`)).toBe(expected(lines(0, 3)));
    expect(text()).toBe(expected(lines(3, 6)));
    expect(logger.lines.some((l) => /was replaced|moved or deleted/.test(l))).toBe(true);
    expect(existsSync(`${logPath}.lock`)).toBe(true);
    await w.close();
    expect(existsSync(`${logPath}.lock`)).toBe(false);
  });

  it('deleted: the writer notices, opens a fresh file and takes the lock again if it went too', async () => {
    const w = open({ rotationCheckMs: 0 });
    await w.append('{"a":1}');
    unlinkSync(logPath);
    unlinkSync(`${logPath}.lock`);
    await w.append('{"b":2}');
    expect(text()).toBe('{"b":2}\n');
    expect(JSON.parse(readFileSync(`${logPath}.lock`, 'utf8'))).toMatchObject({ pid: process.pid });
    expect(() => LogWriter.open(logPath, { logger: memoryLogger() })).toThrowError(LogLockedError);
    await w.close();
    expect(existsSync(`${logPath}.lock`)).toBe(false);
  });

  it('when another writer took the path meanwhile, lines wait (flush rejects with the lock error) until it is gone', async () => {
    const w = open({ rotationCheckMs: 0 });
    await w.append('{"a":1}');
    unlinkSync(logPath);
    unlinkSync(`${logPath}.lock`);
    const other = LogWriter.open(logPath, { logger: memoryLogger() });
    await other.append('{"other":1}');
    const p = w.append('{"b":2}');
    const error = await w.flush().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LogWriteError);
    expect((error as LogWriteError).cause).toBeInstanceOf(LogLockedError);
    expect(await isSettled(p)).toBe(false);
    await other.close();
    await p;
    expect(text()).toBe('{"other":1}\n{"b":2}\n');
  });

  it('truncated by another program (copytruncate): warns, and a failed fsync then cuts only the new batch', async () => {
    const { state, fs } = fakeFs();
    const logger = memoryLogger();
    const w = open({ fs, fsync: true, rotationCheckMs: 0 }, logger);
    await Promise.all(lines(0, 10).map((l) => w.append(l)));
    truncateSync(logPath, 0);
    state.fsyncFaults.push('EIO');
    await Promise.all(lines(10, 12).map((l) => w.append(l)));
    expect(text()).toBe(expected(lines(10, 12))); // not extended with zeros, nothing twice
    expect(state.ftruncates).toEqual([0]);
    expect(logger.lines.some((l) => l.includes('truncated by another program'))).toBe(true);
  });

  it('checks at most once per batch, and not more often than rotationCheckMs', async () => {
    const every = fakeFs();
    const w = open({ fs: every.fs, rotationCheckMs: 0 });
    for (let b = 0; b < 5; b++) await Promise.all(lines(b * 4, b * 4 + 4).map((l) => w.append(l)));
    expect(every.state.stats).toBe(5);
    await w.close();

    const rarely = fakeFs();
    const w2 = open({ fs: rarely.fs, rotationCheckMs: 3_600_000 });
    for (let b = 0; b < 5; b++) await Promise.all(lines(b * 4, b * 4 + 4).map((l) => w2.append(l)));
    expect(rarely.state.stats).toBe(0);
    renameSync(logPath, `${logPath}.1`);
    await w2.append('{"late":1}'); // within the hour: not checked, the line follows the renamed file
    expect(text(`${logPath}.1`).endsWith('{"late":1}\n')).toBe(true);
  });

  it('never switches files in the middle of a batch', async () => {
    const { state, fs } = fakeFs();
    state.maxBytes = 40;
    let renamed = false;
    state.beforeWrite = () => {
      if (state.writes.length === 3 && !renamed) {
        renamed = true;
        renameSync(logPath, `${logPath}.1`);
      }
    };
    const w = open({ fs, rotationCheckMs: 0 });
    const ls = lines(0, 8);
    await Promise.all(ls.map((l) => w.append(l)));
    expect(text(`${logPath}.1`)).toBe(expected(ls));
    await w.append('{"next":1}');
    expect(text()).toBe('{"next":1}\n');
  });
});
