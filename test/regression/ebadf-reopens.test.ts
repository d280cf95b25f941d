/**
 * Regression: when the log's descriptor went bad (EBADF: code elsewhere in the process closed it), the
 * writer retried the write on it forever: records waited until the process died. It now opens the path
 * again and goes on, and never closes the bad number (it may belong to another file by then).
 */
import { closeSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LogWriter } from '../../src/log/writer.js';
import { fakeFs, waitFor } from '../log/fake-fs.js';
import { memoryLogger, tempDir } from '../helpers/records.js';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir('im-regr-ebadf-')));
afterEach(() => cleanup());

describe('EBADF on write', () => {
  it('reopens the log instead of retrying on a dead descriptor', async () => {
    const logPath = join(dir, 'invocations.jsonl');
    const { state, fs } = fakeFs();
    const w = LogWriter.open(logPath, { logger: memoryLogger(), fs, retryDelayMs: 1, maxRetryDelayMs: 2 });
    let written = false;
    try {
      await w.append('{"a":1}');
      const dead = state.writeFds[0]!;
      state.writeFaultOnFd = (fd) => (fd === dead ? 'EBADF' : undefined); // as on a closed descriptor
      const p = w.append('{"b":2}').then(() => (written = true));
      await waitFor(() => written, 'the record to be written (not retried forever on the dead descriptor)', 5_000);
      await p;
      expect(readFileSync(logPath, 'utf8')).toBe('{"a":1}\n{"b":2}\n');
      expect(state.closes).not.toContain(dead);
      closeSync(dead);
    } finally {
      await w.close();
    }
  });
});
