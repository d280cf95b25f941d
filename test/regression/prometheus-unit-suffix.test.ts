/**
 * Regression (issue 21, item 3): the scrape served `gen_ai_invoke_agent_duration_bucket` while an OTel
 * Collector or Prometheus's OTLP receiver writes `gen_ai_invoke_agent_duration_seconds_bucket` for the same
 * instrument (unit `s`), so a dashboard broke on one of the two paths. The scrape now carries the
 * compatibility spec's unit suffix; annotation units (`{token}`, `{USD}`) still add none.
 */
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createMirror } from '../../src/otel/mirror.js';
import { createTelemetry, type Telemetry } from '../../src/telemetry/telemetry.js';
import { coverageRecords } from '../fixtures/otel/records.js';
import { parseExposition } from '../helpers/otel-read.js';
import { memoryLogger } from '../helpers/records.js';

let telemetry: Telemetry;
let names: Set<string>;
beforeAll(async () => {
  telemetry = await createTelemetry({ prometheus: { port: 0 } });
  const mirror = createMirror({ telemetry, logger: memoryLogger(), naming: 'default' });
  for (const r of coverageRecords()) mirror.record(r);
  names = new Set(parseExposition(await (await fetch(telemetry.prometheusUrl!)).text()).lines.map((l) => l.name));
});
afterAll(async () => {
  await telemetry?.shutdown();
});

it('serves the duration histogram with the _seconds suffix the OTLP path gets', () => {
  for (const s of ['bucket', 'sum', 'count']) {
    expect(names.has(`gen_ai_invoke_agent_duration_seconds_${s}`), s).toBe(true);
    expect(names.has(`gen_ai_invoke_agent_duration_${s}`), s).toBe(false);
  }
});

it('adds no suffix for annotation units', () => {
  expect(names.has('gen_ai_client_token_usage_bucket')).toBe(true);
  expect(names.has('invocation_metrics_cost_total')).toBe(true);
});
