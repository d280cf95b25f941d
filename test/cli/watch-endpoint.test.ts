/**
 * In flight from a Prometheus endpoint: the real collector's in-flight gauge scraped over HTTP from
 * `createTelemetry()`'s server, and the parser on label values that need unescaping.
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { InvocationMetricsCollector } from '../../src/collector.js';
import { createTelemetry } from '../../src/telemetry/index.js';
import { ACTIVE_GAUGE, combineInFlight, parseInFlight, scrapeInFlight } from '../../src/cli/watch-endpoint.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const c of cleanups.splice(0).reverse()) await c();
});

async function serve(status: number, body: string): Promise<string> {
  const server = http.createServer((_, res) => res.writeHead(status, { 'content-type': 'text/plain' }).end(body));
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  cleanups.push(() => new Promise<void>((r) => server.close(() => r())));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/metrics`;
}

describe('scrapeInFlight', () => {
  it('reads the collector\'s begun-not-ended invocations, by agent, from a real endpoint', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'im-watch-endpoint-'));
    cleanups.push(() => fs.rmSync(dir, { recursive: true, force: true }));
    const telemetry = await createTelemetry({ prometheus: { port: 0 } });
    cleanups.push(() => telemetry.shutdown());
    const collector = new InvocationMetricsCollector(dir, { warn: () => undefined }, { telemetry });
    cleanups.push(() => collector.close());
    const handles = [
      collector.begin({ agent: 'coder', phase: 1 }),
      collector.begin({ agent: 'coder', phase: 2, model: 'm' }),
      collector.begin({ agent: 'rev"iewer', phase: 1 }),
    ];
    const url = telemetry.prometheusUrl!;
    const first = await scrapeInFlight(url, 5000);
    expect(first).toEqual({ total: 3, byAgent: new Map([['coder', 2], ['rev"iewer', 1]]), series: 3 });
    await handles[0]!.end({ success: true, exitCode: 0, tokens: 1, cost: 0 });
    handles[1]!.abandon();
    expect(await scrapeInFlight(url, 5000)).toMatchObject({ total: 1 });
  });

  it('says why when there is no figure (refused, HTTP error), and 0 with no series when the gauge is not served yet', async () => {
    // A port that was just free: a server listened on it and closed.
    const closed = await serve(200, '');
    await cleanups.pop()!();
    expect(await scrapeInFlight(closed, 2000)).toEqual({ error: 'ECONNREFUSED' });
    expect(await scrapeInFlight(await serve(404, 'no'), 2000)).toEqual({ error: 'HTTP 404' });
    expect(await scrapeInFlight(await serve(200, '# no registered metrics\n'), 2000)).toEqual({ total: 0, byAgent: new Map(), series: 0 });
  });
});

describe('parseInFlight', () => {
  it('sums every series, unescapes label values, ignores longer names and timestamps', () => {
    const text = [
      '# HELP invocation_metrics_active Invocations in flight (begun, not yet ended).',
      '# TYPE invocation_metrics_active gauge',
      'invocation_metrics_active{gen_ai_agent_name="a\\\\b",x="}"} 2 1700000000000',
      'invocation_metrics_active{x="1",gen_ai_agent_name="a\\\\b"} 1',
      'invocation_metrics_active{gen_ai_agent_name="line\\nbreak"} 4',
      'invocation_metrics_active_total 100',
      'invocation_metrics_active 1',
    ].join('\n');
    expect(parseInFlight(text)).toEqual({ total: 8, byAgent: new Map([['a\\b', 3], ['line\nbreak', 4]]), series: 4 });
    expect(parseInFlight(`${ACTIVE_GAUGE}_x 3\n`)).toEqual({ total: 0, byAgent: new Map(), series: 0 });
  });
});

describe('combineInFlight', () => {
  it('sums the endpoints of several processes, by agent; one failure makes the figure unknown, named by its URL', () => {
    const a = { total: 2, byAgent: new Map([['coder', 2]]), series: 1 };
    const b = { total: 3, byAgent: new Map([['coder', 1], ['tester', 2]]), series: 2 };
    expect(combineInFlight(['u1', 'u2'], [a, b])).toEqual({ total: 5, byAgent: new Map([['coder', 3], ['tester', 2]]), series: 3 });
    expect(combineInFlight(['u1', 'u2'], [a, { error: 'ECONNREFUSED' }])).toEqual({ error: 'u2: ECONNREFUSED' });
    expect(combineInFlight(['u1'], [{ error: 'HTTP 500' }])).toEqual({ error: 'HTTP 500' });
  });
});
