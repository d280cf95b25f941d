/**
 * Regression: a lock's content was `{ pid, host, createdAt }`, and release() removed the lock file when its
 * content equalled the handle's. Two locks taken by one process in the same millisecond were identical,
 * so a writer whose lock had been taken away (its files moved by a rotation tool) removed the lock of the
 * writer that came after it. A random token now tells them apart.
 */
import { existsSync, unlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { acquireLock } from '../../src/log/lock.js';
import { memoryLogger, tempDir } from '../helpers/records.js';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir('im-regr-lock-')));
afterEach(() => {
  vi.useRealTimers();
  cleanup();
});

describe('two locks of one process in the same millisecond', () => {
  it('are told apart: the first one released does not remove the second', () => {
    vi.useFakeTimers({ toFake: ['Date'], now: new Date('2026-11-20T09:00:00.000Z') });
    const logPath = join(dir, 'invocations.jsonl');
    const first = acquireLock(logPath, memoryLogger());
    unlinkSync(first.lockPath); // taken away by another program
    const second = acquireLock(logPath, memoryLogger());
    expect(first.isHeld()).toBe(false);
    first.release();
    expect(existsSync(second.lockPath)).toBe(true);
    expect(second.isHeld()).toBe(true);
    second.release();
    expect(existsSync(second.lockPath)).toBe(false);
  });
});
