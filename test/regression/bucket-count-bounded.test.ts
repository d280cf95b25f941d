/**
 * Regression (issue 14, item 2): two valid records 230 years apart (a 362-byte log), or one record of
 * `durationMs: 1e15`, made `computeAggregate()`, `summarize` and `report` build one `parallelismOverTime`
 * bucket per minute of the span (121 million objects): 75 s, then out of memory. The series is now bounded
 * (MAX_BUCKETS): a width that needs more is a `BucketLimitError` (an `InvalidOptionError`) naming the span
 * and a width that fits, on every path; the CLI says so with exit 2; the report picks a wider width.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAggregator, computeAggregate, MAX_BUCKETS } from '../../src/aggregate/index.js';
import { BucketLimitError, InvalidOptionError } from '../../src/errors.js';
import type { InvocationMetric } from '../../src/record.js';
import { scanLogs } from '../../src/scan/index.js';
import { serializeMetric } from '../../src/serialize.js';
import { ensureBuilt, runBuiltCli } from '../cli/helpers/built-cli.js';
import { metric } from '../helpers/records.js';
import { TS_WORKER } from '../scan/helpers/compare.js';

const FAR_APART = [
  metric({ invocationId: 'a', timestamp: '1970-01-01T00:00:00.000Z' }),
  metric({ invocationId: 'b', timestamp: '2200-01-01T00:00:00.000Z' }),
];
const VERY_LONG = [metric({ invocationId: 'c', durationMs: 1e15 })];

let dir: string;
const logOf = (name: string, records: InvocationMetric[]): string => {
  const file = path.join(dir, name);
  fs.writeFileSync(file, records.map((r) => `${serializeMetric(r)}\n`).join(''));
  return file;
};

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'im-regr-buckets-'));
  await ensureBuilt();
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

/** Runs `f`, expecting a BucketLimitError quickly (no bucket is built before the check). */
function bucketError(f: () => unknown): BucketLimitError {
  const started = performance.now();
  let caught: unknown;
  try {
    f();
  } catch (error) {
    caught = error;
  }
  expect(performance.now() - started).toBeLessThan(2000);
  expect(caught).toBeInstanceOf(BucketLimitError);
  expect(caught).toBeInstanceOf(InvalidOptionError);
  return caught as BucketLimitError;
}

describe('the parallelism series is bounded', () => {
  it.each([
    ['two records 230 years apart', FAR_APART],
    ['one record of durationMs 1e15', VERY_LONG],
  ])('computeAggregate of %s: an InvalidOptionError naming the span and a width that fits', (_name, records) => {
    const e = bucketError(() => computeAggregate(records));
    expect(e.code).toBe('ERR_INVALID_OPTION');
    expect(e.option).toBe('bucketMs');
    expect(e.value).toBe(60_000);
    expect(e.buckets).toBeGreaterThan(MAX_BUCKETS);
    expect(e.message).toContain(e.spanStart);
    expect(e.message).toContain(e.spanEnd);
    expect(e.message).toContain(String(e.suggestedBucketMs));
    // The suggestion works.
    const fitted = computeAggregate(records, { bucketMs: e.suggestedBucketMs });
    expect(fitted.parallelismOverTime.length).toBeLessThanOrEqual(MAX_BUCKETS);
    expect(fitted.peakParallelInvocations).toBe(1);
  });

  it('the fold, merge() and mergeState() give the same error', () => {
    const [a, b] = FAR_APART;
    const x = createAggregator();
    x.add(a!);
    const y = createAggregator();
    y.add(b!);
    const merged = createAggregator();
    merged.merge(x);
    merged.mergeState(structuredClone(y.serialize()));
    const e = bucketError(() => merged.result());
    expect(e.buckets).toBe(bucketError(() => computeAggregate(FAR_APART)).buckets);
  });

  it('the worker path gives the same error', async () => {
    const file = logOf('workers.jsonl', [...FAR_APART, ...FAR_APART]);
    const read = await scanLogs([{ path: file, size: fs.statSync(file).size }], {
      bucketMs: 60_000,
      workers: 2,
      parallelMinBytes: 0,
      taskBytes: 400,
      workerSource: TS_WORKER,
    });
    bucketError(() => read.aggregator.result());
  });
});

describe('the CLI', () => {
  it.each([['text', []], ['--json', ['--json']]])('summarize (%s) exits 2 naming the span and a --bucket that fits', async (_name, flags) => {
    const file = logOf('far.jsonl', FAR_APART);
    expect(fs.statSync(file).size).toBeLessThan(1000);
    const r = await runBuiltCli(['summarize', file, ...flags]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('1970-01-01T00:00:00.000Z');
    expect(r.stderr).toContain('2200-01-01T00:00:');
    expect(r.stderr).not.toMatch(/\n\s+at /); // no stack
    const suggested = /use --bucket (\S+) or wider/.exec(r.stderr)?.[1];
    expect(suggested).toBeDefined();
    const ok = await runBuiltCli(['summarize', file, '--json', '--bucket', suggested!]);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout).totalInvocations).toBe(2);
  }, 60_000);

  it.each([['far.html', FAR_APART], ['long.md', VERY_LONG], ['long.html', VERY_LONG]])('report %s picks a width that fits', async (name, records) => {
    const file = logOf(`${name}.jsonl`, records);
    const out = path.join(dir, name);
    const r = await runBuiltCli(['report', file, '--out', out]);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    expect(r.code).toBe(0);
    const content = fs.readFileSync(out, 'utf8');
    expect(content.length).toBeLessThan(2_000_000);
    if (name.endsWith('.html')) {
      const data = JSON.parse(/id="invocation-metrics-data">(.*)<\/script>/s.exec(content)![1]!) as { bucketMs: number; parallelismOverTime: unknown[] };
      expect(data.bucketMs).toBeGreaterThan(60_000);
      expect(data.parallelismOverTime.length).toBeLessThanOrEqual(10_000);
    }
  }, 60_000);

  it('report with an explicit --bucket that does not fit exits 2', async () => {
    const file = logOf('far-report.jsonl', FAR_APART);
    const r = await runBuiltCli(['report', file, '--bucket', '1m', '--out', path.join(dir, 'x.html')]);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--bucket 1m is too narrow');
    expect(fs.existsSync(path.join(dir, 'x.html'))).toBe(false);
  }, 60_000);
});
