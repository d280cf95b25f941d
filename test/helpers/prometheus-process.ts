/**
 * A real Prometheus server for integration tests: started from PATH on a free 127.0.0.1 port with a
 * temporary config and TSDB directory, scraping the given targets, queried through its HTTP API, killed
 * by `stop()`. Use `findServer('prometheus')` first to skip when it is not installed.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { VectorSample } from './otel-read.js';
import { waitFor } from './wait.js';

/** A running Prometheus. */
export interface PrometheusProcess {
  /** `http://127.0.0.1:<port>`. */
  readonly url: string;
  /** Runs an instant query; rejects on an API error. */
  query(promql: string): Promise<VectorSample[]>;
  /** `/api/v1/targets` active targets. */
  targets(): Promise<{ scrapeUrl: string; health: string; lastError: string }[]>;
  /** `/api/v1/rules` groups. */
  rules(): Promise<{ name: string; rules: { name: string; health: string; lastError?: string; type: string }[] }[]>;
  /** What the server wrote on stderr (for failure messages). */
  log(): string;
  /** Kills the server and removes its directory. Idempotent. */
  stop(): Promise<void>;
}

/** A free TCP port on 127.0.0.1 (closed again before returning, so a race is possible but rare). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

/**
 * Starts Prometheus and waits until it is ready.
 *
 * @param options.binary - Path of the `prometheus` binary.
 * @param options.targets - Full scrape URLs (http://127.0.0.1:PORT/path), one job each.
 * @param options.scrapeIntervalS - Scrape and rule evaluation interval, seconds.
 * @param options.scrapeIntervalMs - The same in milliseconds (Prometheus durations are integers of one unit); wins over seconds.
 * @param options.ruleFiles - Absolute paths of rule files to load.
 */
export async function startPrometheus(options: {
  binary: string;
  targets: string[];
  scrapeIntervalS?: number;
  scrapeIntervalMs?: number;
  ruleFiles?: string[];
}): Promise<PrometheusProcess> {
  const { binary, targets, scrapeIntervalS = 1, ruleFiles = [] } = options;
  const interval = options.scrapeIntervalMs === undefined ? `${scrapeIntervalS}s` : `${options.scrapeIntervalMs}ms`;
  const dir = mkdtempSync(join(tmpdir(), 'im-prometheus-'));
  const jobs = targets.map((t, i) => {
    const u = new URL(t);
    return [
      `  - job_name: target${i}`,
      `    metrics_path: ${JSON.stringify(u.pathname)}`,
      `    static_configs:`,
      `      - targets: [${JSON.stringify(u.host)}]`,
    ].join('\n');
  });
  const config = [
    'global:',
    `  scrape_interval: ${interval}`,
    `  scrape_timeout: ${interval}`,
    `  evaluation_interval: ${interval}`,
    ...(ruleFiles.length === 0 ? [] : ['rule_files:', ...ruleFiles.map((f) => `  - ${JSON.stringify(f)}`)]),
    'scrape_configs:',
    ...jobs,
    '',
  ].join('\n');
  const configFile = join(dir, 'prometheus.yml');
  writeFileSync(configFile, config);

  let stderr = '';
  let child: ChildProcess | undefined;
  let url = '';
  // The free port may be taken between freePort() and Prometheus's bind: retry a couple of times.
  for (let tries = 0; tries < 3 && child === undefined; tries++) {
    const port = await freePort();
    url = `http://127.0.0.1:${port}`;
    const c = spawn(
      binary,
      [
        `--config.file=${configFile}`,
        `--storage.tsdb.path=${join(dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${port}`,
        '--log.level=warn',
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    c.stderr!.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    let exited = false;
    c.once('exit', () => (exited = true));
    try {
      await waitFor(
        async () => {
          if (exited) throw new Error('exited');
          const res = await fetch(`${url}/-/ready`);
          return res.ok ? true : undefined;
        },
        { timeoutMs: 15_000, what: 'Prometheus to be ready' },
      );
      child = c;
    } catch {
      c.kill('SIGKILL');
    }
  }
  if (child === undefined) {
    rmSync(dir, { recursive: true, force: true });
    throw new Error(`Prometheus did not start: ${stderr}`);
  }
  const proc = child;

  const api = async <T>(path: string): Promise<T> => {
    const res = await fetch(`${url}${path}`);
    const body = (await res.json()) as { status: string; data: T; error?: string };
    if (body.status !== 'success') throw new Error(`Prometheus API ${path}: ${body.error ?? res.status}`);
    return body.data;
  };

  let stopped: Promise<void> | undefined;
  return {
    url,
    async query(promql) {
      const data = await api<{ resultType: string; result: VectorSample[] }>(`/api/v1/query?query=${encodeURIComponent(promql)}`);
      return data.result;
    },
    async targets() {
      const data = await api<{ activeTargets: { scrapeUrl: string; health: string; lastError: string }[] }>('/api/v1/targets');
      return data.activeTargets;
    },
    async rules() {
      const data = await api<{ groups: { name: string; rules: { name: string; health: string; lastError?: string; type: string }[] }[] }>('/api/v1/rules');
      return data.groups;
    },
    log: () => stderr,
    stop() {
      stopped ??= new Promise<void>((resolve) => {
        if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
        proc.once('exit', () => resolve());
        proc.kill('SIGTERM');
        // Prometheus shuts down cleanly within a second; do not let a hang hold the test run.
        setTimeout(() => proc.kill('SIGKILL'), 5000).unref();
      }).finally(() => rmSync(dir, { recursive: true, force: true }));
      return stopped;
    },
  };
}
