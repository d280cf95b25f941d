/**
 * buildTelemetry (through createTelemetry): the OTLP http/protobuf push reaches a local receiver and
 * carries the mirror's metrics exactly; the standard OTEL_EXPORTER_OTLP_* variables are honoured;
 * shutdown() sends the last push. Both readers (Prometheus and OTLP) see the same values.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createMirror } from '../../src/otel/mirror.js';
import { createTelemetry, type Telemetry, type TelemetryOptions } from '../../src/telemetry/telemetry.js';
import type { InvocationMetric } from '../../src/record.js';
import { coverageRecords, fleetRecords } from '../fixtures/otel/records.js';
import { expectedTable, prometheusSamples, SPEC, specOf } from '../helpers/otel-expected.js';
import { parseExposition, plain, plainSamples, tableFromOtlp } from '../helpers/otel-read.js';
import type { OtlpMetricsRequest } from '../helpers/otlp-proto.js';
import { startOtlpReceiver, type OtlpReceiver, type ReceivedExport } from '../helpers/otlp-receiver.js';
import { memoryLogger } from '../helpers/records.js';
import { waitFor } from '../helpers/wait.js';

let rx: OtlpReceiver;
const bundles: Telemetry[] = [];
beforeAll(async () => {
  rx = await startOtlpReceiver();
});
afterEach(async () => {
  for (const t of bundles.splice(0)) await t.shutdown();
  rx.received.length = 0;
});
afterAll(async () => {
  await rx?.close();
});

/** Creates telemetry with some environment variables set only while the exporter is built. */
async function telemetry(options: TelemetryOptions, env: Record<string, string> = {}): Promise<Telemetry> {
  const keys = ['OTEL_RESOURCE_ATTRIBUTES', 'OTEL_SERVICE_NAME', 'OTEL_EXPORTER_OTLP_ENDPOINT', 'OTEL_EXPORTER_OTLP_METRICS_ENDPOINT', 'OTEL_EXPORTER_OTLP_HEADERS', 'OTEL_EXPORTER_OTLP_METRICS_HEADERS', 'OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE', 'OTEL_METRIC_EXPORT_INTERVAL'];
  const saved = Object.fromEntries(keys.map((k) => [k, process.env[k]]));
  for (const k of keys) delete process.env[k];
  Object.assign(process.env, env);
  try {
    const t = await createTelemetry(options);
    bundles.push(t);
    return t;
  } finally {
    for (const k of keys) if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
  }
}

function mirrorInto(t: Telemetry, records: readonly InvocationMetric[]) {
  const m = createMirror({ telemetry: t, logger: memoryLogger() });
  for (const r of records) m.record(r);
  return m;
}

const decoded = (r: ReceivedExport): OtlpMetricsRequest => {
  if (r.decoded instanceof Error) throw r.decoded;
  return r.decoded;
};
const mirrorOnly = (req: OtlpMetricsRequest): OtlpMetricsRequest => ({ ...req, metrics: req.metrics.filter((m) => m.scope === 'invocation-metrics') });

