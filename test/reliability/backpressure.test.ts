/**
 * The collector under a long outage: the serialized lines held in memory stay under `maxPendingBytes`
 * while `record()` keeps accepting, and everything is written once, in order, when the disk returns.
 * The disk is failed through the log's fs layer (mocked module), so this runs without root.
 */
import { readFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { InvocationMetricsCollector } from '../../src/collector.js';
import { InvalidOptionError, LogWriteError } from '../../src/errors.js';
import type * as FsModule from '../../src/log/fs.js';
import type { LogFs } from '../../src/log/fs.js';
import { serializeMetric } from '../../src/serialize.js';
import { memoryLogger, metric, tempDir } from '../helpers/records.js';

const disk = vi.hoisted(() => ({ fault: undefined as string | undefined, writes: 0 }));

vi.mock('../../src/log/fs.js', async (importOriginal) => {
  const real = await importOriginal<typeof FsModule>();
  const nodeLogFs: LogFs = {
    ...real.nodeLogFs,
    write(fd, buffer, offset, length, position, callback) {
      disk.writes++;
      const fault = disk.fault;
      if (fault === undefined) real.nodeLogFs.write(fd, buffer, offset, length, position, callback);
      else setImmediate(() => callback(Object.assign(new Error(`${fault}: injected`), { code: fault }), 0));
    },
  };
  return { ...real, nodeLogFs };
});

let dir: string;
let cleanup: () => void;
beforeEach(() => {
  ({ dir, cleanup } = tempDir('im-collector-bp-'));
  disk.fault = undefined;
  disk.writes = 0;
});
afterEach(() => cleanup());

describe('collector backpressure (maxPendingBytes)', () => {
  it('holds at most maxPendingBytes of lines through a long outage, keeps accepting, then writes everything once', async () => {
    const limit = 64 * 1024;
    const c = new InvocationMetricsCollector(dir, memoryLogger(), { maxPendingBytes: limit, retryDelayMs: 1, maxRetryDelayMs: 8 });
    try {
      disk.fault = 'EIO';
      const N = 50_000;
      const ids: string[] = [];
      const promises: Promise<void>[] = [];
      let peak = 0;
      let longest = 0;
      for (let i = 0; i < N; i++) {
        const m = metric({ invocationId: `bp-${i}`, note: 'x'.repeat(i % 200) });
        ids.push(m.invocationId);
        longest = Math.max(longest, serializeMetric(m).length + 1);
        promises.push(c.record(m));
        peak = Math.max(peak, c.pendingBytes);
        if (i % 1000 === 999) await new Promise((r) => setTimeout(r, 1)); // retries run in between
      }
      expect(disk.writes).toBeGreaterThan(3);
      expect(c.getCount()).toBe(N); // accepted, kept in memory, mirrored and emitted at once
      expect(c.pendingRecords).toBe(N);
      expect(peak).toBeLessThanOrEqual(limit + longest); // ~25 MB of lines would be held without the limit
      const error = await c.flush().catch((e: unknown) => e);
      expect(error).toBeInstanceOf(LogWriteError);
      expect(error).toMatchObject({ pendingRecords: N, path: c.path });

      disk.fault = undefined;
      await Promise.all(promises);
      await c.flush();
      expect(c.pendingRecords).toBe(0);
      const onDisk = readFileSync(c.path, 'utf8').split('\n');
      expect(onDisk.pop()).toBe('');
      expect(onDisk.map((l) => (JSON.parse(l) as { invocationId: string }).invocationId)).toEqual(ids);
    } finally {
      disk.fault = undefined;
      await c.close();
    }
  });

  it('writes a waiting record whose unknown field became unserializable with its known fields, never dropping it', async () => {
    const logger = memoryLogger();
    const c = new InvocationMetricsCollector(dir, logger, { maxPendingBytes: 1, retryDelayMs: 1, maxRetryDelayMs: 2 });
    try {
      disk.fault = 'EIO';
      const first = c.record(metric({ invocationId: 'a' }));
      const shared = { n: 1 as unknown };
      const second = c.record(metric({ invocationId: 'b', extra: shared }));
      await new Promise((r) => setTimeout(r, 5));
      shared.n = 10n; // the caller changes what it passed while the record waits as a reference
      disk.fault = undefined;
      await Promise.all([first, second]);
      const lines = readFileSync(c.path, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(lines.map((l) => l.invocationId)).toEqual(['a', 'b']);
      expect(lines[1]).not.toHaveProperty('extra');
      expect(logger.lines.some((l) => l.includes('record b changed while it waited'))).toBe(true);
    } finally {
      disk.fault = undefined;
      await c.close();
    }
  });

  it('passes the retry, backpressure and rotation options through, validated', () => {
    for (const options of [{ maxPendingBytes: 0 }, { retryDelayMs: -1 }, { maxRetryDelayMs: 1, retryDelayMs: 10 }, { rotationCheckMs: -5 }]) {
      expect(() => new InvocationMetricsCollector(dir, memoryLogger(), options)).toThrowError(InvalidOptionError);
    }
  });
});
