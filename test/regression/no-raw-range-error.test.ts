/**
 * Regression (issue 14, item 3): `RangeError: Invalid time value` came raw out of the aggregate (a
 * bucket start or the last end written as a date past +275760) with a record of `durationMs: 8.64e15`,
 * or with a very wide `bucketMs` and a record before 1970. Now: a record whose end is past the last valid
 * date is invalid (`durationMs`, refused by `record()`, skipped with a warning by the readers and the
 * fast scanner alike, and an `InvalidMetricError` from the aggregate of unvalidated records); a width
 * whose first bucket would start before the first valid date is a `BucketLimitError`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeAggregate, createAggregator } from '../../src/aggregate/index.js';
import { BucketLimitError, InvalidMetricError } from '../../src/errors.js';
import { findMetricProblem, MAX_TIME_MS } from '../../src/record.js';
import { serializeMetric } from '../../src/serialize.js';
import { ensureBuilt, runBuiltCli } from '../cli/helpers/built-cli.js';
import { metric } from '../helpers/records.js';
import { scan, TS_WORKER } from '../scan/helpers/compare.js';

const PAST_THE_END = metric({ invocationId: 'end', durationMs: 8.64e15 });
const BEFORE_1970 = metric({ invocationId: 'old', timestamp: '1969-12-31T23:59:00.000Z', durationMs: 1000 });

let dir: string;
beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'im-regr-range-'));
  await ensureBuilt();
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('no raw RangeError from the aggregate', () => {
  it('a record whose end is past the last valid date is invalid, naming durationMs', () => {
    expect(findMetricProblem(PAST_THE_END)).toMatchObject({ code: 'ERR_INVALID_METRIC', field: 'durationMs', value: 8.64e15 });
    // The last valid instant itself is fine.
    const start = Date.parse(PAST_THE_END.timestamp);
    expect(findMetricProblem({ ...PAST_THE_END, durationMs: MAX_TIME_MS - start })).toBeUndefined();
  });

  it('the aggregate of unvalidated records throws the same InvalidMetricError, on every path', () => {
    expect(() => computeAggregate([PAST_THE_END])).toThrow(InvalidMetricError);
    expect(() => computeAggregate([PAST_THE_END], { bucketMs: 1e15 })).toThrow(/durationMs/);
    const a = createAggregator({ bucketMs: 1e15 });
    a.add(PAST_THE_END);
    const b = createAggregator({ bucketMs: 1e15 });
    b.merge(a);
    expect(() => b.result()).toThrow(InvalidMetricError);
  });

  it('a merged state whose end is past the last date gives the same error', () => {
    const a = createAggregator();
    a.add(metric());
    const state = a.serialize();
    state.columns.durationMs[0] = 8.64e15;
    const b = createAggregator();
    b.mergeState(state);
    expect(() => b.result()).toThrow(InvalidMetricError);
    // A start that no timestamp gives is refused by the state check itself.
    state.columns.durationMs[0] = 1;
    state.columns.start[0] = 1e300;
    expect(() => createAggregator().mergeState(state)).toThrow(/columns\.start\[0\]/);
  });

  it('a width whose first bucket starts before the first valid date is a BucketLimitError', () => {
    for (const bucketMs of [Number.MAX_SAFE_INTEGER, 8.7e15]) {
      let caught: unknown;
      try {
        computeAggregate([BEFORE_1970], { bucketMs });
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(BucketLimitError);
      const e = caught as BucketLimitError;
      expect(e.message).toContain('1969-12-31T23:59:00.000Z');
      expect(computeAggregate([BEFORE_1970], { bucketMs: e.suggestedBucketMs }).parallelismOverTime).toHaveLength(1);
    }
    // A wide width that fits: from the bucket holding 1969 to the one holding the year 274,000 or so.
    const far = metric({ timestamp: '2026-01-01T00:00:00Z', durationMs: 8.6e15 });
    const series = computeAggregate([BEFORE_1970, far], { bucketMs: 1e15 }).parallelismOverTime;
    expect(series).toHaveLength(10);
    expect(series[0]!.bucketStart).toBe(new Date(-1e15).toISOString());
    expect(series.at(-1)!.bucketStart).toBe(new Date(8e15).toISOString());
  });

  it('the fast scanner and the reader skip such a line alike (one thread and workers)', async () => {
    const file = path.join(dir, 'end.jsonl');
    fs.writeFileSync(file, `${serializeMetric(PAST_THE_END)}\n${serializeMetric(metric({ invocationId: 'ok' }))}\n`);
    for (const options of [{ maxLineBytes: 1 << 20 }, { maxLineBytes: 1 << 20, workers: 2, parallelMinBytes: 0, taskBytes: 200, workerSource: TS_WORKER }]) {
      const got = await scan([file], options);
      expect(got.skipped).toBe(1);
      expect(got.warnings[0]!.reason).toMatch(/`durationMs`/);
      expect(got.aggregate.totalInvocations).toBe(1);
    }
  });

  it('the CLI skips the line with a warning, and a too-wide --bucket is a usage error; never a stack', async () => {
    const file = path.join(dir, 'cli.jsonl');
    fs.writeFileSync(file, `${serializeMetric(PAST_THE_END)}\n${serializeMetric(BEFORE_1970)}\n`);
    const r = await runBuiltCli(['summarize', file, '--json', '--bucket', '1000000000000000']);
    expect(r.code).toBe(0);
    expect(r.stderr).toContain('`durationMs`');
    expect(JSON.parse(r.stdout).totalInvocations).toBe(1);
    const wide = await runBuiltCli(['summarize', file, '--bucket', String(Number.MAX_SAFE_INTEGER)]);
    expect(wide.code).toBe(2);
    expect(wide.stderr).toContain('too wide');
    for (const out of [r.stderr, wide.stderr]) {
      expect(out).not.toContain('RangeError');
      expect(out).not.toMatch(/\n\s+at /);
    }
  }, 60_000);
});
