/**
 * The fast serializer against the one it replaces: on random collections (every data point type, hostile
 * names, keys and values, every kind of number) its text must be the SDK `PrometheusSerializer`'s, byte
 * for byte, as configured by `createTelemetry()`'s exporter, with `unitSuffixes: false`; and with unit
 * suffixes (the default) the SDK's text of the same collection with each metric renamed to its suffixed
 * name. Then the real path: what `/metrics` serves is
 * the SDK serialization of the very collection the handler made, and `createTelemetry()` serves the same
 * bytes as an SDK-serialized twin of its provider.
 */
import { request } from 'node:http';
import { diag, type Attributes, type AttributeValue } from '@opentelemetry/api';
import { PrometheusExporter, PrometheusSerializer } from '@opentelemetry/exporter-prometheus';
import type { Resource } from '@opentelemetry/resources';
import {
  AggregationTemporality,
  DataPointType,
  MeterProvider,
  type CollectionResult,
  type DataPoint,
  type Histogram,
  type MetricData,
  type ResourceMetrics,
  type ScopeMetrics,
} from '@opentelemetry/sdk-metrics';
import fc from 'fast-check';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createMirror } from '../../src/otel/mirror.js';
import { SourceHub, createSnapshotProducer } from '../../src/telemetry/producer.js';
import { serveMetrics, type MetricsServer } from '../../src/telemetry/prometheus-server.js';
import { PrometheusTextSerializer } from '../../src/telemetry/prometheus-text.js';
import { withUnitSuffix } from '../../src/telemetry/prometheus-units.js';
import { metricsHandler, resourceOf } from '../../src/telemetry/provider.js';
import { createTelemetry } from '../../src/telemetry/telemetry.js';
import { coverageRecords, fleetRecords } from '../fixtures/otel/records.js';
import { parseExposition } from '../helpers/otel-read.js';
import { memoryLogger } from '../helpers/records.js';
import { runs } from '../helpers/property.js';

/** The SDK serializer exactly as `PrometheusExporter`'s constructor builds it from the options we pass. */
const sdkSerializer = () => new PrometheusSerializer('', false, undefined, false, false);

// ---------------------------------------------------------------------------------------------------
// Random collections.

/** Characters that exercise sanitization and escaping: separators, quotes, backslashes, newlines, non-ASCII, lone surrogates. */
const HOSTILE = ['a', 'Z', '0', '9', '_', '_', '.', '-', ':', ' ', '\\', '"', '\n', '\r', '\t', 'é', 'ſ', 'K', '😀', '\ud800', '\udc00', '{', '}', '=', ','];
const hostileString = fc.string({ unit: fc.constantFrom(...HOSTILE), maxLength: 8 });
const name = fc.oneof(
  hostileString,
  fc.string({ maxLength: 8 }),
  fc.string({ unit: 'binary', maxLength: 6 }),
  fc.constantFrom('', '_', '__', '.', '-', '1abc', '9', 'a_total', 'a.total', 'a_total_', 'le', 'otel.scope.name', 'gen_ai.client.token.usage', '__proto__', '0', '12', 'target_info', 'target.info'),
);

const number = fc.oneof(
  fc.double(),
  fc.integer(),
  fc.constantFrom(NaN, Infinity, -Infinity, -0, 0, 1e21, 1e-7, 123e-20, 5e-324, Number.MAX_VALUE, Number.MAX_SAFE_INTEGER + 2, 0.1 + 0.2),
);

/** Sample values: numbers, and rarely text (no SDK aggregation makes it, but the SDK trims a family ending in whitespace). */
const sampleValue = fc.oneof({ weight: 30, arbitrary: number }, fc.constantFrom('5 ', ' \n', 'x', '') as unknown as fc.Arbitrary<number>);

const attributeValue: fc.Arbitrary<AttributeValue | undefined> = fc.oneof(
  { weight: 4, arbitrary: hostileString },
  fc.string({ maxLength: 6 }),
  number,
  fc.boolean(),
  fc.constant(undefined),
  fc.array(fc.oneof(hostileString, number, fc.boolean(), fc.constant(null), fc.constant(undefined)), { maxLength: 3 }) as fc.Arbitrary<AttributeValue>,
);

const attributes: fc.Arbitrary<Attributes> = fc.dictionary(name, attributeValue, { maxKeys: 4 });

