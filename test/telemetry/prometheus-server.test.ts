import { request } from 'node:http';
import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { InvocationMetricsError } from '../../src/errors.js';
import { serveMetrics, type MetricsServer } from '../../src/telemetry/prometheus-server.js';

const servers: MetricsServer[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await s.close();
});

async function serve(endpoint = '/metrics', host = '127.0.0.1', port = 0) {
  const calls: string[] = [];
  const s = await serveMetrics(
    (req, res) => {
      calls.push(`${req.method} ${req.url}`);
      res.setHeader('content-type', 'text/plain');
      res.end('x_total 1\n');
    },
    host,
    port,
    endpoint,
  );
  servers.push(s);
  return { s, calls };
}

/** A raw request (fetch cannot send HEAD bodies checks or custom methods as plainly). */
function raw(url: string, method: string): Promise<{ status: number; body: string; allow?: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode!, body, ...(res.headers.allow === undefined ? {} : { allow: res.headers.allow }) }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('serveMetrics', () => {
  it('serves the handler at the endpoint, query strings allowed', async () => {
    const { s, calls } = await serve();
    expect(s.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/metrics$/);
    expect(await raw(s.url, 'GET')).toEqual({ status: 200, body: 'x_total 1\n' });
    expect((await raw(`${s.url}?debug=1`, 'GET')).status).toBe(200);
    expect(calls).toEqual(['GET /metrics', 'GET /metrics?debug=1']);
  });

  it('answers HEAD without a body', async () => {
    const { s } = await serve();
    expect(await raw(s.url, 'HEAD')).toEqual({ status: 200, body: '' });
  });

  it('answers 404 elsewhere and 405 (with Allow) for other methods, without calling the handler', async () => {
    const { s, calls } = await serve();
    expect((await raw(s.url.replace('/metrics', '/other'), 'GET')).status).toBe(404);
    expect((await raw(s.url.replace('/metrics', '/metrics/x'), 'GET')).status).toBe(404);
    expect(await raw(s.url, 'POST')).toEqual({ status: 405, body: '', allow: 'GET, HEAD' });
    expect(calls).toEqual([]);
  });

  it('reports the port the OS chose for port 0', async () => {
    const a = await serve();
    const b = await serve();
    expect(new URL(a.s.url).port).not.toBe(new URL(b.s.url).port);
    expect(Number(new URL(a.s.url).port)).toBeGreaterThan(0);
  });

  it('rejects with ERR_METRICS_LISTEN when the port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((r) => blocker.listen({ host: '127.0.0.1', port: 0 }, r));
    const port = (blocker.address() as { port: number }).port;
    try {
      const err = await serveMetrics(() => {}, '127.0.0.1', port, '/metrics').catch((e: unknown) => e);
      expect(err).toBeInstanceOf(InvocationMetricsError);
      expect((err as InvocationMetricsError).code).toBe('ERR_METRICS_LISTEN');
      expect((err as Error).message).toContain(`127.0.0.1:${port}`);
    } finally {
      await new Promise((r) => blocker.close(r));
    }
  });

  it('closes idempotently, dropping kept-alive connections', async () => {
    const { s } = await serve();
    const res = await fetch(s.url, { keepalive: true });
    await res.text();
    const p = s.close();
    expect(s.close()).toBe(p);
    await p;
    await expect(fetch(s.url)).rejects.toThrow();
  });

  it('writes an IPv6 host in brackets', async () => {
    const { s } = await serve('/metrics', '::1').catch(() => ({ s: undefined }));
    if (s === undefined) return; // no IPv6 loopback on this machine
    expect(s.url).toMatch(/^http:\/\/\[::1\]:\d+\/metrics$/);
  });
});
