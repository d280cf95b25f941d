/**
 * Regression (issue 20, item 6): the collector's constructor threw raw Node errors: a directory it may not
 * write gave `EACCES ... open '.../invocations.jsonl.lock.19851.a31968ef0245.tmp'` (an internal file the user
 * never named), a `metricsDir` that is a file gave `EEXIST ... mkdir`. Every path of the constructor now
 * throws an `InvocationMetricsError` with a stable `code` (`ERR_LOG_ACCESS`) whose message names the user's
 * own path, with the Node error as `cause`.
 *
 * As root, a chmod'ed directory does not refuse anything: EACCES is met by running the case in a child process
 * as `nobody` (setpriv), and EROFS on a read-only tmpfs mount; each case is skipped only where its mechanism
 * is impossible on this machine.
 */
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InvocationMetricsCollector } from '../../src/collector.js';
import { InvocationMetricsError, LogAccessError } from '../../src/errors.js';
import { memoryLogger, tempDir } from '../helpers/records.js';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir('im-regr-open-')));
afterEach(() => cleanup());

function openError(metricsDir: string): LogAccessError {
  try {
    new InvocationMetricsCollector(metricsDir, memoryLogger());
  } catch (error) {
    expect(error).toBeInstanceOf(LogAccessError);
    return error as LogAccessError;
  }
  throw new Error('expected the collector to fail to open');
}

describe('a metricsDir that cannot be a directory', () => {
  it('a file: ERR_LOG_ACCESS naming metricsDir, EEXIST kept as cause', () => {
    const metricsDir = join(dir, 'metrics');
    writeFileSync(metricsDir, 'not a directory');
    const error = openError(metricsDir);
    expect(error).toMatchObject({ code: 'ERR_LOG_ACCESS', path: metricsDir, errno: 'EEXIST' });
    expect(error.message).toBe(`Cannot create the directory ${metricsDir}: EEXIST: file already exists (it exists and is not a directory)`);
    expect((error.cause as NodeJS.ErrnoException).code).toBe('EEXIST');
  });

  it('under a file: ENOTDIR', () => {
    writeFileSync(join(dir, 'file'), '');
    const metricsDir = join(dir, 'file', 'metrics');
    expect(openError(metricsDir)).toMatchObject({ code: 'ERR_LOG_ACCESS', path: metricsDir, errno: 'ENOTDIR' });
  });
});

const isRoot = process.getuid?.() === 0;
const canSetpriv = isRoot && spawnSync('setpriv', ['--reuid=nobody', '--regid=nogroup', '--clear-groups', 'true']).status === 0;
const fixture = fileURLToPath(new URL('../fixtures/log/open-collector.ts', import.meta.url));

interface ChildOutcome {
  ok: boolean;
  library?: boolean;
  code?: string;
  errno?: string;
  path?: string;
  causeCode?: string;
  message?: string;
}

/** Opens a collector in `metricsDir` as an unprivileged user: `nobody` when we are root, else ourselves. */
function openAsUnprivileged(metricsDir: string): ChildOutcome {
  const node = [process.execPath, '--import', 'tsx', fixture, metricsDir];
  const [cmd, ...args] = isRoot ? ['setpriv', '--reuid=nobody', '--regid=nogroup', '--clear-groups', ...node] : node;
  const run = spawnSync(cmd!, args, { encoding: 'utf8', cwd: fileURLToPath(new URL('../..', import.meta.url)) });
  expect(run.stderr).toBe('');
  return JSON.parse(run.stdout) as ChildOutcome;
}

describe.skipIf(isRoot && !canSetpriv)('a directory this process may not write (EACCES)', () => {
  beforeEach(() => chmodSync(dir, 0o755)); // nobody may reach it, not write it

  it('creating the lock: ERR_LOG_ACCESS naming the log, never the lock\'s temporary file', () => {
    const metricsDir = join(dir, 'metrics');
    mkdirSync(metricsDir, { mode: 0o755 });
    if (!isRoot) chmodSync(metricsDir, 0o555);
    const outcome = openAsUnprivileged(metricsDir);
    const log = join(metricsDir, 'invocations.jsonl');
    expect(outcome).toMatchObject({ ok: false, library: true, code: 'ERR_LOG_ACCESS', errno: 'EACCES', path: log, causeCode: 'EACCES' });
    expect(outcome.message).toBe(
      `Cannot lock the log ${log}: EACCES: permission denied (this process may not create or write files there: check the owner and mode of the directory)`,
    );
  });

  it('opening a log it may not write: ERR_LOG_ACCESS naming the log, and no lock left behind', () => {
    const metricsDir = join(dir, 'metrics');
    mkdirSync(metricsDir);
    chmodSync(metricsDir, 0o777);
    const log = join(metricsDir, 'invocations.jsonl');
    writeFileSync(log, '', { mode: 0o444 });
    const outcome = openAsUnprivileged(metricsDir);
    expect(outcome).toMatchObject({ ok: false, library: true, code: 'ERR_LOG_ACCESS', errno: 'EACCES', path: log });
    expect(outcome.message).toMatch(new RegExp(`^Cannot open the log ${log}: EACCES: permission denied`));
    expect(spawnSync('ls', ['-A', metricsDir], { encoding: 'utf8' }).stdout.trim()).toBe('invocations.jsonl');
  });
});

/** Mounts a read-only tmpfs on `at`; false where mounting is impossible (not root, no CAP_SYS_ADMIN). */
function mountReadOnly(at: string): boolean {
  return isRoot && spawnSync('mount', ['-t', 'tmpfs', '-o', 'ro,size=64k', 'tmpfs', at]).status === 0;
}

describe('a read-only file system (EROFS)', () => {
  it('ERR_LOG_ACCESS naming the log', (ctx) => {
    const metricsDir = join(dir, 'ro');
    mkdirSync(metricsDir);
    if (!mountReadOnly(metricsDir)) return ctx.skip();
    try {
      const error = openError(metricsDir);
      const log = join(metricsDir, 'invocations.jsonl');
      expect(error).toBeInstanceOf(InvocationMetricsError);
      expect(error).toMatchObject({ code: 'ERR_LOG_ACCESS', errno: 'EROFS', path: log });
      expect(error.message).toBe(`Cannot lock the log ${log}: EROFS: read-only file system (the file system is mounted read-only)`);
    } finally {
      spawnSync('umount', [metricsDir]);
    }
  });
});
