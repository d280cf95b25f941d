/**
 * examples/ops/grafana-dashboard.json: an importable dashboard whose every query selects metrics and labels
 * that a real endpoint serves (a collector with createTelemetry, fed with the demo's plan), and parses as
 * PromQL (promtool, when installed).
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvocationMetricsCollector } from '../../src/collector.js';
import { ReplayClock } from '../../src/demo/clock.js';
import { DEFAULT_SEED, planRun } from '../../src/demo/plan.js';
import { replayPlan } from '../../src/demo/replay.js';
import { silentLogger } from '../../src/logger.js';
import { createTelemetry } from '../../src/telemetry/telemetry.js';
import { findServer } from '../helpers/servers.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

interface Target {
  expr?: string;
  legendFormat?: string;
  datasource?: { type?: string; uid?: string };
}
interface Panel {
  id?: number;
  type: string;
  title: string;
  datasource?: { type?: string; uid?: string };
  gridPos?: { h: number; w: number; x: number; y: number };
  targets?: Target[];
  panels?: Panel[];
}
interface Dashboard {
  __inputs: { name: string; type: string; pluginId: string }[];
  schemaVersion: number;
  uid: string;
  title: string;
  panels: Panel[];
  templating: { list: { name: string; datasource?: { uid?: string }; query: string | { query: string } }[] };
}

const dashboard = JSON.parse(fs.readFileSync(path.join(ROOT, 'examples/ops/grafana-dashboard.json'), 'utf8')) as Dashboard;
const panels = (list: Panel[]): Panel[] => list.flatMap((p) => [p, ...panels(p.panels ?? [])]);
const queryPanels = panels(dashboard.panels).filter((p) => p.type !== 'row');
const exprs = queryPanels.flatMap((p) => (p.targets ?? []).map((t) => ({ panel: p.title, expr: t.expr ?? '', legend: t.legendFormat ?? '' })));

// PromQL, enough of it for dashboard queries (selectors, functions, aggregations with by/without, vector
// matching): https://prometheus.io/docs/prometheus/latest/querying/basics/
const KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'and', 'or', 'unless', 'offset', 'inf', 'nan']);
const GROUPING = /\b(?:by|without|on|ignoring|group_left|group_right)\s*\(([^)]*)\)/g;
const STRINGS = /"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g;

/** The metric names an expression selects. */
function metricNames(expr: string): string[] {
  const stripped = expr
    .replace(STRINGS, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(GROUPING, ' ')
    .replace(/\$\{?\w+\}?/g, ' ');
  const names = new Set<string>();
  for (const m of stripped.matchAll(/(?<![\w.:])[a-zA-Z_:][\w:]*/g)) {
    if (/^\s*\(/.test(stripped.slice(m.index + m[0].length))) continue; // a function or an aggregation
    if (KEYWORDS.has(m[0].toLowerCase())) continue;
    names.add(m[0]);
  }
  return [...names];
}

/** The label names an expression matches on or groups by. */
function labelNames(expr: string): string[] {
  const noStrings = expr.replace(STRINGS, '""');
  const labels = new Set<string>();
  for (const [, body = ''] of noStrings.matchAll(/\{([^}]*)\}/g)) for (const m of body.matchAll(/([a-zA-Z_]\w*)\s*(?:=~|!~|!=|=)/g)) labels.add(m[1]!);
  for (const [, list = ''] of noStrings.matchAll(GROUPING)) for (const l of list.split(',')) if (l.trim() !== '') labels.add(l.trim());
  return [...labels];
}

/** Labels Prometheus attaches to every scraped series (target labels), absent from the endpoint itself. */
const TARGET_LABELS = new Set(['job', 'instance']);

let scraped: Map<string, Set<string>>; // metric name -> label names seen in the scrape

beforeAll(async () => {
  // A collector with the ready-made telemetry, fed with the demo's whole plan (replayed without waiting).
  const telemetry = await createTelemetry({ prometheus: { port: 0 } });
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'im-dashboard-'));
  try {
    const clock = new ReplayClock(Date.parse('2026-11-20T09:00:00Z'));
    const collector = new InvocationMetricsCollector(dir, silentLogger, { telemetry, clock });
    let t = 0;
    const timer = { now: () => t, sleep: async (ms: number) => void (t += ms) };
    await replayPlan({ plan: planRun(DEFAULT_SEED), collector, clock, scale: 1, timer });
    collector.begin({ agent: 'coder', phase: 2, model: 'claude-haiku-4-5', tier: 'small' }); // one left in flight
    const text = await (await fetch(telemetry.prometheusUrl!)).text();
    await collector.close();
    scraped = new Map();
    for (const line of text.split('\n')) {
      const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? /.exec(line);
      if (m === null) continue;
      const labels = scraped.get(m[1]!) ?? new Set<string>();
      for (const l of (m[2] ?? '').matchAll(/([a-zA-Z_]\w*)="(?:[^"\\]|\\.)*"/g)) labels.add(l[1]!);
      scraped.set(m[1]!, labels);
    }
  } finally {
    await telemetry.shutdown();
    fs.rmSync(dir, { recursive: true, force: true });
  }
});