const hrTime = fc.tuple(fc.nat(2_000_000_000), fc.nat(999_999_999));

const point = <V>(value: fc.Arbitrary<V>): fc.Arbitrary<DataPoint<V>> =>
  fc.record({ startTime: hrTime, endTime: hrTime, attributes, value }) as fc.Arbitrary<DataPoint<V>>;

/** Bounds with and without a final Infinity, sorted or not; counts as many as the buckets, or fewer or more. */
const histogramValue: fc.Arbitrary<Histogram> = fc
  .record({
    boundaries: fc.oneof(
      fc.array(number, { maxLength: 6 }),
      fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { maxLength: 6 }).map((b) => [...b.sort((x, y) => x - y), Infinity]),
      fc.constantFrom([0.1, 0.2, 0.4, 0.8], [1, 4, 16, 64, 256], [-Infinity, 0, Infinity], [Infinity, 1, Infinity]),
    ),
    extra: fc.integer({ min: -2, max: 2 }),
    counts: fc.array(fc.oneof(fc.nat(1000), sampleValue), { maxLength: 10 }),
    count: fc.oneof(sampleValue, fc.constant(undefined), fc.constant(null)),
    sum: fc.oneof(sampleValue, fc.constant(undefined), fc.constant(null)),
  })
  .map(({ boundaries, extra, counts, count, sum }) => {
    const n = Math.max(0, boundaries.length + 1 + extra);
    const c = Array.from({ length: n }, (_, i) => counts[i % Math.max(1, counts.length)] ?? 0);
    // A missing or null count or sum is skipped by both.
    return { buckets: { boundaries: [...boundaries], counts: c }, count: count as number, ...(sum === undefined ? {} : { sum: sum as number }) };
  });

const descriptor = fc.record({
  name,
  description: fc.oneof(fc.constant(''), hostileString, fc.constant(undefined as unknown as string)),
  unit: fc.oneof(fc.constant(''), fc.constantFrom('s', '{token}', '1', 'By'), hostileString),
  valueType: fc.constantFrom(0, 1),
});

const metric: fc.Arbitrary<MetricData> = fc.oneof(
  fc.record({
    descriptor,
    aggregationTemporality: fc.constant(AggregationTemporality.CUMULATIVE),
    dataPointType: fc.constant(DataPointType.SUM),
    isMonotonic: fc.boolean(),
    dataPoints: fc.array(point(sampleValue), { maxLength: 4 }),
  }),
  fc.record({
    descriptor,
    aggregationTemporality: fc.constant(AggregationTemporality.CUMULATIVE),
    dataPointType: fc.constant(DataPointType.GAUGE),
    dataPoints: fc.array(point(sampleValue), { maxLength: 4 }),
  }),
  fc.record({
    descriptor,
    aggregationTemporality: fc.constant(AggregationTemporality.CUMULATIVE),
    dataPointType: fc.constant(DataPointType.HISTOGRAM),
    dataPoints: fc.array(point(histogramValue), { maxLength: 4 }),
  }),
  // Not served by the Prometheus exporter (untyped, no samples), but a reader may collect one.
  fc.record({
    descriptor,
    aggregationTemporality: fc.constant(AggregationTemporality.CUMULATIVE),
    dataPointType: fc.constant(DataPointType.EXPONENTIAL_HISTOGRAM),
    dataPoints: fc.array(
      point(fc.record({ count: fc.nat(), sum: number, scale: fc.integer({ min: -2, max: 4 }), zeroCount: fc.nat(), positive: fc.constant({ offset: 0, bucketCounts: [1] }), negative: fc.constant({ offset: 0, bucketCounts: [] }) })),
      { maxLength: 2 },
    ),
  }),
) as fc.Arbitrary<MetricData>;

const scope = fc.record(
  { name: fc.oneof(name, fc.constant('invocation-metrics')), version: fc.oneof(fc.constant(''), name), schemaUrl: fc.oneof(fc.constant(''), name, fc.constant('https://opentelemetry.io/schemas/1.28.0')) },
  { requiredKeys: ['name'] },
);

const scopeMetrics: fc.Arbitrary<ScopeMetrics> = fc.record({ scope, metrics: fc.array(metric, { maxLength: 4 }) });

