/**
 * Regression (issue 14, item 6): a lock left by an earlier process that had this process's pid (a container
 * restarted as pid 1 again) was never reclaimed: `ERR_LOG_LOCKED ... The holder is this process`, on every
 * restart. And a lock whose pid cannot be a process (above 2^31 - 1: `process.kill` throws a TypeError, not
 * ESRCH) counted as alive forever. Both are stale now; a lock that this process holds is still refused.
 */
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InvocationMetricsCollector } from '../../src/collector.js';
import { LogLockedError } from '../../src/errors.js';
import { acquireLock, type LockHandle } from '../../src/log/lock.js';
import { processStart } from '../../src/log/process-start.js';
import { memoryLogger, tempDir } from '../helpers/records.js';

let dir: string;
let cleanup: () => void;
let logPath: string;
const held: LockHandle[] = [];
beforeEach(() => {
  ({ dir, cleanup } = tempDir('im-regr-ownpid-'));
  logPath = join(dir, 'invocations.jsonl');
});
afterEach(() => {
  for (const h of held.splice(0)) h.release();
  cleanup();
});

function writeLock(owner: Record<string, unknown>): void {
  writeFileSync(`${logPath}.lock`, JSON.stringify({ host: hostname(), ...owner }));
}

const hourAgo = (): string => new Date(Date.now() - 3_600_000).toISOString();

describe('a lock with this process pid', () => {
  it('left by an earlier process (another start id) is reclaimed by the collector', async () => {
    writeLock({ pid: process.pid, createdAt: hourAgo(), token: '0123456789abcdef', start: 'an-earlier-boot:4242' });
    const logger = memoryLogger();
    const c = new InvocationMetricsCollector(dir, logger);
    try {
      expect(JSON.parse(readFileSync(`${logPath}.lock`, 'utf8'))).toMatchObject({ pid: process.pid, start: processStart().id });
      expect(logger.lines.join('\n')).toMatch(new RegExp(`reclaimed stale lock of pid ${process.pid} \\(left by an earlier process`));
    } finally {
      await c.close();
    }
    expect(readdirSync(dir)).toEqual(['invocations.jsonl']);
  });

  it('left by an earlier process without a start id (an older lock) is reclaimed when it predates this process', () => {
    writeLock({ pid: process.pid, createdAt: hourAgo(), token: '0123456789abcdef' });
    held.push(acquireLock(logPath, memoryLogger()));
    expect(held[0]!.isHeld()).toBe(true);
  });

  it('held by this process is still refused, and so is one of a sibling thread (same start id, token unknown here)', () => {
    held.push(acquireLock(logPath, memoryLogger()));
    expect(() => acquireLock(logPath, memoryLogger())).toThrowError(LogLockedError);
    held.pop()!.release();
    writeLock({ pid: process.pid, createdAt: new Date().toISOString(), token: 'fedcba9876543210', start: processStart().id });
    expect(() => acquireLock(logPath, memoryLogger())).toThrowError(/The holder is this process/);
  });
});

/** Whether this machine lets us start a process as pid 1 of a new PID namespace (root, or user namespaces). */
const canUnshare = spawnSync('unshare', ['--pid', '--fork', '--kill-child', 'true']).status === 0;
const fixture = fileURLToPath(new URL('../fixtures/log/open-writer.ts', import.meta.url));

/** Runs the open-writer fixture as pid 1 of a fresh PID namespace: a container's first process. */
function asPid1(mode: 'hold' | 'try'): { done: Promise<string>; ready: Promise<void>; kill: () => void } {
  const child = spawn('unshare', ['--pid', '--fork', '--kill-child', process.execPath, '--import', 'tsx', fixture, mode, logPath]);
  let out = '';
  let err = '';
  child.stderr.setEncoding('utf8').on('data', (d: string) => (err += d));
  const done = new Promise<string>((resolve) => child.on('close', () => resolve(out)));
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout.setEncoding('utf8').on('data', (d: string) => {
      out += d;
      if (out.includes('ready\n')) resolve();
    });
    void done.then(() => reject(new Error(`the pid-1 writer ended early: ${out} ${err}`)));
  });
  ready.catch(() => undefined); // a `try` run never prints `ready`: only an awaited `ready` may fail
  return { done, ready, kill: () => child.kill('SIGKILL') };
}

describe.skipIf(!canUnshare)('a container restarted: pid 1 again', () => {
  it('the second run reclaims the lock that the killed first run left', async () => {
    const first = asPid1('hold');
    await first.ready;
    first.kill(); // --kill-child: the namespace's pid 1 dies with it, leaving its lock behind
    await first.done;
    expect(JSON.parse(readFileSync(`${logPath}.lock`, 'utf8'))).toMatchObject({ pid: 1 });
    const second = JSON.parse(await asPid1('try').done) as { ok: boolean; message?: string };
    expect(second).toEqual({ ok: true });
    expect(readFileSync(logPath, 'utf8').split('\n').filter(Boolean)).toHaveLength(2);
  }, 30_000);
});

describe('a lock whose pid cannot be a process', () => {
  it.each([2 ** 31, 2 ** 40, Number.MAX_SAFE_INTEGER, 1e21])('pid %d is stale, not alive forever', (pid) => {
    writeLock({ pid, createdAt: new Date().toISOString() });
    const logger = memoryLogger();
    held.push(acquireLock(logPath, logger));
    expect(logger.lines.join('\n')).toContain('its pid cannot be a process');
  });
});
