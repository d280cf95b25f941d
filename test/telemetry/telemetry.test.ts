import { createServer, connect, type Server } from 'node:net';
import { metrics } from '@opentelemetry/api';
import { afterEach, describe, expect, it } from 'vitest';
import { InvalidOptionError, InvocationMetricsError } from '../../src/errors.js';
import { createTelemetry, resolveTelemetryOptions, type Telemetry, type TelemetryOptions } from '../../src/telemetry/telemetry.js';
import { parseExposition } from '../helpers/otel-read.js';

const bundles: Telemetry[] = [];
afterEach(async () => {
  for (const t of bundles.splice(0)) await t.shutdown();
});

async function telemetry(options: TelemetryOptions): Promise<Telemetry> {
  const t = await createTelemetry(options);
  bundles.push(t);
  return t;
}

/** Runs `fn` with some environment variables set (or removed with `undefined`), restoring them after. */
async function withEnv<T>(env: Record<string, string | undefined>, fn: () => T | Promise<T>): Promise<T> {
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  for (const [k, v] of Object.entries(env)) if (v === undefined) delete process.env[k];
  else process.env[k] = v;
  try {
    return await fn();
  } finally {
    for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
}

/** Whether a TCP connection to host:port is accepted. */
function accepts(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = connect({ host, port });
    s.once('connect', () => (s.destroy(), resolve(true)));
    s.once('error', () => resolve(false));
  });
}

const portOf = (url: string) => Number(new URL(url).port);

describe('resolveTelemetryOptions', () => {
  it('serves Prometheus on 127.0.0.1:9464/metrics and pushes no OTLP by default', async () => {
    await withEnv({ OTEL_SERVICE_NAME: undefined }, () => {
      expect(resolveTelemetryOptions()).toEqual({
        prometheus: { port: 9464, host: '127.0.0.1', endpoint: '/metrics' },
        otlp: undefined,
        serviceName: 'invocation-metrics',
      });
    });
  });

  it('takes OTEL_SERVICE_NAME and OTEL_METRIC_EXPORT_INTERVAL when the options do not say', async () => {
    await withEnv({ OTEL_SERVICE_NAME: 'fleet-7', OTEL_METRIC_EXPORT_INTERVAL: '1500' }, () => {
      const r = resolveTelemetryOptions({ otlp: true });
      expect(r.serviceName).toBe('fleet-7');
      expect(r.otlp).toEqual({ url: undefined, headers: undefined, intervalMs: 1500 });
      expect(resolveTelemetryOptions({ serviceName: 'mine', otlp: { intervalMs: 10 } })).toMatchObject({ serviceName: 'mine', otlp: { intervalMs: 10 } });
    });
    await withEnv({ OTEL_METRIC_EXPORT_INTERVAL: 'soon' }, () => {
      expect(resolveTelemetryOptions({ otlp: true }).otlp!.intervalMs).toBe(60_000);
    });
  });

  it('accepts http and https OTLP URLs', () => {
    expect(resolveTelemetryOptions({ otlp: { url: 'http://127.0.0.1:4318/v1/metrics' } }).otlp!.url).toBe('http://127.0.0.1:4318/v1/metrics');
    expect(resolveTelemetryOptions({ otlp: { url: 'https://otlp.example/v1/metrics' } }).otlp!.url).toBe('https://otlp.example/v1/metrics');
  });

  it('turns Prometheus off with false', () => {
    expect(resolveTelemetryOptions({ prometheus: false }).prometheus).toBeUndefined();
  });

  it('rejects bad options with an InvalidOptionError naming the option', () => {
    const cases: [unknown, RegExp][] = [
      [null, /options/],
      [{ prometheus: null }, /prometheus/],
      [{ prometheus: { port: -1 } }, /prometheus\.port/],
      [{ prometheus: { port: 65536 } }, /prometheus\.port/],
      [{ prometheus: { port: 1.5 } }, /prometheus\.port/],
      [{ prometheus: { port: '9464' } }, /prometheus\.port/],
      [{ prometheus: { host: '' } }, /prometheus\.host/],
      [{ prometheus: { endpoint: 'metrics' } }, /prometheus\.endpoint/],
      [{ otlp: 'yes' }, /otlp/],
      // Parse as URLs (scheme `collector:`), but no http/protobuf exporter can reach them.
      [{ otlp: { url: 'collector:4318' } }, /otlp\.url/],
      [{ otlp: { url: 'localhost:4318/v1/metrics' } }, /otlp\.url/],
      [{ otlp: { url: 'ftp://collector/v1/metrics' } }, /otlp\.url/],
      [{ otlp: { url: 'not a url' } }, /otlp\.url/],
      [{ otlp: { headers: { authorization: 1 } } }, /otlp\.headers/],
      [{ otlp: { intervalMs: 0 } }, /otlp\.intervalMs/],
      [{ serviceName: '' }, /serviceName/],
    ];
    for (const [options, message] of cases) {
      expect(() => resolveTelemetryOptions(options as TelemetryOptions), JSON.stringify(options)).toThrow(InvalidOptionError);
      expect(() => resolveTelemetryOptions(options as TelemetryOptions), JSON.stringify(options)).toThrow(message);
    }
  });
});