/** The serializers read only `resource.attributes`; a plain object stands in for the rest of a Resource. */
const resourceMetrics: fc.Arbitrary<ResourceMetrics> = fc.record({
  resource: attributes.map((a) => ({ attributes: a }) as unknown as Resource),
  scopeMetrics: fc.array(scopeMetrics, { maxLength: 4 }),
});

/** Ours, configured to write exactly what the SDK writes (no unit suffixes). */
const sdkCompatible = () => new PrometheusTextSerializer({ unitSuffixes: false });

/** The SDK's name sanitization (exporter-prometheus `sanitizePrometheusMetricName`), before the digit and `_total` rules. */
const sdkName = (n: string): string => {
  const s = n.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/[^a-z0-9_]/gi, '_').replace(/_{2,}/g, '_');
  return s !== '' && s[0]! >= '0' && s[0]! <= '9' ? `_${s}` : s;
};

/** `rm` with every metric renamed to the name ours gives it with unit suffixes (before `_total`). */
function renamed(rm: ResourceMetrics): ResourceMetrics {
  return {
    ...rm,
    scopeMetrics: rm.scopeMetrics.map((sm) => ({
      ...sm,
      metrics: sm.metrics.map((m) => {
        const base = sdkName(m.descriptor.name);
        if (base === '' || base === '_' || typeof m.descriptor.unit !== 'string' || m.descriptor.unit === '') return m;
        const gauge = m.dataPointType === DataPointType.GAUGE || (m.dataPointType === DataPointType.SUM && !m.isMonotonic);
        return { ...m, descriptor: { ...m.descriptor, name: withUnitSuffix(base, m.descriptor.unit, gauge) } } as MetricData;
      }),
    })),
  };
}

/** One metric of each suffix case. */
function oneOfEach(): ResourceMetrics {
  const point = { startTime: [0, 0] as [number, number], endTime: [1, 0] as [number, number], attributes: { k: 'v' } };
  const m = (name: string, unit: string, type: DataPointType, isMonotonic = false): MetricData =>
    ({
      descriptor: { name, description: 'd', unit, valueType: 1 },
      aggregationTemporality: AggregationTemporality.CUMULATIVE,
      dataPointType: type,
      isMonotonic,
      dataPoints: [{ ...point, value: type === DataPointType.HISTOGRAM ? { buckets: { boundaries: [1], counts: [1, 0] }, count: 1, sum: 0.5 } : 1 }],
    }) as MetricData;
  return {
    resource: { attributes: {} } as unknown as Resource,
    scopeMetrics: [
      {
        scope: { name: 's' },
        metrics: [
          m('gen_ai.invoke_agent.duration', 's', DataPointType.HISTOGRAM),
          m('wait', 's', DataPointType.SUM, true),
          m('invocation_metrics.invocations', '{invocation}', DataPointType.SUM, true),
          m('queue.fill', '1', DataPointType.GAUGE),
          m('request.seconds', 's', DataPointType.GAUGE),
        ],
      },
    ],
  };
}

