/**
 * The log's lock file: one writer per log file, in this process or any other (see the README,
 * "Durability contract"). The lock is `<log>.lock`, holding `{ pid, host, createdAt, token }` as JSON. A lock left by a
 * crashed process on this host is detected and reclaimed; a lock of another host is never guessed at.
 *
 * A lock of this host is stale when its process is gone, when its pid cannot be a process (above
 * 2^31 - 1), or when its pid is this process's but it is no lock of this process: an earlier process that
 * had the same pid left it (a restarted container's pid 1). A lock of this process is one whose token a
 * handle of this thread holds, or whose `start` is this process's start id (`/proc`, Linux: shared by its
 * worker threads); without a start id, one created no earlier than a second before this process started.
 *
 * Synchronous on purpose: a collector acquires its lock in its constructor.
 *
 * @module
 */
import fs from 'node:fs';
import os from 'node:os';
import { randomBytes } from 'node:crypto';
import { InvocationMetricsError, LogAccessError, LogLockedError } from '../errors.js';
import { log, type Logger } from '../logger.js';
import { processStart } from './process-start.js';
import { readSmallRegularFile } from './safe-open.js';

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

/** A lock is a hundred bytes; a longer file is not read whole (it is unparsable). */
const MAX_LOCK_BYTES = 64 * 1024;

/** Above this no process can have the pid (`pid_t` is 32 bits; Linux's own limit is 2^22). */
const MAX_PID = 2 ** 31 - 1;

/** Tokens of the locks that this thread holds now. */
const heldTokens = new Set<string>();

/**
 * Without a start id (not Linux, or a lock of an older version), a lock with this process's pid created
 * more than this long before the process started is an earlier process's; the margin absorbs the rounding
 * of the estimate and small clock steps.
 */
const START_MARGIN_MS = 1000;

interface LockOwner {
  pid: number;
  host: string;
  createdAt: string;
  token: string | undefined;
  start: string | undefined;
}

/**
 * Acquires the lock of a log file.
 *
 * @param logPath - The log file; the lock is `<logPath>.lock` beside it (the directory must exist).
 * @param logger - Receives an info message when a stale lock is reclaimed.
 * @returns The handle to release the lock with.
 * @throws {@link LogLockedError} when a live writer (this process included) or a writer of another host
 *   holds the lock; {@link UnsafeLogFileError} when `<logPath>.lock` is a link or not a regular file;
 *   {@link LogAccessError} (naming `logPath`, the Node error as `cause`) when the lock cannot be created or
 *   read (EACCES, EROFS, ENOSPC...).
 */
export function acquireLock(logPath: string, logger: Logger): LockHandle {
  try {
    return acquire(logPath, logger);
  } catch (error) {
    // The Node error names an internal file (`<log>.lock.<pid>.<random>.tmp`); the user knows the log.
    throw error instanceof InvocationMetricsError ? error : new LogAccessError(logPath, 'lock the log', error);
  }
}

function acquire(logPath: string, logger: Logger): LockHandle {
  const lockPath = `${logPath}.lock`;
  // The token tells apart two locks of one process taken in the same millisecond (release() and isHeld()
  // compare contents, and must never mistake a later holder's lock for their own), and a lock of this
  // process from one left by an earlier process with the same pid.
  const token = randomBytes(8).toString('hex');
  const start = processStart().id;
  const content = JSON.stringify({ pid: process.pid, host: os.hostname(), createdAt: new Date().toISOString(), token, start });
  for (let attempt = 1; ; attempt++) {
    if (tryCreate(lockPath, content)) return handle(lockPath, content, token);
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
  // Neither follows a link planted under either name: `wx` is O_CREAT|O_EXCL, which fails on an existing
  // symbolic link (dangling or not) instead of creating its target, and link(2) never follows its new name.
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
  // Never through a link, never a FIFO (a read of one would block the constructor forever).
  return readSmallRegularFile(lockPath, MAX_LOCK_BYTES);
}

/** The lock's text, or `undefined` when it is missing or not a regular file; never throws. */
function readLockText(lockPath: string): string | undefined {
  try {
    return readSmallRegularFile(lockPath, MAX_LOCK_BYTES)?.text;
  } catch {
    return undefined;
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
  if (owner.pid === process.pid) return judgeOwnPid(owner);
  if (isAlive(owner.pid)) {
    const detail = `The holder is alive; if pid ${owner.pid} is not a writer of this log, a crashed writer's pid was reused: remove the lock file by hand.`;
    return { stale: false, owner, detail };
  }
  return { stale: true, owner, detail: owner.pid > MAX_PID ? 'its pid cannot be a process' : 'its process is gone' };
}

function judgeOwnPid(owner: LockOwner): Verdict {
  const live: Verdict = { stale: false, owner, detail: 'The holder is this process: another writer of this process has the log open.' };
  const earlier: Verdict = { stale: true, owner, detail: 'left by an earlier process with this pid (a restarted container?)' };
  if (owner.token !== undefined && heldTokens.has(owner.token)) return live;
  const me = processStart();
  if (owner.start !== undefined && me.id !== undefined) return owner.start === me.id ? live : earlier;
  const createdAt = Date.parse(owner.createdAt);
  return Number.isFinite(createdAt) && createdAt < me.wallMs - START_MARGIN_MS ? earlier : live;
}

function parseOwner(text: string): LockOwner | undefined {
  try {
    const v: unknown = JSON.parse(text);
    if (typeof v !== 'object' || v === null) return undefined;
    const { pid, host, createdAt, token, start } = v as Record<string, unknown>;
    // pid 0 or a negative pid would make process.kill signal a whole process group.
    if (typeof pid !== 'number' || !Number.isInteger(pid) || pid <= 0 || typeof host !== 'string') return undefined;
    return { pid, host, createdAt: asString(createdAt) ?? '', token: asString(token), start: asString(start) };
  } catch {
    return undefined;
  }
}

function asString(x: unknown): string | undefined {
  return typeof x === 'string' ? x : undefined;
}

function isAlive(pid: number): boolean {
  // process.kill throws a TypeError for a pid beyond 32 bits: such a pid is no process, not a live one.
  if (pid > MAX_PID) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to another user, so it is alive. ESRCH: it is gone.
    return errno(error) === 'EPERM';
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
    if (readLockText(aside) === staleText) return true;
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

function handle(lockPath: string, content: string, token: string): LockHandle {
  let held = true;
  heldTokens.add(token);
  return {
    lockPath,
    release() {
      if (!held) return;
      held = false;
      heldTokens.delete(token);
      try {
        // unlink removes a link itself, never its target; and a lock that is not ours (or not a regular
        // file: readLockText) is left alone.
        if (readLockText(lockPath) === content) fs.unlinkSync(lockPath);
      } catch {
        // Already gone: nothing of ours is left to remove.
      }
    },
    isHeld() {
      return held && readLockText(lockPath) === content;
    },
  };
}

function errno(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | null)?.code;
}
