import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CollectorClosedError, InvalidOptionError, LogLockedError, LogWriteError } from '../../src/errors.js';
import { nodeLogFs, type LogFs } from '../../src/log/fs.js';
import { LogWriter, type LogWriterOptions } from '../../src/log/writer.js';
import { memoryLogger, tempDir } from '../helpers/records.js';

let dir: string;
let cleanup: () => void;
let logPath: string;
const writers: LogWriter[] = [];

beforeEach(() => {
  ({ dir, cleanup } = tempDir('im-writer-'));
  logPath = join(dir, 'invocations.jsonl');
});
afterEach(async () => {
  for (const w of writers.splice(0)) await w.close().catch(() => undefined);
  cleanup();
});

/** A fake fs over the real one, as sonic-boom's tests do: counts calls, injects faults and short writes. */
function fakeFs() {
  const state = {
    writes: [] as number[], // requested lengths
    fsyncs: 0,
    /** Errno code to fail writes with, while set. */
    fault: undefined as string | undefined,
    /** Most bytes one write call really writes. */
    maxBytes: Infinity,
    /** While set, write callbacks wait for it. */
    gate: undefined as Promise<void> | undefined,
  };
  const fs: Partial<LogFs> = {
    write(fd, buffer, offset, length, position, callback) {
      state.writes.push(length);
      const go = (): void => {
        if (state.fault !== undefined) {
          const err = Object.assign(new Error(`${state.fault}: injected`), { code: state.fault });
          callback(err, 0);
        } else nodeLogFs.write(fd, buffer, offset, Math.min(length, state.maxBytes), position, callback);
      };
      if (state.gate !== undefined) void state.gate.then(go);
      else setImmediate(go);
    },
    fsync(fd, callback) {
      state.fsyncs++;
      nodeLogFs.fsync(fd, callback);
    },
  };
  return { state, fs };
}

function open(options: Partial<LogWriterOptions> = {}, logger = memoryLogger()): LogWriter {
  const w = LogWriter.open(logPath, { logger, ...options });
  writers.push(w);
  return w;
}

const lines = (from: number, to: number, prefix = 'l'): string[] =>
  Array.from({ length: to - from }, (_, i) => JSON.stringify({ id: `${prefix}${from + i}`, pad: 'é🚀' }));
const fileText = (): string => readFileSync(logPath, 'utf8');
const expected = (ls: string[]): string => ls.map((l) => `${l}\n`).join('');
const isSettled = (p: Promise<unknown>): Promise<boolean> => Promise.race([p.then(() => true), sleep(0).then(() => false)]);

