import { existsSync, readFileSync, readdirSync, symlinkSync, utimesSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { Worker } from 'node:worker_threads';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LogLockedError, UnsafeLogFileError } from '../../src/errors.js';
import { acquireLock, type LockHandle } from '../../src/log/lock.js';
import { memoryLogger, tempDir } from '../helpers/records.js';
import { kill, runFixture, type Child } from './child.js';

let dir: string;
let cleanup: () => void;
let logPath: string;
const held: LockHandle[] = [];
const children: Child[] = [];

beforeEach(() => {
  ({ dir, cleanup } = tempDir('im-lock-'));
  logPath = join(dir, 'invocations.jsonl');
});
afterEach(async () => {
  for (const c of children.splice(0)) await kill(c);
  for (const h of held.splice(0)) h.release();
  cleanup();
});

function acquire(logger = memoryLogger()): LockHandle {
  const h = acquireLock(logPath, logger);
  held.push(h);
  return h;
}

async function deadPid(): Promise<number> {
  const child = spawn(process.execPath, ['-e', '']);
  await once(child, 'exit');
  return child.pid!;
}

function writeLock(content: string, ageMs = 0): void {
  writeFileSync(`${logPath}.lock`, content);
  const t = (Date.now() - ageMs) / 1000;
  utimesSync(`${logPath}.lock`, t, t);
}

