/**
 * Regression (issue 14, item 7): token sums past 2^53 were float sums, rounded differently by the
 * single-thread scan, the worker scan (shard sums added) and split files; and counts like `1e20` were
 * accepted. Counts are now safe integers (validator and fast scanner alike), and every sum is exact (a
 * float part plus a bigint carry, exact in serialized states): every path gives the Number nearest the
 * exact total.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeAggregate, createAggregator } from '../../src/aggregate/index.js';
import type { MetricsAggregate } from '../../src/aggregate/types.js';
import { findMetricProblem, type InvocationMetric } from '../../src/record.js';
import { serializeMetric } from '../../src/serialize.js';
import { ensureBuilt, runBuiltCli } from '../cli/helpers/built-cli.js';
import { metric } from '../helpers/records.js';
import { scan, TS_WORKER } from '../scan/helpers/compare.js';

const MAX = Number.MAX_SAFE_INTEGER;
/** Records whose token sums pass 2^53 in several fields and maps, with small counts between big ones. */
const RECORDS: InvocationMetric[] = Array.from({ length: 24 }, (_, i) =>
  metric({
    invocationId: `t${i}`,
    agent: ['a', 'b', 'c'][i % 3]!,
    phase: i % 2,
    model: i % 4 === 0 ? undefined : `m${i % 2}`,
    tokens: i % 3 === 0 ? MAX - i : i + 1,
    inputTokens: i % 2 === 0 ? MAX - 2 * i : 3,
    outputTokens: i % 5 === 0 ? MAX : 1,
    cachedTokens: i % 4 === 0 ? MAX - 1 : 1,
  }),
);

/** The exact sums, with BigInt, as Numbers (one rounding). */
function exact(records: InvocationMetric[]): Record<string, number> {
  const sum = (f: (r: InvocationMetric) => number | undefined, keep: (r: InvocationMetric) => boolean = () => true): number =>
    Number(records.filter(keep).reduce((s, r) => s + BigInt(f(r) ?? 0), 0n));
  return {
    totalTokens: sum((r) => r.tokens),
    totalInputTokens: sum((r) => r.inputTokens),
    totalOutputTokens: sum((r) => r.outputTokens),
    totalCachedTokens: sum((r) => r.cachedTokens),
    tokensOfA: sum((r) => r.tokens, (r) => r.agent === 'a'),
    tokensOfPhase0: sum((r) => r.tokens, (r) => r.phase === 0),
    tokensWithoutModel: sum((r) => r.tokens, (r) => r.model === undefined),
  };
}

const figures = (a: MetricsAggregate): Record<string, number> => ({
  totalTokens: a.totalTokens,
  totalInputTokens: a.totalInputTokens,
  totalOutputTokens: a.totalOutputTokens,
  totalCachedTokens: a.totalCachedTokens,
  tokensOfA: a.tokensByAgent.a!,
  tokensOfPhase0: a.tokensByPhase['0']!,
  tokensWithoutModel: a.tokensByModel['(none)']!,
});

let dir: string;
beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'im-regr-tokens-'));
  await ensureBuilt();
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('token counts are safe integers', () => {
  it.each(['tokens', 'inputTokens', 'outputTokens', 'cachedTokens'])('%s of 1e20 or 2^53 is invalid', (field) => {
    for (const value of [1e20, 2 ** 53]) expect(findMetricProblem(metric({ [field]: value }))).toMatchObject({ field, value });
    expect(findMetricProblem(metric({ [field]: MAX }))).toBeUndefined();
  });

  it('the aggregate of unvalidated records refuses them, without half-adding the record', () => {
    const a = createAggregator();
    a.add(metric({ tokens: 5 }));
    expect(() => a.add(metric({ tokens: 7, inputTokens: 1e20 }))).toThrow(/`inputTokens`/);
    expect(a.count).toBe(1);
    expect(a.result().totalTokens).toBe(5);
    const state = a.serialize();
    state.tokens.total = 1e20;
    expect(() => createAggregator().mergeState(state)).toThrow(/tokens\.total/);
  });

  it('the fast scanner skips such a line as the reader does', async () => {
    const file = path.join(dir, 'big.jsonl');
    fs.writeFileSync(file, `${serializeMetric(metric({ tokens: 1e20 }))}\n${serializeMetric(metric({ cachedTokens: 2 ** 53 }))}\n${serializeMetric(metric())}\n`);
    const got = await scan([file], { maxLineBytes: 1 << 20 });
    expect(got.skipped).toBe(2);
    expect(got.aggregate.totalInvocations).toBe(1);
  });
});

