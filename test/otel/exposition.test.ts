/**
 * What the Prometheus endpoint serves (default naming mode): the metric family names derived from
 * names.ts by the OTel-to-Prometheus compatibility rules (dots to underscores, the unit suffix `_seconds`
 * for `s` and none for annotation units, `_total` on counters), their TYPE, UNIT and HELP lines, and a
 * body that `promtool check metrics` accepts. The other modes: prometheus-names.test.ts.
 */
import { spawnSync } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMirror } from '../../src/otel/mirror.js';
import { instrumentsOf } from '../../src/otel/names.js';
import { createTelemetry, type Telemetry } from '../../src/telemetry/telemetry.js';
import { coverageRecords, fleetRecords } from '../fixtures/otel/records.js';
import { prometheusName, type MetricName } from '../helpers/otel-expected.js';
import { parseExposition, type ParsedExposition } from '../helpers/otel-read.js';
import { memoryLogger } from '../helpers/records.js';
import { findServer } from '../helpers/servers.js';

let telemetry: Telemetry;
let body: string;
let parsed: ParsedExposition;

beforeAll(async () => {
  telemetry = await createTelemetry({ prometheus: { port: 0 } });
  const mirror = createMirror({ telemetry, logger: memoryLogger() });
  for (const r of [...coverageRecords(), ...fleetRecords(500, 4)]) mirror.record(r);
  mirror.begin({ agent: 'planner', phase: 0 });
  const res = await fetch(telemetry.prometheusUrl!);
  expect(res.headers.get('content-type')).toMatch(/^text\/plain/);
  body = await res.text();
  parsed = parseExposition(body);
});
afterAll(async () => {
  await telemetry?.shutdown();
});

const PROM_TYPE = { counter: 'counter', updowncounter: 'gauge', histogram: 'histogram' } as const;

describe('the Prometheus exposition', () => {
  it('serves one family per instrument, named by the exporter rules, plus target_info', () => {
    const expected = instrumentsOf('default').map((s) => prometheusName(s.name as MetricName));
    expect([...parsed.families.keys()].sort()).toEqual([...expected, 'target_info'].sort());
  });

  it('types counters as counter (with _total), the in-flight count as gauge, and the GenAI histograms as histogram', () => {
    for (const s of instrumentsOf('default')) {
      const f = parsed.families.get(prometheusName(s.name as MetricName))!;
      expect(f.type, s.name).toBe(PROM_TYPE[s.kind]);
      expect(f.help, s.name).toBe(s.description);
      // The OTel unit in a `# UNIT` comment, as the SDK exporter writes it; the suffix is in the name.
      expect(f.unit, s.name).toBe(s.unit);
    }
  });

  it('serves the sample names Prometheus users query', () => {
    const names = new Set(parsed.lines.map((l) => l.name));
    for (const n of [
      'gen_ai_client_token_usage_bucket',
      'gen_ai_client_token_usage_sum',
      'gen_ai_client_token_usage_count',
      'gen_ai_invoke_agent_duration_seconds_bucket',
      'gen_ai_invoke_agent_duration_seconds_sum',
      'gen_ai_invoke_agent_duration_seconds_count',
      'invocation_metrics_invocations_total',
      'invocation_metrics_cost_total',
      'invocation_metrics_tokens_total',
      'invocation_metrics_cached_tokens_total',
      'invocation_metrics_retries_total',
      'invocation_metrics_escalations_total',
      'invocation_metrics_output_parse_failures_total',
      'invocation_metrics_active',
    ])
      expect(names.has(n), n).toBe(true);
    // The unit suffix where the unit has one (`s`), none for annotations (`{USD}`, `{token}`).
    expect([...names].filter((n) => /_seconds/.test(n)).sort()).toEqual(['gen_ai_invoke_agent_duration_seconds_bucket', 'gen_ai_invoke_agent_duration_seconds_count', 'gen_ai_invoke_agent_duration_seconds_sum']);
    expect([...names].some((n) => /_USD|_usd|_token_total|_tokens_tokens/.test(n))).toBe(false);
  });

  it('writes the GenAI bucket bounds as le labels', () => {
    const les = (name: string) => [...new Set(parsed.lines.filter((l) => l.name === name).map((l) => l.labels.le))];
    expect(les('gen_ai_invoke_agent_duration_seconds_bucket')).toEqual(['0.1', '0.2', '0.4', '0.8', '1.6', '3.2', '6.4', '12.8', '25.6', '51.2', '102.4', '204.8', '409.6', '+Inf']);
    expect(les('gen_ai_client_token_usage_bucket')).toEqual(['1', '4', '16', '64', '256', '1024', '4096', '16384', '65536', '262144', '1048576', '4194304', '16777216', '67108864', '+Inf']);
  });

  const promtool = findServer('promtool');
  it.skipIf(promtool.path === undefined)(promtool.skip ?? 'passes promtool check metrics (body on stdin)', () => {
    const run = spawnSync(promtool.path!, ['check', 'metrics'], { input: body, encoding: 'utf8' });
    expect(run.stderr + run.stdout).toBe('');
    expect(run.status).toBe(0);
  });

  it.skipIf(promtool.path === undefined)(promtool.skip ?? 'promtool check metrics would catch a bad body (the check can fail)', () => {
    const bad = '# HELP x_count A counter without _total\n# TYPE x_count counter\nx_count 1\n';
    const run = spawnSync(promtool.path!, ['check', 'metrics'], { input: bad, encoding: 'utf8' });
    expect(run.status).not.toBe(0);
  });
});