describe('acquireLock', () => {
  it('writes {pid, host, createdAt} and leaves no temporary file', () => {
    acquire();
    const owner = JSON.parse(readFileSync(`${logPath}.lock`, 'utf8')) as Record<string, unknown>;
    expect(owner).toMatchObject({ pid: process.pid, host: hostname() });
    expect(Number.isNaN(Date.parse(owner.createdAt as string))).toBe(false);
    expect(readdirSync(dir)).toEqual(['invocations.jsonl.lock']);
  });

  it('refuses a second acquisition in the same process, naming the pid', () => {
    acquire();
    let error: unknown;
    try {
      acquire();
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(LogLockedError);
    expect(error).toMatchObject({ code: 'ERR_LOG_LOCKED', ownerPid: process.pid, ownerHost: hostname(), lockPath: `${logPath}.lock` });
    expect((error as Error).message).toContain(`pid ${process.pid}`);
  });

  it('release removes the lock, is idempotent, and allows a new acquisition', () => {
    const h = acquire();
    h.release();
    h.release();
    expect(existsSync(`${logPath}.lock`)).toBe(false);
    acquire();
    expect(existsSync(`${logPath}.lock`)).toBe(true);
  });

  it('release leaves alone a lock that is no longer ours', () => {
    const h = acquire();
    writeLock(JSON.stringify({ pid: 1, host: 'elsewhere', createdAt: new Date().toISOString() }));
    h.release();
    expect(existsSync(`${logPath}.lock`)).toBe(true);
  });

  it('reclaims the lock of a dead process on this host, with an info message', async () => {
    const pid = await deadPid();
    writeLock(JSON.stringify({ pid, host: hostname(), createdAt: new Date().toISOString() }));
    const logger = memoryLogger();
    acquire(logger);
    expect(JSON.parse(readFileSync(`${logPath}.lock`, 'utf8'))).toMatchObject({ pid: process.pid });
    expect(logger.lines.join('\n')).toContain(`reclaimed stale lock of pid ${pid}`);
    expect(readdirSync(dir)).toEqual(['invocations.jsonl.lock']);
  });

  it('refuses a lock of another host, telling to remove it by hand if that host is gone', () => {
    writeLock(JSON.stringify({ pid: 12345, host: 'build-7', createdAt: new Date().toISOString() }));
    expect(() => acquire()).toThrowError(/remove the lock file by hand/);
    expect(() => acquire()).toThrowError(expect.objectContaining({ ownerHost: 'build-7', ownerPid: 12345 }) as Error);
  });

  it('refuses a recent unreadable lock but reclaims an old one', () => {
    writeLock('{"pid": 12');
    expect(() => acquire()).toThrowError(LogLockedError);
    writeLock('{"pid": 12', 60_000);
    acquire();
    expect(JSON.parse(readFileSync(`${logPath}.lock`, 'utf8'))).toMatchObject({ pid: process.pid });
  });

  it('does not treat pid 0 or a negative pid as a live process group', () => {
    writeLock(JSON.stringify({ pid: 0, host: hostname(), createdAt: '' }), 60_000);
    expect(() => acquire()).not.toThrow();
    writeLock(JSON.stringify({ pid: -1, host: hostname(), createdAt: '' }));
    expect(() => acquireLock(logPath, memoryLogger())).toThrowError(/unreadable and recent/);
  });
});

describe('a lock held by another thread of this process', () => {
  it('is refused, not mistaken for a lock left by an earlier process with this pid', async () => {
    const lockModule = new URL('../../src/log/lock.ts', import.meta.url).href;
    // The worker loads the TypeScript source through tsx's loader, registered in that thread.
    const tsxApi = pathToFileURL(createRequire(import.meta.url).resolve('tsx/esm/api')).href;
    const code = `
      const { parentPort, workerData } = require('node:worker_threads');
      import(${JSON.stringify(tsxApi)}).then(({ register }) => { register(); return import(${JSON.stringify(lockModule)}); }).then(({ acquireLock }) => {
        const lock = acquireLock(workerData, { warn() {} });
        parentPort.postMessage('held');
        parentPort.once('message', () => { lock.release(); parentPort.postMessage('released'); });
      }, (e) => parentPort.postMessage(String(e)));`;
    const worker = new Worker(code, { eval: true, workerData: logPath });
    const next = (): Promise<unknown> => once(worker, 'message').then(([m]: unknown[]) => m);
    try {
      expect(await next()).toBe('held');
      expect(() => acquire()).toThrowError(/The holder is this process/);
      worker.postMessage('release');
      expect(await next()).toBe('released');
      acquire();
    } finally {
      await worker.terminate();
    }
  });
});

describe('a lock file that is not a regular file', () => {
  it('a symbolic link is refused, never followed: its target is left as it is', () => {
    const target = join(dir, 'target');
    writeFileSync(target, 'not a lock');
    utimesSync(target, 0, 0); // old: an unreadable lock this old would be reclaimed
    symlinkSync(target, `${logPath}.lock`);
    expect(() => acquire()).toThrowError(expect.objectContaining({ code: 'ERR_LOG_UNSAFE_FILE', reason: 'a symbolic link' }) as Error);
    expect(readFileSync(target, 'utf8')).toBe('not a lock');
  });

  it('a FIFO is refused at once instead of blocking the constructor on a read', () => {
    if (spawnSync('mkfifo', [`${logPath}.lock`]).status !== 0) return;
    expect(() => acquire()).toThrowError(UnsafeLogFileError);
  });
});

describe('the lock across processes', () => {
  it('refuses a second process while the first holds the lock; it writes nothing', async () => {
    const holder = runFixture('open-writer.ts', ['hold', logPath]);
    children.push(holder);
    await holder.waitForLine('ready');
    const before = readFileSync(logPath, 'utf8');

    const other = runFixture('open-writer.ts', ['try', logPath]);
    await other.closed;
    const outcome = JSON.parse(other.stdout()) as { ok: boolean; code: string; ownerPid: number };
    expect(outcome).toMatchObject({ ok: false, code: 'ERR_LOG_LOCKED', ownerPid: holder.process.pid });
    expect(readFileSync(logPath, 'utf8')).toBe(before);
    expect(before.split('\n')).toHaveLength(2);

    // And this process too is refused, naming the child.
    expect(() => acquire()).toThrowError(expect.objectContaining({ ownerPid: holder.process.pid }) as Error);
  });

  it('reclaims the lock after the holder is killed with SIGKILL', async () => {
    const holder = runFixture('open-writer.ts', ['hold', logPath]);
    await holder.waitForLine('ready');
    await kill(holder);
    expect(existsSync(`${logPath}.lock`)).toBe(true);

    const logger = memoryLogger();
    acquire(logger);
    expect(logger.lines.join('\n')).toContain(`reclaimed stale lock of pid ${holder.process.pid}`);
  });
});
