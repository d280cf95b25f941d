/**
 * One Prometheus name on every path, in every naming mode: what the scrape endpoint serves is exactly
 * what the OTLP push becomes through an OTel Collector or Prometheus's OTLP receiver (the compatibility
 * spec's unit suffixes and `_total`), every query of examples/ops (rules and Grafana dashboard) names
 * metrics both paths produce, and `promtool check metrics` accepts the scrape.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMirror } from '../../src/otel/mirror.js';
import type { InvocationMetric } from '../../src/record.js';
import { createTelemetry } from '../../src/telemetry/telemetry.js';
import { coverageRecords } from '../fixtures/otel/records.js';
import { MODES, prometheusName, specOf, type Mode } from '../helpers/otel-expected.js';
import { parseExposition } from '../helpers/otel-read.js';
import { otlpFamilyName, otlpSampleNames } from '../helpers/otlp-prometheus.js';
import type { OtlpMetricsRequest } from '../helpers/otlp-proto.js';
import { startOtlpReceiver, type OtlpReceiver } from '../helpers/otlp-receiver.js';
import { metricNames } from '../helpers/promql.js';
import { memoryLogger } from '../helpers/records.js';
import { findServer } from '../helpers/servers.js';

const read = (p: string): string => readFileSync(fileURLToPath(new URL(`../../examples/ops/${p}`, import.meta.url)), 'utf8');
interface Panel {
  title?: string;
  targets?: { expr?: string }[];
  panels?: Panel[];
}
const flat = (list: Panel[]): Panel[] => list.flatMap((p) => [p, ...flat(p.panels ?? [])]);
const dashboard = JSON.parse(read('grafana-dashboard.json')) as { panels: Panel[] };
/** Every PromQL query of the ops files: rule expressions and dashboard targets. */
const QUERIES = [
  ...[...read('rules.yml').matchAll(/^\s*expr:\s*(.+)$/gm)].map((m) => ({ where: 'rules.yml', expr: m[1]!.trim() })),
  ...flat(dashboard.panels).flatMap((p) => (p.targets ?? []).map((t) => ({ where: `dashboard: ${p.title ?? '?'}`, expr: t.expr ?? '' }))),
];
/** Metric names of a query, without recording rules (`a:b:c`) and Grafana variables. */
const namesOf = (expr: string): string[] => metricNames(expr.replace(/\$\w+/g, 'x')).filter((n) => !n.includes(':'));

/** Records with and without a provider, plus one invocation left in flight. */
const RECORDS = coverageRecords().map((r, i) => (i % 2 === 0 ? ({ ...r, provider: 'anthropic' } as InvocationMetric) : r));

interface PathNames {
  body: string;
  scraped: Set<string>;
  labels: Set<string>;
  otlp: Set<string>;
  otlpFamilies: { name: string; unit: string; family: string }[];
}

const byMode = new Map<Mode, PathNames>();
let rx: OtlpReceiver;

beforeAll(async () => {
  rx = await startOtlpReceiver();
  for (const mode of MODES) {
    rx.received.length = 0;
    const t = await createTelemetry({ prometheus: { port: 0 }, otlp: { url: `${rx.origin}/v1/metrics`, intervalMs: 60_000 } });
    const mirror = createMirror({ telemetry: t, logger: memoryLogger(), naming: mode });
    for (const r of RECORDS) mirror.record(r);
    mirror.begin({ agent: 'planner', phase: 0 });
    const body = await (await fetch(t.prometheusUrl!)).text();
    await t.shutdown(); // pushes the last OTLP export
    const lines = parseExposition(body, []).lines.filter((l) => l.labels.otel_scope_name === 'invocation-metrics');
    const decoded = rx.received.at(-1)!.decoded;
    if (decoded instanceof Error) throw decoded;
    const metrics = (decoded as OtlpMetricsRequest).metrics.filter((m) => m.scope === 'invocation-metrics');
    byMode.set(mode, {
      body,
      scraped: new Set(lines.map((l) => l.name)),
      labels: new Set(lines.flatMap((l) => Object.keys(l.labels))),
      otlp: new Set(metrics.flatMap(otlpSampleNames)),
      otlpFamilies: metrics.map((m) => ({ name: m.name, unit: m.unit, family: otlpFamilyName(m) })),
    });
  }
});
afterAll(async () => {
  await rx?.close();
});

