/**
 * Integration: a real Prometheus scrapes a mirror in each non-default naming mode (`latest`, `both`) with
 * examples/ops/rules.yml loaded; every rule evaluates, and the dashboard's tokens query (the one query with
 * alternatives for the two GenAI name sets) returns the input and output series from whichever set is
 * served, once each. The default mode: prometheus-scrape.test.ts.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMirror } from '../../src/otel/mirror.js';
import { createTelemetry, type Telemetry } from '../../src/telemetry/telemetry.js';
import { coverageRecords } from '../fixtures/otel/records.js';
import { startPrometheus, type PrometheusProcess } from '../helpers/prometheus-process.js';
import { memoryLogger } from '../helpers/records.js';
import { findServer } from '../helpers/servers.js';
import { waitFor } from '../helpers/wait.js';

const RULES = fileURLToPath(new URL('../../examples/ops/rules.yml', import.meta.url));
const dashboard = JSON.parse(readFileSync(fileURLToPath(new URL('../../examples/ops/grafana-dashboard.json', import.meta.url)), 'utf8')) as {
  panels: { title?: string; targets?: { expr?: string }[]; panels?: unknown[] }[];
};
const TOKENS_QUERY = dashboard.panels
  .flatMap((p) => p.targets ?? [])
  .map((t) => t.expr ?? '')
  .find((e) => e.includes('gen_ai_client_token_usage_sum'))!
  .replaceAll('$__rate_interval', '1m')
  .replace(/\$\w+/g, '.*');

const server = findServer('prometheus');
const suite = server.path === undefined ? describe.skip : describe;

suite.each(['latest', 'both'] as const)(server.skip ?? 'a real Prometheus scraping the %s naming mode', (naming) => {
  let telemetry: Telemetry;
  let prometheus: PrometheusProcess;
  const records = coverageRecords();

  beforeAll(async () => {
    telemetry = await createTelemetry({ prometheus: { port: 0 } });
    const mirror = createMirror({ telemetry, logger: memoryLogger(), naming });
    for (const r of records) mirror.record(r);
    prometheus = await startPrometheus({ binary: server.path!, targets: [telemetry.prometheusUrl!], scrapeIntervalS: 1, ruleFiles: [RULES] });
  });
  afterAll(async () => {
    await prometheus?.stop();
    await telemetry?.shutdown();
  });

  it('evaluates every rule of examples/ops/rules.yml without error', async () => {
    const rules = await waitFor(
      async () => {
        const r = (await prometheus.rules()).flatMap((g) => g.rules);
        return r.length > 0 && r.every((x) => x.health === 'ok') ? r : undefined;
      },
      { timeoutMs: 20_000, what: 'every rule to be evaluated' },
    );
    expect(rules.length).toBeGreaterThanOrEqual(10);
    const count = await waitFor(
      async () => {
        const v = Number((await prometheus.query('sum(invocation_metrics_invocations_total)'))[0]?.value[1]);
        return Number.isNaN(v) ? undefined : v;
      },
      { timeoutMs: 20_000, what: 'the first scrape' },
    );
    expect(count).toBe(records.length);
  });

  it("answers the dashboard's tokens query with one input and one output series", async () => {
    expect(TOKENS_QUERY).toContain(' or ');
    const series = await waitFor(
      async () => {
        const v = await prometheus.query(TOKENS_QUERY);
        return v.length >= 2 ? v : undefined;
      },
      { timeoutMs: 20_000, what: 'the tokens query to return series' },
    );
    expect(series.map((s) => s.metric.gen_ai_token_type).sort()).toEqual(['input', 'output']);
  });
});
