/**
 * The SDK is an optional peer dependency: the core runs with `@opentelemetry/api` alone, and
 * `createTelemetry()` without the SDK rejects with the exact `npm i` line. Checked on the built package
 * laid out as npm installs it for a user who installed nothing else: `node_modules/invocation-metrics`
 * (package.json + dist) and `node_modules/@opentelemetry/api`, in a fresh folder, run by a child process.
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CORE_PEERS, LOGS_PEERS, MissingPeerDependencyError, OTLP_PEERS, PROMETHEUS_PEERS, TRACES_PEERS, missingPeers } from '../../src/telemetry/peers.js';
import { ensureBuilt, ROOT } from '../cli/helpers/built-cli.js';

const run = promisify(execFile);

describe('missingPeers', () => {
  it('lists the packages the resolver cannot find, in order, and MissingPeerDependencyError names the npm i line', () => {
    const installed = new Set(['@opentelemetry/resources']);
    const resolve = (s: string): string => {
      if (!installed.has(s)) throw Object.assign(new Error(`Cannot find package '${s}'`), { code: 'ERR_MODULE_NOT_FOUND' });
      return `file:///x/${s}`;
    };
    const missing = missingPeers([...CORE_PEERS, ...PROMETHEUS_PEERS], resolve);
    expect(missing.map((p) => p.name)).toEqual(['@opentelemetry/sdk-metrics', '@opentelemetry/exporter-prometheus']);
    const error = new MissingPeerDependencyError('createTelemetry()', missing);
    expect(error.code).toBe('ERR_MISSING_PEER_DEPENDENCY');
    expect(error.install).toBe("npm i @opentelemetry/sdk-metrics@'^3' @opentelemetry/exporter-prometheus@'>=0.300.0 <0.400.0'");
    expect(error.message).toContain(error.install);
  });

  it('keeps its ranges equal to the optional peer ranges of package.json', () => {
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as {
      peerDependencies: Record<string, string>;
      peerDependenciesMeta: Record<string, { optional?: boolean }>;
    };
    for (const p of [...CORE_PEERS, ...PROMETHEUS_PEERS, ...OTLP_PEERS, ...TRACES_PEERS, ...LOGS_PEERS]) {
      expect(pkg.peerDependenciesMeta[p.name]?.optional, p.name).toBe(true);
      // '^3' in the message stands for '^3.0.0' in package.json.
      expect(pkg.peerDependencies[p.name]?.replace(/\.0\.0$/, ''), p.name).toBe(p.range);
    }
  });
});

describe('the built package with @opentelemetry/api alone', () => {
  let dir: string;
  beforeAll(async () => {
    await ensureBuilt();
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'im-peers-'));
    const pkgDir = path.join(dir, 'node_modules/invocation-metrics');
    fs.mkdirSync(pkgDir, { recursive: true });
    fs.copyFileSync(path.join(ROOT, 'package.json'), path.join(pkgDir, 'package.json'));
    fs.cpSync(path.join(ROOT, 'dist'), path.join(pkgDir, 'dist'), { recursive: true });
    fs.mkdirSync(path.join(dir, 'node_modules/@opentelemetry'));
    fs.cpSync(path.join(ROOT, 'node_modules/@opentelemetry/api'), path.join(dir, 'node_modules/@opentelemetry/api'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'package.json'), '{ "type": "module" }\n');
  }, 180_000);
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  const node = async (code: string): Promise<unknown> => {
    const file = path.join(dir, `t-${Math.random().toString(36).slice(2)}.mjs`);
    fs.writeFileSync(file, code);
    const { stdout } = await run(process.execPath, [file], { cwd: dir });
    return JSON.parse(stdout) as unknown;
  };

  it('records, aggregates and reads the log without the SDK', async () => {
    const out = await node(`
      import { InvocationMetricsCollector, loadLog, computeAggregate } from 'invocation-metrics';
      const c = new InvocationMetricsCollector('m', { warn() {} });
      await c.record({ invocationId: 'a', agent: 'coder', phase: 1, durationMs: 5, tokens: 3, cost: 0.1, exitCode: 0,
        success: true, attempt: 1, outputParsed: true, timestamp: '2026-12-07T10:00:00Z' });
      await c.close();
      const { records } = await loadLog('m/invocations.jsonl');
      console.log(JSON.stringify({ n: computeAggregate(records).totalInvocations }));
    `);
    expect(out).toEqual({ n: 1 });
    expect(fs.readdirSync(path.join(dir, 'node_modules/@opentelemetry'))).toEqual(['api']);
  });

  it('createTelemetry() names what to install, for the parts asked for', async () => {
    const out = await node(`
      import { createTelemetry } from 'invocation-metrics/telemetry';
      const tries = [{}, { prometheus: false, otlp: true }, { prometheus: false, logs: true }];
      const errors = [];
      for (const options of tries) {
        try { await createTelemetry(options); errors.push('resolved'); }
        catch (e) { errors.push({ name: e.name, code: e.code, message: e.message, install: e.install }); }
      }
      console.log(JSON.stringify(errors));
    `);
    expect(out).toEqual([
      {
        name: 'MissingPeerDependencyError',
        code: 'ERR_MISSING_PEER_DEPENDENCY',
        message: expect.stringContaining('Install with: npm i'),
        install: "npm i @opentelemetry/sdk-metrics@'^3' @opentelemetry/resources@'^3' @opentelemetry/exporter-prometheus@'>=0.300.0 <0.400.0'",
      },
      {
        name: 'MissingPeerDependencyError',
        code: 'ERR_MISSING_PEER_DEPENDENCY',
        message: expect.stringContaining('createTelemetry() needs the OpenTelemetry SDK packages'),
        install: "npm i @opentelemetry/sdk-metrics@'^3' @opentelemetry/resources@'^3' @opentelemetry/exporter-metrics-otlp-proto@'>=0.300.0 <0.400.0'",
      },
      {
        name: 'MissingPeerDependencyError',
        code: 'ERR_MISSING_PEER_DEPENDENCY',
        message: expect.stringContaining('createTelemetry() needs the OpenTelemetry SDK packages'),
        install:
          "npm i @opentelemetry/sdk-metrics@'^3' @opentelemetry/resources@'^3' @opentelemetry/sdk-logs@'^3' @opentelemetry/exporter-logs-otlp-proto@'>=0.300.0 <0.400.0'",
      },
    ]);
  });

  it('createTracing() names the trace SDK packages to install, and a tracer of the user spans nothing without them', async () => {
    const out = await node(`
      import { InvocationMetricsCollector } from 'invocation-metrics';
      import { createTracing } from 'invocation-metrics/telemetry';
      let error;
      try { await createTracing(); error = 'resolved'; }
      catch (e) { error = { name: e.name, code: e.code, install: e.install }; }
      // The core's span path needs the API alone: a hand-made tracer of API objects gets the span.
      const { trace, INVALID_SPAN_CONTEXT } = await import('@opentelemetry/api');
      const names = [];
      const tracer = { startSpan(name) { names.push(name); return trace.wrapSpanContext(INVALID_SPAN_CONTEXT); }, startActiveSpan() {} };
      const c = new InvocationMetricsCollector('t', { warn() {} }, { tracer });
      await c.record({ invocationId: 'a', agent: 'coder', phase: 1, durationMs: 5, tokens: 3, cost: 0.1, exitCode: 0,
        success: true, attempt: 1, outputParsed: true, timestamp: '2026-12-07T10:00:00Z' });
      await c.close();
      console.log(JSON.stringify({ error, names }));
    `);
    expect(out).toEqual({
      error: {
        name: 'MissingPeerDependencyError',
        code: 'ERR_MISSING_PEER_DEPENDENCY',
        install: "npm i @opentelemetry/sdk-trace@'^3' @opentelemetry/resources@'^3' @opentelemetry/exporter-trace-otlp-proto@'>=0.300.0 <0.400.0'",
      },
      names: ['invoke_agent coder'],
    });
  });
});