describe('metricNames / labelNames (the test\'s PromQL reader)', () => {
  it('finds metric names and labels, not functions, keywords, variables, durations or numbers', () => {
    const expr =
      'histogram_quantile(0.95, sum by (le, a_b) (rate(x_bucket{job=~"$job", c!="d{e}"}[$__rate_interval]))) * 3600 / on (k) group_left y_total offset 5m > bool 1e3';
    expect(metricNames(expr)).toEqual(['x_bucket', 'y_total']);
    expect(labelNames(expr).sort()).toEqual(['a_b', 'c', 'job', 'k', 'le']);
    expect(metricNames('sum(invocation_metrics_active)')).toEqual(['invocation_metrics_active']);
  });
});

describe('grafana-dashboard.json', () => {
  it('is an importable dashboard: schema ~39, a ${DS_PROMETHEUS} input used by every panel and query, laid out, unique ids', () => {
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(36);
    expect(dashboard.schemaVersion).toBeLessThanOrEqual(41);
    expect(dashboard.__inputs).toContainEqual(expect.objectContaining({ name: 'DS_PROMETHEUS', type: 'datasource', pluginId: 'prometheus' }));
    expect(dashboard.uid).toMatch(/^[\w-]{1,40}$/);
    expect(queryPanels.length).toBeGreaterThanOrEqual(7);
    expect(new Set(queryPanels.map((p) => p.id)).size).toBe(queryPanels.length);
    for (const p of queryPanels) {
      expect(p.datasource, p.title).toEqual({ type: 'prometheus', uid: '${DS_PROMETHEUS}' });
      expect(p.gridPos, p.title).toMatchObject({ w: expect.any(Number), h: expect.any(Number), x: expect.any(Number), y: expect.any(Number) });
      expect(p.gridPos!.x + p.gridPos!.w, p.title).toBeLessThanOrEqual(24);
      expect(p.targets?.length, p.title).toBeGreaterThan(0);
      for (const t of p.targets!) {
        expect(t.datasource?.uid, p.title).toBe('${DS_PROMETHEUS}');
        expect(t.expr?.trim(), p.title).toBeTruthy();
      }
    }
    for (const v of dashboard.templating.list) expect(v.datasource?.uid, v.name).toBe('${DS_PROMETHEUS}');
  });

  it('has the panels the issue asks for, with the queries that answer them', () => {
    const find = (title: RegExp): string => {
      const p = queryPanels.find((q) => title.test(q.title));
      expect(p, String(title)).toBeDefined();
      return p!.targets!.map((t) => t.expr).join('\n');
    };
    expect(find(/invocation rate by agent and outcome/i)).toMatch(/sum by \(gen_ai_agent_name, invocation_metrics_outcome\) \(rate\(invocation_metrics_invocations_total\{/);
    expect(find(/in flight by agent/i)).toMatch(/invocation_metrics_active/);
    expect(find(/cost burn per hour/i)).toMatch(/rate\(invocation_metrics_cost_total\{.*\* 3600$/);
    expect(find(/tokens by type/i)).toMatch(/sum by \(gen_ai_token_type\) \(rate\(gen_ai_client_token_usage_sum/);
    // The latest GenAI names too (OTEL_SEMCONV_STABILITY_OPT_IN=gen_ai_latest_experimental).
    expect(find(/tokens by type/i)).toMatch(/ or label_replace\(sum\(rate\(gen_ai_client_inference_usage_input_tokens_sum\{.*"input"/);
    expect(find(/p95 duration by agent/i)).toMatch(
      /^histogram_quantile\(0\.95, sum by \(le, gen_ai_agent_name\) \(rate\(gen_ai_invoke_agent_duration_seconds_bucket\{/,
    );
    expect(find(/retries.*infra.*code/i)).toMatch(/sum by \(invocation_metrics_retry_kind\) \(rate\(invocation_metrics_retries_total/);
    expect(find(/escalations/i)).toMatch(/invocation_metrics_escalations_total/);
  });

  it('selects only metrics, and matches and groups only on labels, that a real endpoint serves for the demo', () => {
    const variables = dashboard.templating.list.map((v) => ({ panel: `$${v.name}`, expr: typeof v.query === 'string' ? v.query : v.query.query, legend: '' }));
    for (const { panel, expr, legend } of [...exprs, ...variables]) {
      // label_values(<selector>, <label>): the label must be served too.
      const lv = /^label_values\((.*),\s*(\w+)\)$/.exec(expr);
      const selector = lv?.[1] ?? expr;
      const names = metricNames(selector);
      expect(names.length, `${panel}: ${expr}`).toBeGreaterThan(0);
      const served = new Set<string>();
      // `a or b`: alternatives for the naming modes (the latest GenAI names under
      // OTEL_SEMCONV_STABILITY_OPT_IN; this endpoint has the default ones): one of them must be served.
      const alternatives = /\bor\b/.test(selector);
      if (alternatives) expect(names.filter((n) => scraped.has(n)), `${panel}: none of ${names.join(', ')} is served`).not.toEqual([]);
      for (const name of names) {
        if (alternatives && !scraped.has(name)) continue;
        expect(scraped.has(name), `${panel}: ${name} is not served (served: ${[...scraped.keys()].join(', ')})`).toBe(true);
        for (const l of scraped.get(name)!) served.add(l);
      }
      const used = [...labelNames(selector), ...(lv?.[2] !== undefined ? [lv[2]] : [])].filter((l) => !TARGET_LABELS.has(l));
      for (const l of used) expect(served.has(l), `${panel}: label ${l} is not on ${names.join(', ')}`).toBe(true);
      // Legends name labels the query keeps.
      for (const [, l] of legend.matchAll(/\{\{\s*(\w+)\s*\}\}/g)) expect(labelNames(expr), `${panel}: legend {{${l}}}`).toContain(l);
    }
  });

  describe('PromQL syntax', () => {
    const promtool = findServer('promtool');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'im-dashboard-rules-'));
    afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

    it.skipIf(promtool.skip !== undefined)(`every query parses (promtool check rules)${promtool.skip ? `: ${promtool.skip}` : ''}`, async () => {
      // Grafana's variables replaced by what they expand to.
      const concrete = (e: string): string => e.replaceAll('$__rate_interval', '1m').replaceAll('$__range', '1h').replace(/\$\w+/g, '.*');
      const rules = { groups: [{ name: 'dashboard', rules: exprs.map((e, i) => ({ record: `dashboard:query_${i}`, expr: concrete(e.expr) })) }] };
      const file = path.join(dir, 'rules.yml');
      fs.writeFileSync(file, JSON.stringify(rules, null, 2)); // JSON is YAML
      const { stdout } = await promisify(execFile)(promtool.path!, ['check', 'rules', file]);
      expect(stdout).toContain(`SUCCESS: ${exprs.length} rules found`);
    });
  });
});
