/**
 * `replayLoadedRecords`: `loadFromDisk()` mirrors exactly the records it loaded (those after `skipCount`),
 * not those skipped nor those the collector recorded itself (mirrored once, by `record()`); without the
 * option, nothing loaded is mirrored.
 */
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { InvocationMetricsCollector } from '../../src/collector.js';
import { coverageRecords } from '../fixtures/otel/records.js';
import { expectedTable } from '../helpers/otel-expected.js';
import { TestReader, plain, tableFromResourceMetrics } from '../helpers/otel-read.js';
import { memoryLogger, metric, tempDir } from '../helpers/records.js';

let dir: string;
let cleanup: () => void;
const providers: MeterProvider[] = [];
beforeEach(() => ({ dir, cleanup } = tempDir('im-replay-')));
afterEach(async () => {
  for (const p of providers.splice(0)) await p.shutdown();
  cleanup();
});

async function mirrored(replay: boolean, skip: number) {
  const reader = new TestReader();
  const provider = new MeterProvider({ readers: [reader] });
  providers.push(provider);
  const c = new InvocationMetricsCollector(dir, memoryLogger(), { meter: provider.getMeter('my-app'), replayLoadedRecords: replay });
  const { loaded } = await c.loadFromDisk(skip);
  const own = metric({ invocationId: 'own', agent: 'reviewer' });
  await c.record(own);
  await c.close();
  const { resourceMetrics } = await reader.collect();
  return { loaded, own, table: plain(tableFromResourceMetrics(resourceMetrics, 'my-app').table) };
}

describe('replayLoadedRecords', () => {
  it('mirrors the loaded records after the skip, once each, beside those recorded', async () => {
    const records = coverageRecords();
    const earlier = new InvocationMetricsCollector(dir, memoryLogger());
    await Promise.all(records.map((r) => earlier.record(r)));
    await earlier.close();
    const { loaded, own, table } = await mirrored(true, 2);
    expect(loaded).toBe(records.length - 2);
    expect(table).toEqual(plain(expectedTable([own, ...records.slice(2)])));
    const off = await mirrored(false, 0);
    expect(off.table).toEqual(plain(expectedTable([off.own])));
  });
});