describe('the OTLP-to-Prometheus translation of the test (so that the checks below are not vacuous)', () => {
  it('adds _seconds for unit s, nothing for annotations, _total on monotonic sums, and refuses units it has no rule for', () => {
    expect(otlpFamilyName({ name: 'gen_ai.invoke_agent.duration', unit: 's', kind: 'histogram', monotonic: false })).toBe('gen_ai_invoke_agent_duration_seconds');
    expect(otlpFamilyName({ name: 'invocation_metrics.cost', unit: '{USD}', kind: 'sum', monotonic: true })).toBe('invocation_metrics_cost_total');
    expect(otlpFamilyName({ name: 'invocation_metrics.active', unit: '{invocation}', kind: 'sum', monotonic: false })).toBe('invocation_metrics_active');
    expect(otlpFamilyName({ name: 'x.latency_seconds', unit: 's', kind: 'gauge', monotonic: false })).toBe('x_latency_seconds');
    expect(() => otlpFamilyName({ name: 'x', unit: 'USD', kind: 'sum', monotonic: true })).toThrow(/no rule/);
  });
});

describe.each(MODES)('naming mode %s', (mode) => {
  const get = (): PathNames => byMode.get(mode)!;

  it('the scrape serves exactly the sample names the OTLP push becomes in Prometheus', () => {
    const { scraped, otlp } = get();
    expect([...scraped].sort()).toEqual([...otlp].sort());
    expect(scraped.size).toBeGreaterThanOrEqual(10);
  });

  it('names each family as the README table says (prometheusName of the reference)', () => {
    const families = get().otlpFamilies.map((f) => f.family).sort();
    expect(families).toEqual(specOf(mode).map(prometheusName).sort());
  });

  it('every query of the rules and the dashboard names only metrics both paths produce (an `or` alternative: at least one)', () => {
    const { scraped, otlp, labels } = get();
    const both = (n: string) => scraped.has(n) && otlp.has(n);
    for (const { where, expr } of QUERIES) {
      const names = namesOf(expr);
      if (names.length === 0) continue; // an alert on a recording rule
      if (/\bor\b/.test(expr)) expect(names.filter(both), `${where}: ${expr}`).not.toEqual([]);
      else expect(names.filter((n) => !both(n)), `${where}: ${expr}`).toEqual([]);
      for (const m of expr.matchAll(/\bby\s*\(([^)]*)\)/g))
        for (const l of m[1]!.split(',').map((x) => x.trim()).filter((x) => x !== ''))
          if (!/\bor\b/.test(expr)) expect(labels.has(l), `${where}: label ${l}`).toBe(true);
    }
  });

  const promtool = findServer('promtool');
  it.skipIf(promtool.path === undefined)(promtool.skip ?? 'promtool check metrics accepts the scrape', () => {
    const run = spawnSync(promtool.path!, ['check', 'metrics'], { input: get().body, encoding: 'utf8' });
    expect(run.stderr + run.stdout).toBe('');
    expect(run.status).toBe(0);
  });
});

describe('across the naming modes', () => {
  it('every metric an ops query names is produced in some mode, and the queries without alternatives in every mode', () => {
    const all = new Set([...byMode.values()].flatMap((p) => [...p.scraped]));
    const missing = QUERIES.flatMap(({ expr }) => namesOf(expr)).filter((n) => !all.has(n));
    expect(missing).toEqual([]);
    expect(QUERIES.length).toBeGreaterThanOrEqual(20);
  });
});
