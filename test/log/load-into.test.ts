/**
 * `loadLogPrefixInto` on worker threads (the collector's `loadFromDisk()` of a large log), on real files:
 * a log that is no longer the collector's file or cannot be read is a `LogAccessError` and leaves the
 * store as it was; the workers read only the prefix, through the file the main thread opened and checked.
 */
import fs from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LogAccessError } from '../../src/errors.js';
import { loadLogPrefixInto, type ParallelLoadOptions } from '../../src/log/load-into.js';
import { RecordStore } from '../../src/record-store.js';
import { loadInWorkers } from '../../src/scan/load-columns.js';
import { serializeMetric } from '../../src/serialize.js';
import { metric, tempDir } from '../helpers/records.js';
import { TS_WORKER } from '../scan/helpers/compare.js';

const WORKERS: ParallelLoadOptions = { parallelMinBytes: 0, workers: 2, workerSource: TS_WORKER, taskBytes: 1000 };

let dir: string;
let cleanup: () => void;
beforeEach(() => ({ dir, cleanup } = tempDir('im-load-into-')));
afterEach(() => cleanup());

function writeRecords(file: string, ids: string[]): void {
  fs.writeFileSync(file, ids.map((id) => `${serializeMetric(metric({ invocationId: id }))}\n`).join(''));
}

describe('loadLogPrefixInto on worker threads', () => {
  it('reads only the prefix: records written after it are not loaded, even mid-line', async () => {
    const file = join(dir, 'log.jsonl');
    const ids = Array.from({ length: 60 }, (_, i) => `r${i}`);
    writeRecords(file, ids);
    const { dev, ino, size } = fs.statSync(file, { bigint: true });
    fs.appendFileSync(file, `${serializeMetric(metric({ invocationId: 'after' }))}\n`);
    const store = new RecordStore();
    const warnings: unknown[] = [];
    const got = await loadLogPrefixInto(file, { dev, ino, bytes: Number(size) }, store, { ...WORKERS, onWarning: (w) => warnings.push(w) });
    expect(got).toEqual({ from: 0, loaded: 60, skipped: 0 });
    expect(store.toArray().map((r) => r.invocationId)).toEqual(ids);
    expect(warnings).toEqual([]);
    // A prefix that ends inside a line: that line is torn, as a read of those bytes alone finds it.
    const cut = await loadLogPrefixInto(file, { dev, ino, bytes: Number(size) - 10 }, new RecordStore(), { ...WORKERS, onWarning: (w) => warnings.push(w) });
    expect(cut).toMatchObject({ loaded: 59, skipped: 1 });
    expect(warnings).toEqual([{ file, line: 60, reason: expect.stringMatching(/^torn last line/) as string }]);
  });

  it('refuses a log replaced since the prefix was taken, and loads nothing', async () => {
    const file = join(dir, 'log.jsonl');
    writeRecords(file, ['a', 'b']);
    const { dev, ino, size } = fs.statSync(file, { bigint: true });
    fs.renameSync(file, join(dir, 'log.1.jsonl'));
    writeRecords(file, ['c', 'd', 'e']);
    const store = new RecordStore();
    const error = await loadLogPrefixInto(file, { dev, ino, bytes: Number(size) }, store, WORKERS).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(LogAccessError);
    expect((error as Error).message).toContain(file);
    expect(store.length).toBe(0);
  });

  it("returns a worker's read error (EISDIR: a directory opened as the log) and no records", async () => {
    const fd = fs.openSync(dir, 'r');
    try {
      const got = await loadInWorkers({ file: dir, fd, limit: 5000, maxLineBytes: 4096, skip: 0, onWarning: () => {}, workers: 2, source: TS_WORKER, taskBytes: 1000, readBytes: 512 });
      expect(got.failed).toMatchObject({ code: 'EISDIR' });
      expect(got.pieces).toEqual([]);
    } finally {
      fs.closeSync(fd);
    }
  });
});
