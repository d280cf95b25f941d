/**
 * The log's lock file: one writer per log file, in this process or any other (see the README,
 * "Durability contract"). The lock is `<log>.lock`, holding `{ pid, host, createdAt, token }` as JSON. A lock left by a
 * crashed process on this host is detected and reclaimed; a lock of another host is never guessed at.
 *
 * Synchronous on purpose: a collector acquires its lock in its constructor.
 *
 * @module
 */
import fs from 'node:fs';
import os from 'node:os';
import { randomBytes } from 'node:crypto';
import { LogLockedError } from '../errors.js';
import { log, type Logger } from '../logger.js';

/** A held lock. */
export interface LockHandle {
  /** The lock file, `<log>.lock`. */
  readonly lockPath: string;
  /**
   * Removes the lock file if it is still ours (a lock file that someone replaced is left alone).
   * Idempotent; never throws.
   */
  release(): void;
  /**
   * Whether the lock file still holds this lock (a tool that moved or deleted the log's files may have
   * taken it away). Never throws: an unreadable lock counts as not held.
   */
  isHeld(): boolean;
}

/**
 * An unparsable lock cannot be torn by a writer of this module (it is linked in whole), so it comes from
 * elsewhere or from a crash of a filesystem without hard links; this long after its creation nobody is
 * still writing it.
 */
const UNPARSABLE_STALE_MS = 5_000;

/** Stale-lock races can make an attempt fail harmlessly; past this many the situation is not a race. */
const MAX_ATTEMPTS = 5;

interface LockOwner {
  pid: number;
  host: string;
  createdAt: string;
}

/**
 * Acquires the lock of a log file.
 *
 * @param logPath - The log file; the lock is `<logPath>.lock` beside it (the directory must exist).
 * @param logger - Receives an info message when a stale lock is reclaimed.
 * @returns The handle to release the lock with.
 * @throws {@link LogLockedError} when a live writer (this process included) or a writer of another host
 *   holds the lock. Other file-system errors (EACCES, ...) are thrown as they are.
 */
export function acquireLock(logPath: string, logger: Logger): LockHandle {
  const lockPath = `${logPath}.lock`;
  // The token tells apart two locks of one process taken in the same millisecond: release() and isHeld()
  // compare contents, and must never mistake a later holder's lock for their own.
  const content = JSON.stringify({ pid: process.pid, host: os.hostname(), createdAt: new Date().toISOString(), token: randomBytes(8).toString('hex') });
  for (let attempt = 1; ; attempt++) {
    if (tryCreate(lockPath, content)) return handle(lockPath, content);
    const held = readHeld(lockPath);
    if (held === undefined && attempt < MAX_ATTEMPTS) continue; // released between our attempt and our read
    if (held === undefined) throw new LogLockedError(logPath, lockPath, undefined, undefined, 'The lock kept changing hands; retry.');
    const verdict = judge(held.text, held.mtimeMs);
    if (!verdict.stale) throw new LogLockedError(logPath, lockPath, verdict.owner?.pid, verdict.owner?.host, verdict.detail);
    if (attempt >= MAX_ATTEMPTS) {
      const detail = `The lock is stale (${verdict.detail}) but other writers kept racing to reclaim it; retry.`;
      throw new LogLockedError(logPath, lockPath, verdict.owner?.pid, verdict.owner?.host, detail);
    }
    if (moveAsideIfUnchanged(lockPath, held.text)) {
      log(logger, 'info', `${logPath}: reclaimed stale lock of pid ${verdict.owner?.pid ?? '?'} (${verdict.detail})`);
    }
  }
}