describe('PrometheusTextSerializer', () => {
  it('writes what the SDK PrometheusSerializer writes, byte for byte, for random collections', () => {
    const ours = sdkCompatible();
    const sdk = sdkSerializer();
    fc.assert(
      fc.property(resourceMetrics, (rm) => {
        expect(ours.serialize(rm)).toBe(sdk.serialize(rm));
      }),
      { numRuns: runs(1000) },
    );
  });

  it('with unit suffixes (the default), writes what the SDK writes for the collection renamed to the suffixed names', () => {
    const ours = new PrometheusTextSerializer();
    const sdk = sdkSerializer();
    fc.assert(
      fc.property(resourceMetrics, (rm) => {
        expect(ours.serialize(rm)).toBe(sdk.serialize(renamed(rm)));
      }),
      { numRuns: runs(1000) },
    );
  });

  it('adds the unit suffix before _total, and none for annotation units', () => {
    const text = new PrometheusTextSerializer().serialize(oneOfEach());
    expect(text).toContain('\ngen_ai_invoke_agent_duration_seconds_count{');
    expect(text).toContain('\nwait_seconds_total{');
    expect(text).toContain('\ninvocation_metrics_invocations_total{');
    expect(text).toContain('\nqueue_fill_ratio{');
    expect(text).toContain('# UNIT gen_ai_invoke_agent_duration_seconds s\n');
    // Already suffixed: not twice.
    expect(text).toContain('\nrequest_seconds{');
    expect(text).not.toContain('seconds_seconds');
    expect(sdkCompatible().serialize(oneOfEach())).toContain('\ngen_ai_invoke_agent_duration_count{');
  });

  it('keeps writing the same text after its caches fill and are emptied', () => {
    const ours = sdkCompatible();
    const sdk = sdkSerializer();
    const rm = (i: number): ResourceMetrics => ({
      resource: { attributes: { [`k.${i}`]: i } } as unknown as Resource,
      scopeMetrics: [
        {
          scope: { name: 's' },
          metrics: [
            {
              descriptor: { name: `m.${i}`, description: '', unit: '', valueType: 1 },
              aggregationTemporality: AggregationTemporality.CUMULATIVE,
              dataPointType: DataPointType.HISTOGRAM,
              dataPoints: [{ startTime: [0, 0], endTime: [0, 0], attributes: { [`a-${i}`]: 'v' }, value: { buckets: { boundaries: [i / 7], counts: [1, 2] }, count: 3, sum: i } }],
            },
          ],
        },
      ],
    });
    for (let i = 0; i < 10_000; i++) {
      const r = rm(i);
      expect(ours.serialize(r)).toBe(sdk.serialize(r));
    }
  });

  it('writes # no registered metrics after target_info when no scope yields a family', () => {
    const rm: ResourceMetrics = {
      resource: { attributes: {} } as unknown as Resource,
      scopeMetrics: [
        { scope: { name: 'empty' }, metrics: [] },
        // Names the SDK skips: empty, and "_" after sanitization.
        { scope: { name: 'skipped' }, metrics: [{ descriptor: { name: '.', description: '', unit: '', valueType: 1 }, aggregationTemporality: 1, dataPointType: DataPointType.GAUGE, dataPoints: [] }] },
      ],
    };
    const text = sdkCompatible().serialize(rm);
    expect(text).toBe('# HELP target_info Target metadata\n# TYPE target_info gauge\ntarget_info 1\n# no registered metrics');
    expect(text).toBe(sdkSerializer().serialize(rm));
  });

  it('groups one Prometheus name across scopes into one family, drops a type conflict and warns as the SDK does (0.300 on)', () => {
    const sum = (n: string, unit: string, description: string, isMonotonic: boolean, value: number): MetricData =>
      ({
        descriptor: { name: n, description, unit, valueType: 1 },
        aggregationTemporality: AggregationTemporality.CUMULATIVE,
        dataPointType: DataPointType.SUM,
        isMonotonic,
        dataPoints: [{ startTime: [0, 0], endTime: [1, 0], attributes: { k: 'v' }, value }],
      }) as MetricData;
    const rm: ResourceMetrics = {
      resource: { attributes: { 'service.name': 's' } } as unknown as Resource,
      scopeMetrics: [
        { scope: { name: 'a' }, metrics: [sum('x.count', '', '', true, 1), sum('y', 's', 'first', false, 2)] },
        { scope: { name: 'b' }, metrics: [sum('x_count', '{n}', 'later', true, 3), { ...sum('y', 'ms', 'second', false, 4), dataPointType: DataPointType.HISTOGRAM, dataPoints: [] } as MetricData] },
        { scope: { name: 'c' }, metrics: [sum('target.info', 'x', '', false, 5)] },
      ],
    };
    const warnings = (serialize: () => string): [string, string[]] => {
      const spy = vi.spyOn(diag, 'warn').mockImplementation(() => undefined);
      try {
        const text = serialize();
        return [text, spy.mock.calls.map((c) => String(c[0]))];
      } finally {
        spy.mockRestore();
      }
    };
    const ours = sdkCompatible();
    const sdk = sdkSerializer();
    const [text, ourWarnings] = warnings(() => ours.serialize(rm));
    const [sdkText, sdkWarnings] = warnings(() => sdk.serialize(rm));
    expect(text).toBe(sdkText);
    expect(ourWarnings).toEqual(sdkWarnings);
    // x_count_total from two scopes under one HELP/TYPE, with the later scope's unit ignored; y dropped
    // (gauge in one scope, histogram in the other); target_info takes the unit of the metric that joins it.
    expect(text).toContain('# HELP x_count_total later\n# UNIT x_count_total {n}\n# TYPE x_count_total counter\n');
    expect(text).not.toContain('y{');
    expect(text).toContain('# UNIT target_info x\n');
    expect(ourWarnings.length).toBeGreaterThan(0);
    // The same conflicts at the next scrape are not warned about again.
    expect(warnings(() => ours.serialize(rm))[1]).toEqual(warnings(() => sdk.serialize(rm))[1]);
    expect(warnings(() => ours.serialize(rm))[1]).toEqual([]);
  });

  it('trims a family whose last value is not a number, as the SDK does', () => {
    const rm = {
      resource: { attributes: { 'service.name': 'x' } },
      scopeMetrics: [
        {
          scope: { name: 's' },
          metrics: [
            { descriptor: { name: 'g', description: 'd', unit: '', valueType: 1 }, aggregationTemporality: 1, dataPointType: DataPointType.GAUGE, dataPoints: [{ startTime: [0, 0], endTime: [0, 0], attributes: {}, value: '5 \n ' }] },
            { descriptor: { name: 'h', description: 'd', unit: '', valueType: 1 }, aggregationTemporality: 1, dataPointType: DataPointType.HISTOGRAM, dataPoints: [{ startTime: [0, 0], endTime: [0, 0], attributes: {}, value: { buckets: { boundaries: [1], counts: [1, ' '] }, count: 2 } }] },
          ],
        },
      ],
    } as unknown as ResourceMetrics;
    expect(sdkCompatible().serialize(rm)).toBe(sdkSerializer().serialize(rm));
  });

  it('throws, as the SDK does, for an attribute value JSON cannot encode', () => {
    const rm = { resource: { attributes: { f: () => 1 } }, scopeMetrics: [] } as unknown as ResourceMetrics;
    expect(() => sdkSerializer().serialize(rm)).toThrow(TypeError);
    expect(() => sdkCompatible().serialize(rm)).toThrow(TypeError);
  });
});

