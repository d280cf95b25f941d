/**
 * Regression (issue 14, item 1): when `invocations.jsonl` or `<log>.torn` was a symbolic link, the collector
 * cut the target's last line as a "torn tail" and appended to the target: a process running as root whose
 * metrics directory someone else can write could be made to truncate and append to any file. The log's files
 * are now opened with O_NOFOLLOW and must be regular files of their own (one hard link); a file that does not
 * look like a log is never cut; a rotation's reopen goes through the same checks.
 */
import { linkSync, mkdirSync, readFileSync, readdirSync, renameSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InvocationMetricsCollector } from '../../src/collector.js';
import { LogWriteError, UnsafeLogFileError } from '../../src/errors.js';
import { memoryLogger, metric, tempDir } from '../helpers/records.js';
import { waitFor } from '../helpers/wait.js';

let dir: string;
let cleanup: () => void;
let metricsDir: string;
let logPath: string;
let victim: string;
/** A file of someone else's: a last line without a newline, which the old repair cut. */
const VICTIM = 'root:x:0:0:root:/root:/bin/bash\nsecret-last-line-without-newline';

beforeEach(() => {
  ({ dir, cleanup } = tempDir('im-regr-links-'));
  metricsDir = join(dir, 'metrics');
  mkdirSync(metricsDir);
  logPath = join(metricsDir, 'invocations.jsonl');
  victim = join(dir, 'victim');
  writeFileSync(victim, VICTIM);
});
afterEach(() => cleanup());

function refusal(open: () => unknown): UnsafeLogFileError {
  try {
    open();
  } catch (error) {
    expect(error).toBeInstanceOf(UnsafeLogFileError);
    return error as UnsafeLogFileError;
  }
  throw new Error('expected the collector to refuse the file');
}

const openCollector = (options = {}): InvocationMetricsCollector => new InvocationMetricsCollector(metricsDir, memoryLogger(), options);

describe('a log that is a link', () => {
  it('a symbolic link to another file is refused: the target is neither cut nor appended to', () => {
    symlinkSync(victim, logPath);
    const error = refusal(openCollector);
    expect(error).toMatchObject({ code: 'ERR_LOG_UNSAFE_FILE', path: logPath, reason: 'a symbolic link' });
    expect(error.message).toContain(logPath);
    expect(readFileSync(victim, 'utf8')).toBe(VICTIM);
    expect(readdirSync(metricsDir).sort()).toEqual(['invocations.jsonl']); // no .torn, no lock left behind
  });

  it('a dangling symbolic link is refused: its target is not created', () => {
    const target = join(dir, 'created-by-the-collector');
    symlinkSync(target, logPath);
    expect(refusal(openCollector).reason).toBe('a symbolic link');
    expect(readdirSync(dir).sort()).toEqual(['metrics', 'victim']);
  });

  it('a hard link to another file is refused', () => {
    linkSync(victim, logPath);
    expect(refusal(openCollector).reason).toMatch(/2 hard links/);
    expect(readFileSync(victim, 'utf8')).toBe(VICTIM);
  });
});

describe('a .torn that is a link', () => {
  it('is refused before the log is cut: the tail stays, the target gets nothing', () => {
    const good = `${JSON.stringify(metric({ invocationId: 'a' }))}\n`;
    writeFileSync(logPath, `${good}{"invocationId":"torn","ag`);
    symlinkSync(victim, `${logPath}.torn`);
    expect(refusal(openCollector)).toMatchObject({ path: `${logPath}.torn`, reason: 'a symbolic link' });
    expect(readFileSync(victim, 'utf8')).toBe(VICTIM);
    expect(readFileSync(logPath, 'utf8')).toBe(`${good}{"invocationId":"torn","ag`);
  });
});

describe('a regular file that does not look like a log', () => {
  it('is not cut: a torn "tail" after a line that is not a JSON object is refused', () => {
    writeFileSync(logPath, VICTIM);
    expect(refusal(openCollector).reason).toMatch(/does not look like a log/);
    expect(readFileSync(logPath, 'utf8')).toBe(VICTIM);
  });
});

describe('a log replaced by a link while the collector runs (rotation reopen)', () => {
  it('is not followed: the records wait in memory and flush() rejects with the refusal as cause', async () => {
    const c = openCollector({ rotationCheckMs: 0, retryDelayMs: 10, maxRetryDelayMs: 20 });
    try {
      await c.record(metric({ invocationId: 'before' }));
      renameSync(logPath, join(dir, 'rotated.jsonl'));
      symlinkSync(victim, logPath);
      void c.record(metric({ invocationId: 'after' }));
      const error = await c.flush().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(LogWriteError);
      expect((error as LogWriteError).cause).toBeInstanceOf(UnsafeLogFileError);
      expect(readFileSync(victim, 'utf8')).toBe(VICTIM);
      expect(c.pendingRecords).toBe(1);
      // Once the link is gone, a fresh log takes its place and the waiting record is written there.
      unlinkSync(logPath);
      await waitFor(() => (c.pendingRecords === 0 ? true : undefined), { intervalMs: 10, what: 'the waiting record to be written' });
      await c.close();
      expect(readFileSync(logPath, 'utf8')).toContain('"after"');
    } finally {
      await c.close().catch(() => undefined);
    }
  });
});
