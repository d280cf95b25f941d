/**
 * Regression (issue 14, item 5): `loadFromDisk()` read the whole log, so the records this collector had
 * written (before or during the load) were loaded a second time: 616,200 records in memory for 333,400 real
 * ones; and `record(); record(); loadFromDisk(getCount())` dropped two old records and doubled the two new
 * ones. It now reads only what the log held when the collector opened it (this collector's own records are
 * in memory already), and refuses a `skipCount` that can only be counting this collector's own records.
 */
import { renameSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InvocationMetricsCollector } from '../../src/collector.js';
import { InvalidOptionError, LogAccessError } from '../../src/errors.js';
import { loadLog } from '../../src/log/reader.js';
import { memoryLogger, metric, tempDir } from '../helpers/records.js';

let dir: string;
let cleanup: () => void;
const open: InvocationMetricsCollector[] = [];
beforeEach(() => ({ dir, cleanup } = tempDir('im-regr-load-')));
afterEach(async () => {
  for (const c of open.splice(0)) await c.close().catch(() => undefined);
  cleanup();
});

function collector(): InvocationMetricsCollector {
  const c = new InvocationMetricsCollector(dir, memoryLogger());
  open.push(c);
  return c;
}

/** A log left by an earlier run: `n` records `old-<i>`. */
async function earlierRun(n: number): Promise<void> {
  const c = collector();
  for (let i = 0; i < n; i++) void c.record(metric({ invocationId: `old-${i}` }));
  await c.close();
}

function expectEachOnce(c: InvocationMetricsCollector, expected: string[]): void {
  const ids = c.getAll().map((m) => m.invocationId);
  expect(ids).toHaveLength(expected.length);
  expect(new Set(ids).size).toBe(ids.length);
  expect([...ids].sort()).toEqual([...expected].sort());
}

const range = (prefix: string, n: number): string[] => Array.from({ length: n }, (_, i) => `${prefix}-${i}`);

describe('loadFromDisk() while the collector records', () => {
  it('loads the earlier records once and none of its own, written before or during the load', async () => {
    const OLD = 10_000;
    await earlierRun(OLD);
    const c = collector();
    for (let i = 0; i < 50; i++) void c.record(metric({ invocationId: `new-${i}` }));
    await c.flush(); // on disk before the load starts: the old code read them back
    let n = 50;
    let loading = true;
    const load = c.loadFromDisk().finally(() => (loading = false));
    // Keep recording, a batch per turn of the event loop, for as long as the load reads.
    while (loading) {
      for (let i = 0; i < 20; i++) void c.record(metric({ invocationId: `new-${n++}` }));
      await new Promise((resolve) => setImmediate(resolve));
    }
    expect((await load).loaded).toBe(OLD);
    await c.flush();
    expect(n).toBeGreaterThan(50);
    expectEachOnce(c, [...range('old', OLD), ...range('new', n)]);
    // Memory and disk agree: getCount() is still what a checkpoint stores.
    expect(c.getCount()).toBe((await loadLog(c.path)).records.length);
  });

  it('record(); record(); loadFromDisk(getCount()) is refused with a clear error, and loadFromDisk() then loads the old records once', async () => {
    await earlierRun(5);
    const c = collector();
    await c.record(metric({ invocationId: 'new-0' }));
    await c.record(metric({ invocationId: 'new-1' }));
    const refused = await c.loadFromDisk(c.getCount()).then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(InvalidOptionError);
    expect((refused as Error).message).toMatch(/skipCount.*at most 0.*recorded 2 itself/s);
    expectEachOnce(c, ['new-0', 'new-1']);

    expect(await c.loadFromDisk()).toEqual({ loaded: 5, skipped: 0 });
    expectEachOnce(c, [...range('old', 5), 'new-0', 'new-1']);
  });

  it('the resume of the README (restore, loadFromDisk(metricsCount), then record) still loads exactly what followed the checkpoint', async () => {
    const a = collector();
    for (let i = 0; i < 4; i++) void a.record(metric({ invocationId: `old-${i}` }));
    await a.flush();
    const checkpoint = { metricsCount: a.getCount(), records: a.getAll() };
    await a.record(metric({ invocationId: 'old-4' }));
    await a.close();
    const b = collector();
    b.restore(checkpoint.records);
    await b.record(metric({ invocationId: 'new-0' })); // an agent that started before the load: allowed
    expect(await b.loadFromDisk(checkpoint.metricsCount)).toEqual({ loaded: 1, skipped: 0 });
    expectEachOnce(b, [...range('old', 5), 'new-0']);
  });

  it('refuses, rather than loads its own records, once the log was rotated away', async () => {
    await earlierRun(3);
    const c = collector();
    renameSync(c.path, join(dir, 'rotated.jsonl'));
    const refused = await c.loadFromDisk().then(
      () => undefined,
      (e: unknown) => e,
    );
    expect(refused).toBeInstanceOf(LogAccessError);
    expect((refused as Error).message).toContain(c.path);
    expect((refused as Error).message).toMatch(/moved or deleted/);
    expect(c.getCount()).toBe(0);
  });
});
