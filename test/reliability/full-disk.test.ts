/**
 * A real full disk: a 256 KiB tmpfs filled by 3000 records of about 300 bytes, then grown to 8 MiB.
 *
 * Needs root (mount). Without it the test is skipped with the reason, except under REQUIRE_SERVERS=1 (CI
 * runs as root), where a missing mount is a failure.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvocationMetricsCollector } from '../../src/collector.js';
import { LogWriteError } from '../../src/errors.js';
import { loadLog } from '../../src/log/reader.js';
import { serializeMetric } from '../../src/serialize.js';
import { memoryLogger, metric } from '../helpers/records.js';

const RECORDS = 3000;
const REQUIRED = process.env.REQUIRE_SERVERS === '1';

let mountDir = '';
let mounted = false;
let skipReason: string | undefined;

beforeAll(() => {
  if (process.getuid?.() !== 0) skipReason = 'needs root to mount a tmpfs';
  else {
    mountDir = fs.mkdtempSync(join(tmpdir(), 'im-full-disk-'));
    try {
      execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=256k', 'tmpfs', mountDir], { stdio: 'pipe' });
      mounted = true;
    } catch (error) {
      skipReason = `mount -t tmpfs failed: ${String((error as { stderr?: Buffer }).stderr ?? error).trim()}`;
    }
  }
  if (skipReason !== undefined && REQUIRED) throw new Error(`REQUIRE_SERVERS=1 but the full-disk test cannot run: ${skipReason}`);
});

afterAll(() => {
  if (mounted) {
    try {
      execFileSync('umount', [mountDir], { stdio: 'pipe' });
    } catch {
      // Still busy (a failed run left the log open): detach it now, the kernel frees it once unused.
      execFileSync('umount', ['-l', mountDir], { stdio: 'pipe' });
    }
  }
  if (mountDir !== '') fs.rmSync(mountDir, { recursive: true, force: true });
});

/** Watches the real `fs.write` calls of the log (the writer calls it through `node:fs`). */
function watchWrites(logFd: () => number | undefined) {
  const seen = { calls: 0, errors: new Map<string, number>(), shortWrites: 0 };
  const real = fs.write;
  const watched = function (this: unknown, ...args: unknown[]): void {
    const callback = args[5];
    if (args.length === 6 && typeof callback === 'function' && args[0] === logFd()) {
      seen.calls++;
      const length = args[3] as number;
      args[5] = (err: NodeJS.ErrnoException | null, written: number) => {
        if (err !== null) seen.errors.set(err.code ?? '?', (seen.errors.get(err.code ?? '?') ?? 0) + 1);
        else if (written < length) seen.shortWrites++;
        (callback as (e: unknown, n: number) => void)(err, written);
      };
    }
    (real as (...a: unknown[]) => void).apply(this, args);
  };
  fs.write = watched as typeof fs.write;
  return { seen, restore: () => void (fs.write = real) };
}

function logFdOf(file: string): number | undefined {
  for (const name of fs.readdirSync('/proc/self/fd')) {
    try {
      if (fs.readlinkSync(`/proc/self/fd/${name}`) === file) return Number(name);
    } catch {
      // closed while listing
    }
  }
  return undefined;
}