describe('token sums are exact on every path', () => {
  const expected = exact(RECORDS);

  it('computeAggregate', () => {
    expect(figures(computeAggregate(RECORDS))).toEqual(expected);
    // The float sum in input order would not be (the test would show nothing otherwise).
    expect(RECORDS.reduce((s, r) => s + r.tokens, 0)).not.toBe(expected.totalTokens);
  });

  it('shards at every cut, merged, through serialized states and structuredClone', () => {
    for (let cut = 0; cut <= RECORDS.length; cut++) {
      const x = createAggregator();
      const y = createAggregator();
      RECORDS.slice(0, cut).forEach((r) => x.add(r));
      RECORDS.slice(cut).forEach((r) => y.add(r));
      const merged = createAggregator();
      merged.merge(x);
      merged.merge(y);
      expect(figures(merged.result()), `merge at ${cut}`).toEqual(expected);
      const viaState = createAggregator();
      viaState.mergeState(structuredClone(x.serialize()));
      viaState.mergeState(structuredClone(y.serialize()));
      expect(figures(viaState.result()), `mergeState at ${cut}`).toEqual(expected);
      // And the state of the merged one merges again exactly.
      const again = createAggregator();
      again.mergeState(structuredClone(viaState.serialize()));
      expect(figures(again.result()), `re-merged at ${cut}`).toEqual(expected);
    }
  });

  it('the scanner in one thread, in workers, and over split files', async () => {
    const whole = path.join(dir, 'whole.jsonl');
    fs.writeFileSync(whole, RECORDS.map((r) => `${serializeMetric(r)}\n`).join(''));
    const parts = [0, 7, 15, 24].slice(1).map((end, i, ends) => {
      const file = path.join(dir, `part${i}.jsonl`);
      fs.writeFileSync(file, RECORDS.slice(i === 0 ? 0 : ends[i - 1], end).map((r) => `${serializeMetric(r)}\n`).join(''));
      return file;
    });
    const workers = { workers: 2, parallelMinBytes: 0, taskBytes: 700, workerSource: TS_WORKER };
    for (const [name, files, options] of [
      ['one thread', [whole], {}],
      ['workers', [whole], workers],
      ['split files', parts, {}],
      ['split files in workers', parts, workers],
    ] as const) {
      const got = await scan([...files], { maxLineBytes: 1 << 20, ...options });
      expect(got.skipped, name).toBe(0);
      expect(figures(got.aggregate), name).toEqual(expected);
    }
  });

  it('the CLI, on the whole log and on split files', async () => {
    const whole = path.join(dir, 'cli.jsonl');
    fs.writeFileSync(whole, RECORDS.map((r) => `${serializeMetric(r)}\n`).join(''));
    const a = path.join(dir, 'cli-a.jsonl');
    const b = path.join(dir, 'cli-b.jsonl');
    fs.writeFileSync(a, RECORDS.slice(0, 5).map((r) => `${serializeMetric(r)}\n`).join(''));
    fs.writeFileSync(b, RECORDS.slice(5).map((r) => `${serializeMetric(r)}\n`).join(''));
    const [one, split] = await Promise.all([runBuiltCli(['summarize', '--json', whole]), runBuiltCli(['summarize', '--json', a, b])]);
    expect(figures(JSON.parse(one.stdout))).toEqual(expected);
    expect(figures(JSON.parse(split.stdout))).toEqual(expected);
  }, 60_000);
});
