/**
 * Regression ("fsyncgate"): after a failed fsync the writer retried the fsync alone. On Linux the pages that
 * failed may have been dropped (or marked clean), and the retried fsync reports success: the batch was
 * acknowledged although it was not on disk. The fake fs here does what such a kernel does: a failing fsync
 * loses the batch's bytes. The writer now cuts the batch and writes it again before a new fsync.
 */
import { fstatSync, ftruncateSync, readFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LogWriter } from '../../src/log/writer.js';
import { fakeFs } from '../log/fake-fs.js';
import { memoryLogger, tempDir } from '../helpers/records.js';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir('im-regr-fsync-')));
afterEach(() => cleanup());

/** What a kernel may do to the bytes of a failed fsync: lose them (reads give zeros), or lose the size too. */
const DROPS = {
  'zeroed, size kept': (fd: number, durable: number) => {
    const size = fstatSync(fd).size;
    writeSync(fd, Buffer.alloc(size - durable), 0, size - durable, durable);
  },
  'cut off': (fd: number, durable: number) => ftruncateSync(fd, durable),
};

describe('a failed fsync', () => {
  it.each(Object.keys(DROPS) as (keyof typeof DROPS)[])('does not acknowledge lines that the kernel dropped (%s): they are written again, then fsynced', async (drop) => {
    const logPath = join(dir, 'invocations.jsonl');
    const { state, fs } = fakeFs();
    let durable = 0;
    state.onFsyncFault = (fd) => DROPS[drop](fd, durable);
    const w = LogWriter.open(logPath, { logger: memoryLogger(), fsync: true, fs, retryDelayMs: 1 });
    try {
      await w.append('{"a":1}');
      durable = fstatSync(state.writeFds[0]!).size;
      state.fsyncFaults.push('EIO');
      await Promise.all([w.append('{"b":2}'), w.append('{"c":3}')]);
      expect(readFileSync(logPath, 'utf8')).toBe('{"a":1}\n{"b":2}\n{"c":3}\n');
    } finally {
      await w.close();
    }
  });
});
