/**
 * Regression (issue 14, item 4): the text summary spread every row into `Math.max(...)` and crashed
 * (`Maximum call stack size exceeded`) from about 125,000 agents or phases; the HTML report ran out of
 * string length at a million agents; and `summarize --json` built its whole text as one string. Tables
 * now show at most 100 rows (the ones with the most invocations) and an `… and K more` row with the
 * rest's sums; the HTML report's embedded data keeps at most 1,000 names per kind (`omittedKeys` says how
 * many were left out); `--json` is written in pieces.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAggregator } from '../../src/aggregate/index.js';
import type { MetricsAggregate } from '../../src/aggregate/types.js';
import { writeJson } from '../../src/cli/json-output.js';
import { renderHtmlReport } from '../../src/report/html.js';
import { renderMarkdownReport } from '../../src/report/markdown.js';
import { renderTextSummary } from '../../src/report/text.js';
import { serializeMetric } from '../../src/serialize.js';
import { ensureBuilt, runBuiltCli } from '../cli/helpers/built-cli.js';
import { metric } from '../helpers/records.js';

const N = 130_000;
let aggregate: MetricsAggregate;
let dir: string;

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'im-regr-names-'));
  const aggregator = createAggregator();
  const base = metric();
  // Distinct agents and phases; agent-7 has the most invocations, so it must be among those shown.
  for (let i = 0; i < N; i++) aggregator.add({ ...base, agent: `agent-${i}`, phase: i, cost: 0.5, tokens: 10 });
  for (let i = 0; i < 3; i++) aggregator.add({ ...base, agent: 'agent-7', phase: 7, cost: 0.5, tokens: 10 });
  aggregate = aggregator.result();
  await ensureBuilt();
}, 120_000);
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('reports of many names are bounded', () => {
  it('the text summary shows the top rows and how many more, with their sums', () => {
    const text = renderTextSummary(aggregate);
    expect(text.length).toBeLessThan(100_000);
    expect(text).toContain(`… and ${(N - 100).toLocaleString('en-US')} more agents`);
    expect(text).toContain(`… and ${(N - 100).toLocaleString('en-US')} more phases`);
    expect(text).toMatch(/\nagent-7 +4 /);
    // The rest row's invocations add up with the shown rows to the total.
    const rest = new RegExp(`… and ${(N - 100).toLocaleString('en-US')} more agents +([\\d,]+)`).exec(text)![1]!;
    expect(Number(rest.replace(/,/g, ''))).toBe(N - 100);
  });

  it('the Markdown and HTML reports are bounded too, and the HTML data says what it left out', () => {
    const md = renderMarkdownReport(aggregate);
    expect(md.length).toBeLessThan(200_000);
    expect(md).toContain('more agents');
    const html = renderHtmlReport(aggregate);
    expect(html.length).toBeLessThan(2_000_000);
    const data = JSON.parse(/id="invocation-metrics-data">(.*)<\/script>/s.exec(html)![1]!) as MetricsAggregate & { omittedKeys: Record<string, number> };
    expect(data.omittedKeys).toEqual({ agents: N - 1000, phases: N - 1000 });
    expect(Object.keys(data.invocationsByAgent)).toHaveLength(1000);
    expect(data.invocationsByAgent['agent-7']).toBe(4);
    expect(data.totalInvocations).toBe(N + 3);
  });

  it('--json is written in pieces, byte for byte as JSON.stringify', () => {
    // 3,000 agents: past the size from which maps are written entry by entry, and quick to compare.
    const aggregator = createAggregator();
    for (let i = 0; i < 3000; i++) aggregator.add(metric({ agent: `agent-${i}`, phase: i % 7, durationMs: i }));
    const some = aggregator.result();
    const chunks: string[] = [];
    writeJson({ write: (s: string) => chunks.push(s) }, { ...some, big: Array.from({ length: 300_000 }, (_, i) => ({ i })) });
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.join('')).toBe(`${JSON.stringify({ ...some, big: Array.from({ length: 300_000 }, (_, i) => ({ i })) }, null, 2)}\n`);
    const empty: string[] = [];
    writeJson({ write: (s: string) => empty.push(s) }, createAggregator().result());
    expect(empty.join('')).toBe(`${JSON.stringify(createAggregator().result(), null, 2)}\n`);
  });

  it('the CLI summarizes 130,000 agents as text', async () => {
    const file = path.join(dir, 'names.jsonl');
    const base = metric();
    const lines: string[] = [];
    for (let i = 0; i < N; i++) lines.push(`${serializeMetric({ ...base, invocationId: `i${i}`, agent: `agent-${i}`, phase: i })}\n`);
    fs.writeFileSync(file, lines.join(''));
    const r = await runBuiltCli(['summarize', file]);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    expect(r.stdout).toContain(`… and ${(N - 100).toLocaleString('en-US')} more agents`);
  }, 120_000);
});
