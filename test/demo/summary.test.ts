/**
 * The demo's summary: the `summarize` tables followed by the slowest agents.
 */
import { describe, expect, it } from 'vitest';
import { computeAggregate } from '../../src/aggregate/index.js';
import { renderDemoSummary, slowestAgentsTable } from '../../src/demo/summary.js';
import type { InvocationMetric } from '../../src/record.js';
import { renderTextSummary } from '../../src/report/text.js';

const rec = (agent: string, durationMs: number, i: number): InvocationMetric => ({
  invocationId: `${agent}-${i}`,
  agent,
  phase: 0,
  durationMs,
  tokens: 10,
  cost: 0.01,
  exitCode: 0,
  success: true,
  attempt: 1,
  outputParsed: true,
  timestamp: new Date(Date.UTC(2026, 10, 20, 9, 0, i)).toISOString(),
});

const AGG = computeAggregate([
  rec('fast', 1_000, 0),
  rec('slow', 200_000, 1),
  rec('slow', 10_000, 2),
  rec('mid', 60_000, 3),
  rec('tie-b', 30_000, 4),
  rec('tie-a', 30_000, 5),
]);

describe('slowestAgentsTable', () => {
  it('lists agents by p95 duration, slowest first, ties by name, at most `limit` rows', () => {
    const t = slowestAgentsTable(AGG, 4);
    expect(t.rows.map((r) => r[0])).toEqual(['slow', 'mid', 'tie-a', 'tie-b']);
    expect(t.rows[0]).toEqual(['slow', '2', '10.0 s', '3m 20s', '3m 20s']);
    expect(t.columns.map((c) => c.header)).toEqual(['Agent', 'Invocations', 'p50', 'p95', 'Max']);
    expect(slowestAgentsTable(AGG).rows).toHaveLength(5);
    expect(slowestAgentsTable(computeAggregate([])).rows).toEqual([]);
  });
});

describe('renderDemoSummary', () => {
  it('is the summarize text followed by the slowest agents, coloured only on request', () => {
    const text = renderDemoSummary(AGG);
    expect(text.startsWith(renderTextSummary(AGG))).toBe(true);
    expect(text).toMatch(/\nSlowest agents \(top 5 by p95 duration\)\nAgent +Invocations +p50 +p95 +Max\n/);
    expect(text).toMatch(/Peak parallelism +\d/);
    expect(text).not.toContain('\x1b[');
    expect(renderDemoSummary(AGG, { color: true })).toContain('\x1b[1m');
  });
});