describe('LogWriter', () => {
  it('writes the lines of one tick in one write call, in append order', async () => {
    const { state, fs } = fakeFs();
    const w = open({ fs });
    const ls = lines(0, 1000);
    const promises = ls.map((l) => w.append(l));
    expect(w.pendingCount).toBe(1000);
    await Promise.all(promises);
    expect(state.writes).toHaveLength(1);
    expect(fileText()).toBe(expected(ls));
    expect(w.pendingCount).toBe(0);
  });

  it('gathers the lines appended while a write is in flight into the next single write', async () => {
    const { state, fs } = fakeFs();
    let open1!: () => void;
    state.gate = new Promise((r) => (open1 = r));
    const w = open({ fs });
    const first = lines(0, 10).map((l) => w.append(l));
    await sleep(5);
    expect(state.writes).toHaveLength(1); // the first batch is in flight, stuck at the gate
    const second = lines(10, 20).map((l) => w.append(l));
    await sleep(5);
    const third = lines(20, 30).map((l) => w.append(l));
    expect(w.pendingCount).toBe(30);
    state.gate = undefined;
    open1();
    await Promise.all([...first, ...second, ...third]);
    expect(state.writes).toHaveLength(2);
    expect(fileText()).toBe(expected(lines(0, 30)));
  });

  it('keeps order across many ticks', async () => {
    const w = open();
    const all: Promise<void>[] = [];
    for (let t = 0; t < 50; t++) {
      for (const l of lines(t * 37, (t + 1) * 37)) all.push(w.append(l));
      if (t % 3 === 0) await sleep(0);
      else await new Promise((r) => setImmediate(r));
    }
    await Promise.all(all);
    expect(fileText()).toBe(expected(lines(0, 50 * 37)));
  });

  it('writes the next batch from the start of the same chunk once nothing is queued, and the file stays exact', async () => {
    const starts: [ArrayBufferLike, number][] = [];
    const w = open({
      fs: {
        write(fd, buffer, offset, length, position, callback) {
          starts.push([buffer.buffer, buffer.byteOffset + offset]);
          nodeLogFs.write(fd, buffer, offset, length, position, callback);
        },
      },
    });
    await Promise.all(lines(0, 10).map((l) => w.append(l)));
    await Promise.all(lines(10, 25, 'm').map((l) => w.append(l)));
    await w.append('{"last":true}');
    expect(starts).toHaveLength(3);
    expect(starts.map(([buffer]) => buffer === starts[0]![0])).toEqual([true, true, true]);
    expect(starts.map(([, at]) => at)).toEqual([starts[0]![1], starts[0]![1], starts[0]![1]]);
    expect(fileText()).toBe(expected([...lines(0, 10), ...lines(10, 25, 'm'), '{"last":true}']));
  });

  it('keeps a burst past 2 MiB as rows, made into lines a chunk at a time when their turn comes, and the file stays exact', async () => {
    const { state, fs } = fakeFs();
    const store: { id: string }[] = [];
    const rows: number[] = [];
    const line = (s: { id: string }): string => JSON.stringify({ id: s.id, pad: 'p'.repeat(300) });
    const w = LogWriter.open<{ id: string }>(logPath, {
      logger: memoryLogger(),
      fs,
      bytes: { bound: (s) => 3 * line(s).length, write: (s, buf, start) => start + buf.write(line(s), start, 'utf8') },
      row: (index) => (rows.push(index), store[index]!),
    });
    writers.push(w as LogWriter);
    const all: Promise<void>[] = [];
    for (let i = 0; i < 20_000; i++) {
      store.push({ id: `r${i}` });
      all.push(w.appendSource(store[i]!, i)!);
    }
    const total = store.reduce((n, s) => n + line(s).length + 1, 0);
    expect(total).toBeGreaterThan(6 * 1024 * 1024);
    // Lines are made up to 2 MiB (of warm chunks); the rest waits as rows, holding no line.
    expect(w.pendingBytes).toBeLessThan(2 * 1024 * 1024 + 400);
    expect(w.pendingCount).toBe(20_000);
    expect(rows).toEqual([]);
    await Promise.all(all);
    expect(rows[0]).toBeGreaterThan(6000);
    expect(rows).toEqual(Array.from({ length: 20_000 - rows[0]! }, (_, i) => rows[0]! + i));
    expect(state.writes.length).toBeGreaterThan(4); // about a MiB of rows a batch
    expect(fileText()).toBe(expected(store.map(line)));
  });

  it('resolves an append only once its batch is on disk', async () => {
    const w = open();
    const p = w.append('{"a":1}');
    expect(existsSync(logPath) ? fileText() : '').toBe('');
    await p;
    expect(fileText()).toBe('{"a":1}\n');
  });

  it('fsyncs each batch when fsync is on, and never otherwise', async () => {
    const on = fakeFs();
    const w = open({ fs: on.fs, fsync: true });
    await Promise.all(lines(0, 10).map((l) => w.append(l)));
    await Promise.all(lines(10, 20).map((l) => w.append(l)));
    expect(on.state.writes).toHaveLength(2);
    expect(on.state.fsyncs).toBe(2);
    await w.close();

    const off = fakeFs();
    const w2 = open({ fs: off.fs });
    await Promise.all(lines(20, 30).map((l) => w2.append(l)));
    await w2.flush();
    expect(off.state.fsyncs).toBe(0);
  });

  it('writes a batch spread over several chunks part after part, across short writes, exactly once', async () => {
    const { state, fs } = fakeFs();
    state.maxBytes = 300_000; // short writes that end inside a part and cross part boundaries
    const w = open({ fs });
    // About 3.5 MB in one tick: the queue encodes it into several 1 MiB chunks, written without a copy.
    const ls = Array.from({ length: 35 }, (_, i) => JSON.stringify({ i, pad: `é${'x'.repeat(100_000)}` }));
    await Promise.all(ls.map((l) => w.append(l)));
    const total = Buffer.byteLength(expected(ls));
    expect(state.writes.length).toBeGreaterThan(12);
    expect(state.writes.every((len) => len <= 1024 * 1024)).toBe(true);
    expect(fileText()).toBe(expected(ls));
    expect(w.pendingBytes).toBe(0);
    expect(readFileSync(logPath).length).toBe(total);
  });

  it('after a failed fsync of a batch of several parts, cuts it and writes every part again once', async () => {
    const { state, fs } = fakeFs();
    let failures = 0;
    const truncated: number[] = [];
    fs.fsync = (fd, callback) => {
      state.fsyncs++;
      if (failures-- > 0) setImmediate(() => callback(Object.assign(new Error('EIO: injected'), { code: 'EIO' })));
      else nodeLogFs.fsync(fd, callback);
    };
    fs.ftruncate = (fd, length, callback) => {
      truncated.push(length);
      nodeLogFs.ftruncate(fd, length, callback);
    };
    const w = open({ fs, fsync: true, retryDelayMs: 1 });
    await w.append('{"first":true}');
    failures = 1;
    const ls = Array.from({ length: 25 }, (_, i) => JSON.stringify({ i, pad: 'y'.repeat(100_000) }));
    await Promise.all(ls.map((l) => w.append(l)));
    expect(truncated).toEqual([Buffer.byteLength('{"first":true}\n')]);
    expect(fileText()).toBe(expected(['{"first":true}', ...ls]));
  });

  it('continues short writes where they stopped: the file is exact', async () => {
    const { state, fs } = fakeFs();
    state.maxBytes = 7;
    const w = open({ fs });
    const ls = lines(0, 40);
    await Promise.all(ls.map((l) => w.append(l)));
    expect(state.writes.length).toBeGreaterThan(100);
    // Each call asks for exactly what is left: nothing is written twice.
    expect(state.writes.every((len, i) => i === 0 || len === state.writes[i - 1]! - 7)).toBe(true);
    expect(fileText()).toBe(expected(ls));
  });

  it.each(['EIO', 'ENOSPC'])('survives %s: appends stay pending, flush rejects, one warning, then all is written once', async (code) => {
    const { state, fs } = fakeFs();
    const logger = memoryLogger();
    const w = open({ fs, retryDelayMs: 2, maxRetryDelayMs: 10 }, logger);
    await w.append('{"before":true}');
    state.fault = code;
    const ls = lines(0, 50);
    const appended = Promise.all(ls.map((l) => w.append(l)));
    const waiting = w.flush(); // waits, then sees the first failure
    await expect(waiting).rejects.toMatchObject({ code: 'ERR_LOG_WRITE', pendingRecords: 50, path: logPath });
    await sleep(80);
    expect(await isSettled(appended)).toBe(false);
    expect(w.pendingCount).toBe(50);
    expect(state.writes.length).toBeGreaterThan(4); // retried...
    expect(logger.lines.filter((l) => l.includes('cannot write'))).toHaveLength(1); // ...with one warning
    expect(logger.lines[0]).toContain(code);

    const error = await w.flush().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LogWriteError);
    expect(error).toMatchObject({ pendingRecords: 50, cause: { code } });
    // More lines may come while failing; they wait too.
    const late = w.append('{"late":true}');

    state.fault = undefined;
    await appended;
    await late;
    await w.flush();
    expect(fileText()).toBe(expected(['{"before":true}', ...ls, '{"late":true}']));
    expect(logger.lines.some((l) => l.includes('writable again'))).toBe(true);
  });

  it('writes a batch cut by ENOSPC after a short write exactly once', async () => {
    const { state, fs } = fakeFs();
    const inner = fs.write!;
    let calls = 0;
    fs.write = (fd, buffer, offset, length, position, callback) => {
      calls++;
      state.maxBytes = calls === 1 ? 100 : Infinity;
      state.fault = calls >= 2 && calls <= 4 ? 'ENOSPC' : undefined;
      inner(fd, buffer, offset, length, position, callback);
    };
    const w = open({ fs, retryDelayMs: 1 });
    const ls = lines(0, 20);
    await Promise.all(ls.map((l) => w.append(l)));
    expect(calls).toBe(5);
    expect(fileText()).toBe(expected(ls));
  });

  it('after a failed fsync, cuts the batch and writes it again (never a bare fsync retry): the file holds it once', async () => {
    const { state, fs } = fakeFs();
    let failures = 2;
    fs.fsync = (fd, callback) => {
      state.fsyncs++;
      if (failures-- > 0) setImmediate(() => callback(Object.assign(new Error('EIO: injected'), { code: 'EIO' })));
      else nodeLogFs.fsync(fd, callback);
    };
    const w = open({ fs, fsync: true, retryDelayMs: 1 });
    await Promise.all(lines(0, 5).map((l) => w.append(l)));
    expect(state.writes).toHaveLength(3); // the first write, and one rewrite after each failed fsync
    expect(state.fsyncs).toBe(3);
    expect(fileText()).toBe(expected(lines(0, 5)));
  });

  it('treats a throwing fs.write as a failed write', async () => {
    let throws = 1;
    const w = open({
      retryDelayMs: 1,
      fs: {
        write(...args) {
          if (throws-- > 0) throw new Error('EBADF: injected');
          nodeLogFs.write(...args);
        },
      },
    });
    await w.append('{"x":1}');
    expect(fileText()).toBe('{"x":1}\n');
  });

  it('close flushes, releases the lock, is idempotent; append after close rejects', async () => {
    const w = open();
    void w.append('{"a":1}');
    await w.close();
    await w.close();
    expect(fileText()).toBe('{"a":1}\n');
    expect(existsSync(`${logPath}.lock`)).toBe(false);
    await expect(w.append('{"b":2}')).rejects.toBeInstanceOf(CollectorClosedError);
    await expect(w.append('{"b":2}')).rejects.toMatchObject({ code: 'ERR_COLLECTOR_CLOSED' });
    const again = open();
    await again.append('{"c":3}');
    expect(fileText()).toBe('{"a":1}\n{"c":3}\n');
  });

  it('close rejects while writes fail, keeps the lock and retries; a later close succeeds', async () => {
    const { state, fs } = fakeFs();
    const w = open({ fs, retryDelayMs: 2, maxRetryDelayMs: 5 });
    state.fault = 'EIO';
    const p = w.append('{"a":1}');
    await expect(w.close()).rejects.toMatchObject({ code: 'ERR_LOG_WRITE', pendingRecords: 1 });
    expect(existsSync(`${logPath}.lock`)).toBe(true);
    expect(() => LogWriter.open(logPath, { logger: memoryLogger() })).toThrowError(LogLockedError);
    state.fault = undefined;
    await p;
    await w.close();
    expect(existsSync(`${logPath}.lock`)).toBe(false);
    expect(fileText()).toBe('{"a":1}\n');
  });

  it('open creates the directory, refuses a second writer and repairs a torn tail', () => {
    const nested = join(dir, 'a', 'b', 'log.jsonl');
    writers.push(LogWriter.open(nested, { logger: memoryLogger() }));
    expect(() => LogWriter.open(nested, { logger: memoryLogger() })).toThrowError(LogLockedError);

    mkdirSync(dir, { recursive: true });
    writeFileSync(logPath, '{"ok":1}\n{"torn');
    open();
    expect(fileText()).toBe('{"ok":1}\n');
    expect(readFileSync(`${logPath}.torn`, 'utf8')).toBe('{"torn\n');
  });

  it('releases the lock when opening fails after locking', () => {
    mkdirSync(logPath); // a directory where the log should be: refused after the lock is taken
    expect(() => LogWriter.open(logPath, { logger: memoryLogger() })).toThrowError(
      expect.objectContaining({ code: 'ERR_LOG_UNSAFE_FILE', reason: 'a directory' }) as Error,
    );
    expect(existsSync(`${logPath}.lock`)).toBe(false);
  });

  it('rejects bad options with what was expected', () => {
    expect(() => LogWriter.open(logPath, { logger: memoryLogger(), retryDelayMs: -1 })).toThrowError(InvalidOptionError);
    expect(() => LogWriter.open(logPath, { logger: memoryLogger(), retryDelayMs: 100, maxRetryDelayMs: 10 })).toThrowError(
      /maxRetryDelayMs/,
    );
    expect(() => LogWriter.open(logPath, { logger: undefined as never })).toThrowError(/logger/);
    expect(existsSync(`${logPath}.lock`)).toBe(false);
  });
});
