/**
 * Regression: a log deleted (or renamed) by another program, e.g. a rotation tool, kept being written
 * through the old descriptor: after a deletion every later record went to an unlinked file and was lost
 * when the writer closed it. The writer now notices before a batch and opens a fresh file at its path.
 */
import { existsSync, readFileSync, unlinkSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InvocationMetricsCollector } from '../../src/collector.js';
import { loadLog } from '../../src/log/reader.js';
import { memoryLogger, metric, tempDir } from '../helpers/records.js';

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir('im-regr-rotate-')));
afterEach(() => cleanup());

describe('a log deleted under the collector', () => {
  it('gets the later records in a fresh file at its path', async () => {
    const c = new InvocationMetricsCollector(dir, memoryLogger(), { rotationCheckMs: 0 });
    try {
      await c.record(metric({ invocationId: 'before' }));
      unlinkSync(c.path);
      await c.record(metric({ invocationId: 'after-1' }));
      await c.record(metric({ invocationId: 'after-2' }));
      await c.close();
      expect(existsSync(c.path)).toBe(true);
      expect((await loadLog(c.path)).records.map((r) => r.invocationId)).toEqual(['after-1', 'after-2']);
      expect(readFileSync(c.path, 'utf8').split('\n')).toHaveLength(3);
    } finally {
      await c.close();
    }
  });
});