// ---------------------------------------------------------------------------------------------------
// The real path.

const servers: MetricsServer[] = [];
const providers: MeterProvider[] = [];
afterEach(async () => {
  vi.unstubAllEnvs();
  for (const s of servers.splice(0)) await s.close();
  for (const p of providers.splice(0)) await p.shutdown();
});

function get(url: string, method = 'GET'): Promise<{ status: number; type: string | undefined; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, type: res.headers['content-type'], body }));
    });
    req.on('error', reject);
    req.end();
  });
}

const RECORDS = [...coverageRecords(), ...fleetRecords(400, 3)];

/**
 * A provider as `createTelemetry()` builds one (the mirror's producer on a Prometheus exporter), fed
 * `RECORDS`, with SDK instruments of every kind and hostile attributes beside the mirror's metrics.
 */
function fleetProvider(resource?: Resource): { provider: MeterProvider; exporter: PrometheusExporter } {
  const hub = new SourceHub();
  const exporter = new PrometheusExporter({ preventServerStart: true, metricProducers: [createSnapshotProducer(hub, AggregationTemporality.CUMULATIVE)] });
  const provider = new MeterProvider({ ...(resource === undefined ? {} : { resource }), readers: [exporter] });
  providers.push(provider);
  const mirror = createMirror({ telemetry: hub, logger: memoryLogger() });
  for (const r of RECORDS) mirror.record(r);
  mirror.begin({ agent: 'planner', phase: 0 });
  userInstruments(provider);
  return { provider, exporter };
}

/** SDK instruments a user might create on the telemetry's provider: sums, gauges, histograms, odd attributes. */
function userInstruments(provider: Pick<MeterProvider, 'getMeter'>): void {
  const meter = provider.getMeter('user.lib', '1.2.3', { schemaUrl: 'https://opentelemetry.io/schemas/1.28.0' });
  const hostile = { 'http.route': '/a\\b"c\nd', 'weird-key.é': 1.5, flag: true, list: ['x', 'y"'] };
  meter.createCounter('user.requests', { description: 'Requests\nwith a newline \\ and backslash', unit: '{request}' }).add(3, hostile);
  meter.createUpDownCounter('user.queue_depth').add(-2, { queue: 'a' });
  meter.createHistogram('user.latency', { unit: 's' }).record(0.42, hostile);
  meter.createHistogram('user.size', { advice: { explicitBucketBoundaries: [1, 10, 100] } }).record(50);
  meter.createGauge('user.temperature').record(-0, { room: 'x' });
  meter.createObservableGauge('9.lives').addCallback((r) => r.observe(Infinity, { a: '' }));
}