describe('createTelemetry', () => {
  it('with port 0 listens on a real free port, given back in prometheusUrl', async () => {
    const t = await telemetry({ prometheus: { port: 0 } });
    expect(t.prometheusUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    const port = portOf(t.prometheusUrl!);
    expect(port).toBeGreaterThan(0);
    expect(port).not.toBe(9464);
    const res = await fetch(t.prometheusUrl!);
    expect(res.status).toBe(200);
    expect(await res.text()).toContain('target_info');
  });

  it('binds 127.0.0.1 by default: another loopback address is refused', async (ctx) => {
    // Control first: a server bound to every interface accepts on 127.0.0.2 (Linux routes 127/8 to lo).
    const wide: Server = createServer((s) => s.destroy());
    await new Promise<void>((r) => wide.listen({ host: '0.0.0.0', port: 0 }, r));
    const control = await accepts('127.0.0.2', (wide.address() as { port: number }).port);
    await new Promise((r) => wide.close(r));
    const t = await telemetry({ prometheus: { port: 0 } });
    const port = portOf(t.prometheusUrl!);
    expect(await accepts('127.0.0.1', port)).toBe(true);
    if (!control) return ctx.skip('127.0.0.2 is not a usable loopback address on this machine');
    expect(await accepts('127.0.0.2', port)).toBe(false);
  });

  it('serves at a custom endpoint only', async () => {
    const t = await telemetry({ prometheus: { port: 0, endpoint: '/custom' } });
    expect(new URL(t.prometheusUrl!).pathname).toBe('/custom');
    expect((await fetch(t.prometheusUrl!)).status).toBe(200);
    expect((await fetch(t.prometheusUrl!.replace('/custom', '/metrics'))).status).toBe(404);
  });

  it('fails with ERR_METRICS_LISTEN when the port is taken', async () => {
    const t = await telemetry({ prometheus: { port: 0 } });
    const err = await createTelemetry({ prometheus: { port: portOf(t.prometheusUrl!) } }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(InvocationMetricsError);
    expect((err as InvocationMetricsError).code).toBe('ERR_METRICS_LISTEN');
    expect(String((err as Error).message)).toContain(String(portOf(t.prometheusUrl!)));
  });

  it('names the service in target_info', async () => {
    const t = await telemetry({ prometheus: { port: 0 }, serviceName: 'my-fleet' });
    const lines = parseExposition(await (await fetch(t.prometheusUrl!)).text()).lines;
    expect(lines.find((l) => l.name === 'target_info')!.labels.service_name).toBe('my-fleet');
  });

  it("serves the user's own instruments created on telemetry.meter", async () => {
    const t = await telemetry({ prometheus: { port: 0 } });
    t.meter.createCounter('my.jobs').add(3, { queue: 'q1' });
    const lines = parseExposition(await (await fetch(t.prometheusUrl!)).text()).lines;
    expect(lines.find((l) => l.name === 'my_jobs_total')).toMatchObject({ labels: { queue: 'q1' }, value: 3 });
  });

  it('never registers a global MeterProvider', async () => {
    const before = metrics.getMeterProvider();
    const t = await telemetry({ prometheus: { port: 0 } });
    expect(metrics.getMeterProvider()).toBe(before);
    expect(metrics.getMeterProvider()).not.toBe(t.meterProvider);
  });

  it('has no endpoint with prometheus: false', async () => {
    const t = await telemetry({ prometheus: false });
    expect(t.prometheusUrl).toBeUndefined();
  });

  it('shuts down once: later calls return the same promise, and the endpoint is closed', async () => {
    const t = await createTelemetry({ prometheus: { port: 0 } });
    const port = portOf(t.prometheusUrl!);
    // A kept-alive connection must not hold shutdown.
    await fetch(t.prometheusUrl!, { keepalive: true });
    const p1 = t.shutdown();
    expect(t.shutdown()).toBe(p1);
    await p1;
    expect(await accepts('127.0.0.1', port)).toBe(false);
  });
});