describe('a full disk, for real', () => {
  it(`records ${RECORDS} records into a 256 KiB tmpfs: nothing thrown, nothing resolved early, all written once after it grows`, async (ctx) => {
    if (skipReason !== undefined) ctx.skip(skipReason);
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown): void => void unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    const logger = memoryLogger();
    const c = new InvocationMetricsCollector(mountDir, logger, { retryDelayMs: 5, maxRetryDelayMs: 50 });
    const fd = logFdOf(c.path);
    expect(fd, 'the log descriptor in /proc/self/fd').toBeDefined();
    const { seen, restore } = watchWrites(() => fd);
    try {
      // Each record's line ends at a known offset: a record resolved before its line is whole on disk is early.
      const records = Array.from({ length: RECORDS }, (_, i) => metric({ invocationId: `full-${String(i).padStart(4, '0')}`, taskId: `task-${i}` }));
      const lines = records.map((r) => `${serializeMetric(r)}\n`);
      const expected = Buffer.from(lines.join(''));
      const ends: number[] = [];
      lines.reduce((end, l) => (ends.push(end + Buffer.byteLength(l)), end + Buffer.byteLength(l)), 0);
      const early: string[] = [];
      let resolved = 0;
      const promises: Promise<void>[] = [];
      for (let i = 0; i < RECORDS; i++) {
        let p: Promise<void>;
        try {
          p = c.record(records[i]!);
        } catch (error) {
          throw new Error(`record() threw into the caller: ${String(error)}`);
        }
        promises.push(
          p.then(() => {
            resolved++;
            if (fs.statSync(c.path).size < ends[i]!) early.push(records[i]!.invocationId);
          }),
        );
        if (i % 100 === 99) await new Promise((r) => setImmediate(r));
      }
      expect(c.getCount()).toBe(RECORDS);

      // The disk fills: a short write, then ENOSPC, retried with backoff.
      const deadline = Date.now() + 15_000;
      while ((seen.errors.get('ENOSPC') ?? 0) < 6) {
        if (Date.now() > deadline) throw new Error(`no ENOSPC retries after 15 s; writes ${seen.calls}, errors ${JSON.stringify([...seen.errors])}`);
        await sleep(5);
      }
      const flushError = await c.flush().then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(flushError).toBeInstanceOf(LogWriteError);
      const writeError = flushError as LogWriteError;
      expect(writeError).toMatchObject({ code: 'ERR_LOG_WRITE', path: c.path, cause: { code: 'ENOSPC' } });
      expect(writeError.pendingRecords).toBeGreaterThan(0);
      expect(writeError.pendingRecords + resolved).toBe(RECORDS);
      expect(writeError.message).toContain(c.path);
      expect(writeError.message).toContain(`${writeError.pendingRecords} record(s) wait in memory`);
      expect(seen.shortWrites, 'ENOSPC in the middle of a buffer gives a short write').toBeGreaterThan(0);
      const resolvedWhileFull = resolved;
      const sizeWhileFull = fs.statSync(c.path).size;
      // What is on disk is an exact prefix of the records: no duplicate, no garbage, at most one cut line.
      expect(fs.readFileSync(c.path).equals(expected.subarray(0, sizeWhileFull))).toBe(true);
      const errorsBefore = seen.errors.get('ENOSPC')!;
      while (seen.errors.get('ENOSPC')! < errorsBefore + 3) {
        if (Date.now() > deadline) throw new Error('the writer stopped retrying while the disk was full');
        await sleep(5);
      }
      expect(resolved, 'nothing resolves while the disk is full').toBe(resolvedWhileFull);
      let rejections = 1;

      // Space returns.
      execFileSync('mount', ['-o', 'remount,size=8m', mountDir]);
      const t0 = performance.now();
      for (;;) {
        try {
          await c.flush();
          break;
        } catch (error) {
          expect(error).toBeInstanceOf(LogWriteError);
          rejections++;
          if (Date.now() > deadline + 15_000) throw new Error(`flush() still rejects 15 s after the disk grew: ${String(error)}`);
          await sleep(5);
        }
      }
      const recoverMs = performance.now() - t0;
      await Promise.all(promises);
      expect(early).toEqual([]);
      expect(resolved).toBe(RECORDS);
      expect(fs.readFileSync(c.path).equals(expected)).toBe(true);
      const loaded = await loadLog(c.path);
      expect(loaded.skipped).toBe(0);
      expect(loaded.records.map((r) => r.invocationId)).toEqual(records.map((r) => r.invocationId));
      expect(logger.lines.filter((l) => l.includes('cannot write'))).toHaveLength(1);
      expect(logger.lines.some((l) => l.includes('writable again'))).toBe(true);
      await c.close();
      expect(unhandled).toEqual([]);

      const figures =
        `records ${RECORDS}, on disk while full ${sizeWhileFull} B (${resolvedWhileFull} acknowledged), ` +
        `write calls ${seen.calls}, short writes ${seen.shortWrites}, ENOSPC retries ${seen.errors.get('ENOSPC')}, ` +
        `flush rejections ${rejections}, recovered ${recoverMs.toFixed(1)} ms after the remount`;
      console.log(`[full-disk] ${figures}`);
      await ctx.annotate(figures);
    } finally {
      restore();
      process.off('unhandledRejection', onUnhandled);
      if (!(await c.close().then(() => true, () => false))) {
        // A failed run: give the waiting lines room, so that the writer can finish and let the mount go.
        execFileSync('mount', ['-o', 'remount,size=8m', mountDir]);
        await c.close().catch(() => undefined);
      }
    }
  });
});
