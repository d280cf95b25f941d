/**
 * Integration: a real Prometheus server scrapes the library's endpoint every second while records are
 * recorded, and its HTTP API returns exactly the recorded counts and sums.
 */
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { InvocationMetricsCollector } from '../../src/collector.js';
import { createTelemetry, type Telemetry } from '../../src/telemetry/telemetry.js';
import { coverageRecords, fleetRecords } from '../fixtures/otel/records.js';
import { expectedTable, prometheusSamples } from '../helpers/otel-expected.js';
import { plainSamples, samplesFromQuery } from '../helpers/otel-read.js';
import { startPrometheus, type PrometheusProcess } from '../helpers/prometheus-process.js';
import { memoryLogger, tempDir } from '../helpers/records.js';
import { findServer } from '../helpers/servers.js';
import { waitFor } from '../helpers/wait.js';

const RULES = fileURLToPath(new URL('../../examples/ops/rules.yml', import.meta.url));
const server = findServer('prometheus');
const suite = server.path === undefined ? describe.skip : describe;

suite(server.skip ?? 'a real Prometheus server scraping the endpoint', () => {
  let telemetry: Telemetry;
  let prometheus: PrometheusProcess;
  let collector: InvocationMetricsCollector;
  let tmp: ReturnType<typeof tempDir>;
  const first = coverageRecords();
  const second = fleetRecords(400, 9);

  beforeAll(async () => {
    tmp = tempDir('im-prom-');
    telemetry = await createTelemetry({ prometheus: { port: 0 }, serviceName: 'prom-it' });
    collector = new InvocationMetricsCollector(tmp.dir, memoryLogger(), { telemetry });
    prometheus = await startPrometheus({ binary: server.path!, targets: [telemetry.prometheusUrl!], scrapeIntervalS: 1, ruleFiles: [RULES] });
  });

  afterAll(async () => {
    await prometheus?.stop();
    await collector?.close();
    await telemetry?.shutdown();
    tmp?.cleanup();
  });

  /** Polls Prometheus until the latest scraped samples of the mirror equal `expected`. */
  async function untilServed(expected: Map<string, number>): Promise<Map<string, number>> {
    let last = new Map<string, number>();
    try {
      return await waitFor(
        async () => {
          last = samplesFromQuery(await prometheus.query('{__name__=~"gen_ai_.+|invocation_metrics_.+"}'));
          return last.size === expected.size && [...expected].every(([k, v]) => last.get(k) === v) ? last : undefined;
        },
        { timeoutMs: 20_000, intervalMs: 250, what: 'Prometheus to serve the recorded samples' },
      );
    } catch (err) {
      // Show the difference rather than a bare timeout.
      expect(plainSamples(last)).toEqual(plainSamples(expected));
      throw err;
    }
  }

  it('scrapes the endpoint successfully', async () => {
    const targets = await waitFor(async () => {
      const t = await prometheus.targets();
      return t.length === 1 && t[0]!.health === 'up' ? t : undefined;
    }, { what: 'the target to be up' });
    expect(targets[0]!.scrapeUrl).toBe(telemetry.prometheusUrl);
    expect(targets[0]!.lastError).toBe('');
  });

  it('serves exactly the recorded counts, sums and buckets, and follows new records', async () => {
    for (const r of first) await collector.record(r);
    await untilServed(prometheusSamples(expectedTable(first)));

    // Record more while Prometheus keeps scraping.
    for (const r of second) await collector.record(r);
    const all = [...first, ...second];
    await untilServed(prometheusSamples(expectedTable(all)));

    const value = async (q: string) => Number((await prometheus.query(q))[0]?.value[1]);
    expect(await value('sum(invocation_metrics_invocations_total)')).toBe(all.length);
    expect(await value('sum(gen_ai_invoke_agent_duration_seconds_count)')).toBe(all.length);
    expect(await value('sum(gen_ai_client_token_usage_count{gen_ai_token_type="input"})')).toBe(all.filter((r) => r.inputTokens !== undefined).length);
    expect(await value('sum(invocation_metrics_cached_tokens_total)')).toBe(all.reduce((a, r) => a + (r.cachedTokens ?? 0), 0));
    expect(await value('sum(invocation_metrics_tokens_total)')).toBe(all.reduce((a, r) => a + r.tokens, 0));
    expect(await value('sum(invocation_metrics_output_parse_failures_total)')).toBe(all.filter((r) => !r.outputParsed).length);
    expect(await value('sum(target_info{service_name="prom-it"})')).toBe(1);
  });

  it('evaluates every rule of examples/ops/rules.yml without error, and each recording rule yields series', async () => {
    const groups = await waitFor(
      async () => {
        const g = await prometheus.rules();
        const rules = g.flatMap((x) => x.rules);
        return rules.length > 0 && rules.every((r) => r.health === 'ok') ? g : undefined;
      },
      { timeoutMs: 20_000, what: 'every rule to be evaluated' },
    );
    const recording = groups.flatMap((g) => g.rules).filter((r) => r.type === 'recording');
    expect(recording.length).toBeGreaterThanOrEqual(5);
    for (const r of recording) {
      const series = await waitFor(async () => {
        const v = await prometheus.query(r.name);
        return v.length > 0 ? v : undefined;
      }, { timeoutMs: 20_000, what: `recording rule ${r.name} to yield series` });
      expect(series.length, r.name).toBeGreaterThan(0);
    }
  });
});