/** Creates the lock atomically with its full content; `false` when it exists. */
function tryCreate(lockPath: string, content: string): boolean {
  // Written aside then hard-linked, so that a reader never sees a half-written lock and EEXIST is atomic.
  const tmp = `${lockPath}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`;
  fs.writeFileSync(tmp, content, { flag: 'wx' });
  try {
    fs.linkSync(tmp, lockPath);
    return true;
  } catch (error) {
    if (errno(error) === 'EEXIST') return false;
    if (!['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS'].includes(errno(error) ?? '')) throw error;
    // No hard links on this file system: O_EXCL still decides the owner; a torn content is judged by age.
    return createExclusive(lockPath, content);
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

function createExclusive(lockPath: string, content: string): boolean {
  try {
    fs.writeFileSync(lockPath, content, { flag: 'wx' });
    return true;
  } catch (error) {
    if (errno(error) === 'EEXIST') return false;
    throw error;
  }
}

function readHeld(lockPath: string): { text: string; mtimeMs: number } | undefined {
  try {
    const mtimeMs = fs.statSync(lockPath).mtimeMs;
    return { text: fs.readFileSync(lockPath, 'utf8'), mtimeMs };
  } catch (error) {
    if (errno(error) === 'ENOENT') return undefined;
    throw error;
  }
}

interface Verdict {
  stale: boolean;
  owner: LockOwner | undefined;
  detail: string;
}

function judge(text: string, mtimeMs: number): Verdict {
  const owner = parseOwner(text);
  if (owner === undefined) {
    const ageMs = Date.now() - mtimeMs;
    return ageMs > UNPARSABLE_STALE_MS
      ? { stale: true, owner, detail: `unreadable lock, ${Math.round(ageMs / 1000)} s old` }
      : { stale: false, owner, detail: 'The lock file is unreadable and recent; retry in a few seconds.' };
  }
  if (owner.host !== os.hostname()) {
    return {
      stale: false,
      owner,
      detail: `Its holder runs on another host, whose processes cannot be checked from here: if ${owner.host} is gone, remove the lock file by hand.`,
    };
  }
  if (isAlive(owner.pid)) {
    const detail =
      owner.pid === process.pid
        ? 'The holder is this process: another writer of this process has the log open.'
        : `The holder is alive; if pid ${owner.pid} is not a writer of this log, a crashed writer's pid was reused: remove the lock file by hand.`;
    return { stale: false, owner, detail };
  }
  return { stale: true, owner, detail: 'its process is gone' };
}

function parseOwner(text: string): LockOwner | undefined {
  try {
    const v: unknown = JSON.parse(text);
    if (typeof v !== 'object' || v === null) return undefined;
    const { pid, host, createdAt } = v as Record<string, unknown>;
    // pid 0 or a negative pid would make process.kill signal a whole process group.
    if (typeof pid !== 'number' || !Number.isInteger(pid) || pid <= 0 || typeof host !== 'string') return undefined;
    return { pid, host, createdAt: typeof createdAt === 'string' ? createdAt : '' };
  } catch {
    return undefined;
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user, so it is alive.
    return errno(error) !== 'ESRCH';
  }
}

/**
 * Moves a stale lock out of the way, then checks that what moved is the lock that was judged stale: two
 * processes can judge the same lock stale, and the slower one must not take away the new lock that the
 * faster one has meanwhile created. A wrongly moved lock is linked back.
 *
 * @returns Whether the stale lock was removed.
 */
function moveAsideIfUnchanged(lockPath: string, staleText: string): boolean {
  const aside = `${lockPath}.stale.${process.pid}.${randomBytes(6).toString('hex')}`;
  try {
    fs.renameSync(lockPath, aside);
  } catch (error) {
    if (errno(error) === 'ENOENT') return false; // someone else reclaimed it first
    throw error;
  }
  try {
    if (fs.readFileSync(aside, 'utf8') === staleText) return true;
    try {
      fs.linkSync(aside, lockPath);
    } catch {
      // A third writer got the lock in between: the moved lock's owner has lost it, which its release()
      // notices (it only removes its own lock). This needs three writers racing on a crashed lock.
    }
    return false;
  } finally {
    fs.rmSync(aside, { force: true });
  }
}

function handle(lockPath: string, content: string): LockHandle {
  let held = true;
  return {
    lockPath,
    release() {
      if (!held) return;
      held = false;
      try {
        if (fs.readFileSync(lockPath, 'utf8') === content) fs.unlinkSync(lockPath);
      } catch {
        // Already gone, or unreadable: either way nothing of ours is left to remove.
      }
    },
    isHeld() {
      try {
        return held && fs.readFileSync(lockPath, 'utf8') === content;
      } catch {
        return false;
      }
    },
  };
}

function errno(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | null)?.code;
}
