/**
 * examples/ops/rules.yml: promtool accepts it, and every metric it names is one the endpoint serves after
 * a record set that exercises every instrument.
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMirror } from '../../src/otel/mirror.js';
import { createTelemetry, type Telemetry } from '../../src/telemetry/telemetry.js';
import { coverageRecords } from '../fixtures/otel/records.js';
import { parseExposition } from '../helpers/otel-read.js';
import { metricNames } from '../helpers/promql.js';
import { memoryLogger } from '../helpers/records.js';
import { findServer } from '../helpers/servers.js';

const RULES = fileURLToPath(new URL('../../examples/ops/rules.yml', import.meta.url));
const text = readFileSync(RULES, 'utf8');

/** `expr:` values (single line, as the file writes them) and `record:` names of the rules file. */
const exprs = [...text.matchAll(/^\s*expr:\s*(.+)$/gm)].map((m) => m[1]!.trim());
const recorded = new Set([...text.matchAll(/^\s*- record:\s*(\S+)\s*$/gm)].map((m) => m[1]!));

let telemetry: Telemetry;
/** Sample names and label names of a real scrape. */
let served: Set<string>;
let labels: Set<string>;

beforeAll(async () => {
  telemetry = await createTelemetry({ prometheus: { port: 0 } });
  const mirror = createMirror({ telemetry, logger: memoryLogger() });
  for (const r of coverageRecords()) mirror.record(r);
  mirror.begin({ agent: 'planner', phase: 0 });
  const lines = parseExposition(await (await fetch(telemetry.prometheusUrl!)).text()).lines;
  served = new Set(lines.map((l) => l.name));
  labels = new Set(lines.flatMap((l) => Object.keys(l.labels)));
});
afterAll(async () => {
  await telemetry?.shutdown();
});

describe('examples/ops/rules.yml', () => {
  it('extracts metric names from PromQL (so that the checks below are not vacuous)', () => {
    expect(metricNames('sum by (gen_ai_agent_name) (rate(foo_total{a="b",c=~"x|y"}[5m])) / on (x) group_left bar_total > 0.25')).toEqual(['foo_total', 'bar_total']);
    expect(metricNames('histogram_quantile(0.95, sum by (le) (rate(h_bucket[5m]))) unless job:rec:rate5m offset 1m')).toEqual(['h_bucket', 'job:rec:rate5m']);
  });

  it('has rules to check', () => {
    expect(exprs.length).toBeGreaterThanOrEqual(10);
    expect(recorded.size).toBeGreaterThanOrEqual(5);
  });

  it('names only metrics the endpoint serves (or recording rules of the same file)', () => {
    const used = new Set(exprs.flatMap(metricNames));
    const missing = [...used].filter((n) => (n.includes(':') ? !recorded.has(n) : !served.has(n)));
    expect(missing).toEqual([]);
    // Every family of the mirror but the histograms and token counters is used by some rule.
    for (const n of ['invocation_metrics_invocations_total', 'invocation_metrics_retries_total', 'invocation_metrics_cost_total', 'invocation_metrics_active']) expect(used.has(n), n).toBe(true);
  });

  it('uses only label names the endpoint serves', () => {
    const used = new Set<string>();
    for (const e of exprs) {
      for (const m of e.matchAll(/\b(?:by|without)\s*\(([^)]*)\)/g)) for (const l of m[1]!.split(',')) used.add(l.trim());
      for (const m of e.matchAll(/\{([^}]*)\}/g)) for (const l of m[1]!.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*(?:=~|!~|!=|=)/g)) used.add(l[1]!);
    }
    expect([...used].filter((l) => !labels.has(l))).toEqual([]);
  });

  const promtool = findServer('promtool');
  it.skipIf(promtool.path === undefined)(promtool.skip ?? 'passes promtool check rules', () => {
    const run = spawnSync(promtool.path!, ['check', 'rules', RULES], { encoding: 'utf8' });
    expect(run.stdout + run.stderr).toMatch(/SUCCESS: \d+ rules found/);
    expect(run.status).toBe(0);
  });
});

