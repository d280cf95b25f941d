/**
 * `summarize ... --bucket 30s` on a terminal (issue 20, item 9): the flag changed nothing in the text
 * tables. The text summary now ends with the parallelism over time in those buckets.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { MetricsAggregate } from '../../src/aggregate/types.js';
import { computeAggregate } from '../../src/aggregate/index.js';
import { parallelismTable } from '../../src/report/parallelism-table.js';
import { ensureBuilt, runBuiltCli } from '../cli/helpers/built-cli.js';
import { rec } from '../report/helpers/records.js';

beforeAll(async () => {
  await ensureBuilt();
});

/** The rows of the text's parallelism table: [start, peak]. */
function parallelismRows(text: string): { title: string; rows: [string, number][] } {
  const [, section = ''] = text.split(/^(?=Parallelism over time)/m);
  const [title = '', , , ...lines] = section.trimEnd().split('\n');
  return { title, rows: lines.map((l) => l.trim().split(/\s+/)).map(([start = '', peak = '']) => [start, Number(peak.replace(/,/g, ''))]) };
}

describe('summarize --bucket on a terminal', () => {
  it('shows the parallelism in the chosen buckets, as --json has them', async () => {
    const file = 'test/fixtures/cli/run.jsonl';
    const [text30, text60, json30] = await Promise.all([
      runBuiltCli(['summarize', file, '--bucket', '30s']),
      runBuiltCli(['summarize', file, '--bucket', '60s']),
      runBuiltCli(['summarize', file, '--bucket', '30s', '--json']),
    ]);
    expect(text30.stdout).not.toBe(text60.stdout);
    const expected = (JSON.parse(json30.stdout) as MetricsAggregate).parallelismOverTime.map((b): [string, number] => [b.bucketStart.slice(11, 19), b.concurrent]);
    expect(expected.length).toBeGreaterThan(3);
    expect(parallelismRows(text30.stdout)).toEqual({ title: 'Parallelism over time (30 s buckets, UTC)', rows: expected });
    expect(parallelismRows(text60.stdout).title).toBe('Parallelism over time (1 min buckets, UTC)');
  });
});

describe('parallelismTable', () => {
  it('merges buckets past maxRows into rows of their largest value, so the peak is kept', () => {
    const records = [rec('a', 0, { durationMs: 1_000 }), rec('a', 0.5, { durationMs: 1_000 }), rec('a', 7, { durationMs: 500 })];
    const a = computeAggregate(records, { bucketMs: 1000 });
    expect(a.parallelismOverTime.map((b) => b.concurrent)).toEqual([2, 1, 0, 0, 0, 0, 0, 1]);
    const t = parallelismTable(a, 3);
    expect(t.title).toBe('Parallelism over time (3 s per row, each the largest of its 3 buckets of 1 s; UTC)');
    expect(t.rows).toEqual([
      ['09:00:00', '2', '##############################'],
      ['09:00:03', '0', ''],
      ['09:00:06', '1', '###############'],
    ]);
  });

  it('shows dates when the run crosses midnight, milliseconds when the rows need them', () => {
    const late = computeAggregate([rec('a', 14.5 * 3600, { durationMs: 2 * 3600_000 })], { bucketMs: 3_600_000 });
    expect(parallelismTable(late).rows.map((r) => r[0])).toEqual(['2026-11-20 23:00:00', '2026-11-21 00:00:00', '2026-11-21 01:00:00']);
    const fine = computeAggregate([rec('a', 0, { durationMs: 600 })], { bucketMs: 250 });
    expect(parallelismTable(fine).rows.map((r) => r[0])).toEqual(['09:00:00.000', '09:00:00.250', '09:00:00.500']);
    expect(parallelismTable(computeAggregate([])).rows).toEqual([]);
  });
});