describe('the /metrics handler', () => {
  it('serves the SDK serialization of the collection it made, with the exporter’s status and content type', async () => {
    const { exporter } = fleetProvider();
    const collected: CollectionResult[] = [];
    // The real exporter's collection, kept so the expected text is serialized from the very same data.
    const reader = {
      async collect() {
        const result = await exporter.collect();
        collected.push(result);
        return result;
      },
    };
    const server = await serveMetrics(metricsHandler(reader), '127.0.0.1', 0, '/metrics');
    servers.push(server);

    const res = await get(server.url);
    expect(res.status).toBe(200);
    expect(res.type).toBe('text/plain');
    expect(collected).toHaveLength(1);
    const expected = sdkSerializer().serialize(renamed(collected[0]!.resourceMetrics));
    expect(res.body).toBe(expected);
    // Both paths are in it: the mirror's histograms and counters and the user's instruments.
    const families = parseExposition(res.body).families;
    for (const f of ['gen_ai_client_token_usage', 'invocation_metrics_invocations_total', 'invocation_metrics_active', 'user_requests_total', 'user_latency_seconds', '_9_lives']) expect(families.has(f), f).toBe(true);
    expect(res.body.split('\n').length).toBeGreaterThan(1000);

    expect(await get(server.url, 'HEAD')).toEqual({ status: 200, type: 'text/plain', body: '' });
  });

  it('answers a rejected collection with the exporter’s comment', async () => {
    // A reader bound to no provider rejects its collections.
    const unbound = new PrometheusExporter({ preventServerStart: true });
    const server = await serveMetrics(metricsHandler(unbound), '127.0.0.1', 0, '/metrics');
    servers.push(server);
    const res = await get(server.url);
    expect(res.status).toBe(200);
    expect(res.body).toMatch(/^# failed to export metrics: Error: /);
  });

  it('still serves the SDK metrics when a source fails, as the exporter did', async () => {
    const hub = new SourceHub();
    hub.addSource({
      startTimeMs: 0,
      collect() {
        throw new Error('source down');
      },
    });
    const exporter = new PrometheusExporter({ preventServerStart: true, metricProducers: [createSnapshotProducer(hub, AggregationTemporality.CUMULATIVE)] });
    const provider = new MeterProvider({ readers: [exporter] });
    providers.push(provider);
    userInstruments(provider);
    const server = await serveMetrics(metricsHandler(exporter), '127.0.0.1', 0, '/metrics');
    servers.push(server);
    const res = await get(server.url);
    expect(res.status).toBe(200);
    expect(parseExposition(res.body).families.has('user_requests_total')).toBe(true);
    expect(res.body).not.toContain('gen_ai_');
  });
});

describe('createTelemetry’s endpoint', () => {
  it('serves the bytes the SDK serializer writes for a twin provider with the same resource and data', async () => {
    // A fixed instance id makes the two resources equal (OTEL_RESOURCE_ATTRIBUTES overrides the random one).
    vi.stubEnv('OTEL_RESOURCE_ATTRIBUTES', 'service.instance.id=fixed-for-test');
    const telemetry = await createTelemetry({ prometheus: { port: 0 }, serviceName: 'twin' });
    try {
      const mirror = createMirror({ telemetry, logger: memoryLogger() });
      for (const r of RECORDS) mirror.record(r);
      mirror.begin({ agent: 'planner', phase: 0 });
      userInstruments(telemetry.meterProvider as MeterProvider);

      const { exporter } = fleetProvider(resourceOf('twin'));
      const expected = sdkSerializer().serialize(renamed((await exporter.collect()).resourceMetrics));
      const res = await get(telemetry.prometheusUrl!);
      expect(res.status).toBe(200);
      expect(res.type).toBe('text/plain');
      expect(res.body).toContain('service_instance_id="fixed-for-test"');
      expect(res.body).toBe(expected);
    } finally {
      await telemetry.shutdown();
    }
  });
});
