/**
 * The frames of `watch`: every line within the terminal's width, the tables cut to its height with a
 * `… and K more` row, untrusted names escaped, and the plain line's pairs.
 */
import { describe, expect, it } from 'vitest';
import { computeAggregate } from '../../src/aggregate/index.js';
import type { InvocationMetric } from '../../src/record.js';
import { renderPlainLine, renderScreen, type ScreenView } from '../../src/cli/watch-screen.js';
import { textWidth } from '../../src/cli/watch-width.js';

const NOW = Date.parse('2026-11-20T09:10:00Z');
const rec = (i: number, agent: string, phase: number, extra: Partial<InvocationMetric> = {}): InvocationMetric => ({
  invocationId: `i${i}`,
  agent,
  phase,
  durationMs: 1000 + i,
  tokens: 100,
  cost: 0.01,
  exitCode: 0,
  success: i % 4 !== 0,
  attempt: 1,
  outputParsed: true,
  timestamp: new Date(NOW - 120_000 + i * 10).toISOString(),
  ...extra,
});

function view(records: InvocationMetric[], extra: Partial<ScreenView> = {}): ScreenView {
  return {
    snapshot: {
      aggregate: records.length === 0 ? undefined : computeAggregate(records),
      records: records.length,
      totals: {
        successes: records.filter((r) => r.success).length,
        cost: records.reduce((sum, r) => sum + r.cost, 0),
        tokens: records.reduce((sum, r) => sum + r.tokens, 0),
      },
      aggregatedRecords: records.length,
      skipped: 2,
      window: { invocations: 7, cost: 0.5, tokens: 1200, slowest: [{ agent: 'coder', phase: 2, taskId: 'T-1', durationMs: 45_100, success: false }] },
      notices: ['a.jsonl: truncated (0 bytes, 10 were read); reading it again from the start'],
    },
    inFlight: undefined,
    files: 3,
    inputs: 'metrics/',
    nowMs: NOW,
    catchingUp: false,
    ...extra,
  };
}

// 40 agents over 12 phases, the busiest agent first.
const many = Array.from({ length: 400 }, (_, i) => rec(i, `agent-${String(i % 40).padStart(2, '0')}${i % 40 === 0 ? '-busy' : ''}`, i % 12));
many.push(...Array.from({ length: 30 }, (_, i) => rec(1000 + i, 'agent-00-busy', 11)));

describe('renderScreen', () => {
  it('fits 80x24: 24 lines, none wider than 80, the busiest agents and the latest phases kept', () => {
    const lines = renderScreen(view(many, { inFlight: { total: 5, byAgent: new Map([['agent-00-busy', 5]]), series: 1 } }), 80, 24);
    expect(lines).toHaveLength(24);
    for (const l of lines) expect(Array.from(l).length).toBeLessThanOrEqual(80);
    const text = lines.join('\n');
    expect(text).toMatch(/^in flight {4}5 \(from the endpoint\)$/m);
    expect(text).toMatch(/^invocations {2}430 {3}7\/min {3}success 74\.9% {3}peak parallel \d+$/m);
    expect(text).toMatch(/^agent-00-busy +40 .* 5$/m); // first row: the busiest, 5 running
    expect(text).toMatch(/^… and \d+ more agents$/m);
    expect(text).toMatch(/^… and \d+ earlier phases$/m);
    expect(text).toMatch(/^11 +63 /m); // the latest phase is shown
    expect(text).toContain('slowest, last min  45.1 s coder/2 T-1 failed');
    expect(lines[0]).toMatch(/^invocation-metrics watch metrics\/ +3 files {2}09:10:00 UTC$/);
  });

  it('says when the tables cover fewer records than the headline (a lagging aggregate)', () => {
    const v = view(many);
    v.snapshot.records = 500;
    expect(renderScreen(v, 120, 24).join('\n')).toMatch(/^retries .* skipped lines 2 {3}\(tables: first 430\)$/m);
    expect(renderScreen(view(many), 120, 24).join('\n')).not.toContain('tables: first');
  });

  it('keeps every line within a narrow or short terminal, top lines first, wide names included', () => {
    const wide = [...many, ...Array.from({ length: 60 }, (_, i) => rec(2000 + i, '审稿人'.repeat(1 + (i % 9)) + ' 🚀', i % 3, { taskId: '任务'.repeat(20) }))];
    for (const [w, h] of [[80, 24], [40, 10], [20, 5], [120, 60]] as const) {
      const v = view(wide);
      v.snapshot.window.slowest = [{ agent: '审稿人'.repeat(30), phase: 1, taskId: '任务', durationMs: 5000, success: true }];
      v.snapshot.notices = [`${'目录/'.repeat(40)}a.jsonl: truncated`];
      const lines = renderScreen(v, w, h);
      expect(lines.length).toBeLessThanOrEqual(h);
      for (const l of lines) expect(textWidth(l)).toBeLessThanOrEqual(w);
    }
    expect(renderScreen(view(many), 80, 4)[1]).toMatch(/^in flight {4}n\/a/);
  });

  it('shows control characters of names as \\u{..}, never raw', () => {
    const hostile = [rec(1, 'evil\x1b[2J\x07name', 0, { taskId: 'T\x1b]0;x\x07' })];
    const v = view(hostile);
    v.snapshot.window.slowest = [{ agent: 'evil\x1b[2J', phase: 0, taskId: 'T\x9b', durationMs: 1, success: true }];
    v.snapshot.notices = ['x.jsonl:1: \x1b[31m'];
    const text = renderScreen(v, 200, 40).join('\n');
    // eslint-disable-next-line no-control-regex
    expect(text).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);
    expect(text).toContain('evil\\u{1b}[2J\\u{7}name');
  });
});

describe('renderPlainLine', () => {
  it('writes key=value pairs of the figures', () => {
    const records = [rec(1, 'a', 0), rec(2, 'a', 0, { attempt: 2 })];
    expect(renderPlainLine(view(records, { inFlight: { error: 'ECONNREFUSED' } }))).toBe(
      '2026-11-20T09:10:00.000Z invocations=2 per_min=7 in_flight=? success=1.0000 cost_usd=0.0200 cost_usd_per_min=0.5000 ' +
        'tokens=200 tokens_per_min=1200 retries=1 infra=0 code=1 escalations=0 skipped=2 files=3 aggregated=2',
    );
    expect(renderPlainLine(view([]))).toContain(' in_flight=n/a success=n/a cost_usd=0.0000 ');
  });
});
