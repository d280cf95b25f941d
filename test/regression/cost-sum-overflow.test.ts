/**
 * Regression (issue 14, item 8): two costs of 1.7e308 summed to Infinity: `"totalCost": null` in the
 * JSON, `$Infinity` in the text and Markdown. A record's cost is now at most 1e15 USD (MAX_COST_USD), so
 * no sum of costs can overflow: larger costs are invalid (refused by `record()`, skipped with a warning by
 * the readers), and the aggregate of unvalidated records that would overflow throws the same typed
 * `InvalidMetricError` instead of reporting Infinity.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { computeAggregate, createAggregator } from '../../src/aggregate/index.js';
import { InvalidMetricError } from '../../src/errors.js';
import { findMetricProblem, MAX_COST_USD } from '../../src/record.js';
import { serializeMetric } from '../../src/serialize.js';
import { ensureBuilt, runBuiltCli } from '../cli/helpers/built-cli.js';
import { metric } from '../helpers/records.js';
import { scan } from '../scan/helpers/compare.js';

let dir: string;
beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'im-regr-cost-'));
  await ensureBuilt();
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const HUGE = [metric({ invocationId: 'x', cost: 1.7e308 }), metric({ invocationId: 'y', cost: 1.7e308 })];

describe('cost sums never overflow', () => {
  it('a cost above 1e15 USD is invalid; 1e15 itself is fine', () => {
    expect(findMetricProblem(HUGE[0])).toMatchObject({ code: 'ERR_INVALID_METRIC', field: 'cost', value: 1.7e308 });
    expect(findMetricProblem(metric({ cost: MAX_COST_USD * 1.0000001 }))?.field).toBe('cost');
    expect(findMetricProblem(metric({ cost: MAX_COST_USD }))).toBeUndefined();
  });

  it('the largest valid costs sum to a finite total', () => {
    const a = computeAggregate(Array.from({ length: 1000 }, () => metric({ cost: MAX_COST_USD })));
    expect(Number.isFinite(a.totalCost)).toBe(true);
  });

  it('the aggregate of unvalidated records that overflow throws a typed error, not Infinity (fold and merged states)', () => {
    expect(() => computeAggregate(HUGE)).toThrow(InvalidMetricError);
    expect(() => computeAggregate(HUGE)).toThrow(/`cost`/);
    const x = createAggregator();
    x.add(HUGE[0]!);
    const y = createAggregator();
    y.add(HUGE[1]!);
    x.merge(y);
    expect(() => x.result()).toThrow(InvalidMetricError);
    const viaState = createAggregator();
    viaState.mergeState(structuredClone(y.serialize()));
    viaState.mergeState(structuredClone(y.serialize()));
    expect(() => viaState.result()).toThrow(InvalidMetricError);
  });

  it('the scanner and the CLI skip such lines; no Infinity or null in any output', async () => {
    const file = path.join(dir, 'cost.jsonl');
    fs.writeFileSync(file, [...HUGE, metric({ invocationId: 'ok', cost: 0.5 })].map((r) => `${serializeMetric(r)}\n`).join(''));
    const got = await scan([file], { maxLineBytes: 1 << 20 });
    expect(got.skipped).toBe(2);
    expect(got.aggregate.totalCost).toBe(0.5);
    const [json, text] = await Promise.all([runBuiltCli(['summarize', '--json', file]), runBuiltCli(['summarize', file])]);
    expect(json.code).toBe(0);
    expect(JSON.parse(json.stdout).totalCost).toBe(0.5);
    expect(text.stdout).not.toContain('Infinity');
    const md = path.join(dir, 'cost.md');
    const report = await runBuiltCli(['report', file, '--out', md]);
    expect(report.code).toBe(0);
    expect(fs.readFileSync(md, 'utf8')).not.toContain('Infinity');
  }, 60_000);
});