describe('the OTLP push', () => {
  it('delivers exactly the hand-computed metrics as http/protobuf, and shutdown() sends the last push', async () => {
    const t = await telemetry({ prometheus: false, otlp: { url: `${rx.origin}/v1/metrics`, intervalMs: 60_000 } });
    const records = [...coverageRecords(), ...fleetRecords(500, 6)];
    mirrorInto(t, records);
    // A one-minute interval: nothing is pushed until shutdown.
    expect(rx.received).toHaveLength(0);
    await t.shutdown();
    expect(rx.received).toHaveLength(1);
    const r = rx.received[0]!;
    expect(r.path).toBe('/v1/metrics');
    expect(r.headers['content-type']).toBe('application/x-protobuf');
    const req = mirrorOnly(decoded(r));
    expect(plain(tableFromOtlp(req))).toEqual(plain(expectedTable(records)));
    expect(req.resource['service.name']).toBe('invocation-metrics');
  });

  it('sends names, units, kinds and cumulative temporality as the spec says', async () => {
    const t = await telemetry({ prometheus: false, otlp: { url: `${rx.origin}/v1/metrics`, intervalMs: 60_000 }, serviceName: 'otlp-svc' });
    const m = mirrorInto(t, coverageRecords());
    m.begin({ agent: 'planner', phase: 0 });
    await t.shutdown();
    const req = mirrorOnly(decoded(rx.received[0]!));
    const got = Object.fromEntries(req.metrics.map((x) => [x.name, [x.unit, x.kind, x.monotonic, x.temporality]]));
    const KIND = { counter: ['sum', true], updowncounter: ['sum', false], histogram: ['histogram', false] } as const;
    expect(got).toEqual(Object.fromEntries(specOf('default').map((name) => [name, [SPEC[name].unit, KIND[SPEC[name].kind][0], KIND[SPEC[name].kind][1], 2]])));
    expect(decoded(rx.received[0]!).resource['service.name']).toBe('otlp-svc');
  });

  it('pushes periodically, each push cumulative', async () => {
    const t = await telemetry({ prometheus: false, otlp: { url: `${rx.origin}/v1/metrics`, intervalMs: 200 } });
    const m = createMirror({ telemetry: t, logger: memoryLogger() });
    const count = (r: ReceivedExport) =>
      mirrorOnly(decoded(r)).metrics.find((x) => x.name === 'invocation_metrics.invocations')?.points.reduce((a, p) => a + ('value' in p ? p.value : 0), 0) ?? 0;
    const records = coverageRecords();
    for (const r of records.slice(0, 5)) m.record(r);
    await rx.next((r) => count(r) === 5);
    for (const r of records.slice(5)) m.record(r);
    await rx.next((r) => count(r) === records.length);
  });

  it('reports deltas when OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE=delta', async () => {
    const t = await telemetry({ prometheus: false, otlp: { url: `${rx.origin}/v1/metrics`, intervalMs: 60_000 } }, { OTEL_EXPORTER_OTLP_METRICS_TEMPORALITY_PREFERENCE: 'delta' });
    const m = mirrorInto(t, coverageRecords());
    await t.meterProvider.forceFlush();
    for (const r of coverageRecords().slice(0, 3)) m.record(r);
    await t.shutdown();
    const sums = rx.received.map((r) => {
      const c = mirrorOnly(decoded(r)).metrics.find((x) => x.name === 'invocation_metrics.invocations')!;
      return [c.temporality, c.points.reduce((a, p) => a + ('value' in p ? p.value : 0), 0)];
    });
    expect(sums).toEqual([
      [1, 18],
      [1, 3],
    ]);
  });

  it('sends to OTEL_EXPORTER_OTLP_METRICS_ENDPOINT as is', async () => {
    const t = await telemetry({ prometheus: false, otlp: true }, { OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: `${rx.origin}/custom/metrics` });
    mirrorInto(t, coverageRecords());
    await t.shutdown();
    expect(rx.received.map((r) => r.path)).toEqual(['/custom/metrics']);
  });

  it('sends to OTEL_EXPORTER_OTLP_ENDPOINT + /v1/metrics', async () => {
    const t = await telemetry({ prometheus: false, otlp: true }, { OTEL_EXPORTER_OTLP_ENDPOINT: `${rx.origin}/base` });
    mirrorInto(t, coverageRecords());
    await t.shutdown();
    expect(rx.received.map((r) => r.path)).toEqual(['/base/v1/metrics']);
  });

  it('prefers otlp.url to the variables, and merges otlp.headers over OTEL_EXPORTER_OTLP_HEADERS', async () => {
    const t = await telemetry(
      { prometheus: false, otlp: { url: `${rx.origin}/explicit`, headers: { authorization: 'Bearer abc', 'x-both': 'option' } } },
      { OTEL_EXPORTER_OTLP_METRICS_ENDPOINT: `${rx.origin}/from-env`, OTEL_EXPORTER_OTLP_HEADERS: 'x-env=1,x-both=env' },
    );
    mirrorInto(t, coverageRecords());
    await t.shutdown();
    expect(rx.received).toHaveLength(1);
    const r = rx.received[0]!;
    expect(r.path).toBe('/explicit');
    expect([r.headers.authorization, r.headers['x-env'], r.headers['x-both']]).toEqual(['Bearer abc', '1', 'option']);
  });

  it('shuts down without throwing when the receiver is unreachable', async () => {
    const gone = await startOtlpReceiver();
    const url = `${gone.origin}/v1/metrics`;
    await gone.close();
    const t = await telemetry({ prometheus: false, otlp: { url, intervalMs: 1000 } });
    mirrorInto(t, coverageRecords());
    // The exporter retries with backoff within its request timeout; shutdown waits for that, then resolves.
    await expect(t.shutdown()).resolves.toBeUndefined();
  });

  it('serves the same values to Prometheus and to OTLP from one provider', async () => {
    const t = await telemetry({ prometheus: { port: 0 }, otlp: { url: `${rx.origin}/v1/metrics`, intervalMs: 60_000 } });
    const records = coverageRecords();
    mirrorInto(t, records);
    const scraped = parseExposition(await (await fetch(t.prometheusUrl!)).text()).samples;
    await t.shutdown();
    const pushed = await waitFor(() => rx.received[0]);
    expect(plainSamples(scraped)).toEqual(plainSamples(prometheusSamples(expectedTable(records))));
    expect(plainSamples(prometheusSamples(tableFromOtlp(mirrorOnly(decoded(pushed)))))).toEqual(plainSamples(scraped));
  });

  it('tells the processes of a fleet apart: each bundle pushes its own service.instance.id', async () => {
    const t1 = await telemetry({ prometheus: false, otlp: { url: `${rx.origin}/one`, intervalMs: 60_000 } });
    const t2 = await telemetry({ prometheus: false, otlp: { url: `${rx.origin}/two`, intervalMs: 60_000 } });
    mirrorInto(t1, coverageRecords());
    mirrorInto(t2, coverageRecords());
    await t1.shutdown();
    await t2.shutdown();
    const ids = ['/one', '/two'].map((path) => decoded(rx.received.find((r) => r.path === path)!).resource['service.instance.id']);
    for (const id of ids) expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
    expect(ids[0]).not.toBe(ids[1]);
  });

  it('applies OTEL_RESOURCE_ATTRIBUTES; serviceName wins over its service.name', async () => {
    const t = await telemetry(
      { prometheus: { port: 0 }, otlp: { url: `${rx.origin}/v1/metrics`, intervalMs: 60_000 }, serviceName: 'from-option' },
      { OTEL_RESOURCE_ATTRIBUTES: 'deployment.environment.name=ci,service.instance.id=host-7,service.name=from-env' },
    );
    mirrorInto(t, coverageRecords());
    const target = parseExposition(await (await fetch(t.prometheusUrl!)).text()).lines.find((l) => l.name === 'target_info')!;
    await t.shutdown();
    const resource = decoded(rx.received[0]!).resource;
    expect([resource['service.name'], resource['service.instance.id'], resource['deployment.environment.name']]).toEqual(['from-option', 'host-7', 'ci']);
    expect([target.labels.service_name, target.labels.service_instance_id, target.labels.deployment_environment_name]).toEqual(['from-option', 'host-7', 'ci']);
  });

  it('sums two collectors (sources) of one telemetry exactly', async () => {
    const t = await telemetry({ prometheus: false, otlp: { url: `${rx.origin}/v1/metrics`, intervalMs: 60_000 } });
    const records = coverageRecords();
    mirrorInto(t, records);
    mirrorInto(t, records);
    await t.shutdown();
    const table = tableFromOtlp(mirrorOnly(decoded(rx.received[0]!)));
    const count = [...table.get('invocation_metrics.invocations')!.values()].reduce((a, p) => a + (p.value as number), 0);
    expect(count).toBe(2 * records.length);
  });
});
