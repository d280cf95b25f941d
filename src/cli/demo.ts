/**
 * `invocation-metrics demo`: replays a simulated multi-agent fleet (`src/demo/plan.ts`) in compressed
 * time through a real collector: the JSONL log is written, `/metrics` is served on 127.0.0.1 while it
 * runs (and OTLP pushed with `--otlp`), and the summary is printed at the end. Ctrl-C ends the run early
 * and still flushes the log, prints the summary of what ran and shuts telemetry down.
 *
 * @module
 */
import fs from 'node:fs';
import { diag, DiagLogLevel } from '@opentelemetry/api';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { InvocationMetricsCollector } from '../collector.js';
import { ReplayClock } from '../demo/clock.js';
import { DEFAULT_SEED, planRun, planSpanMs } from '../demo/plan.js';
import { createDemoProgress } from '../demo/progress.js';
import { replayPlan } from '../demo/replay.js';
import { renderDemoSummary } from '../demo/summary.js';
import { InvocationMetricsError } from '../errors.js';
import { createTelemetry, type Telemetry } from '../telemetry/telemetry.js';
import { formatDuration } from '../report/format.js';
import { parseCommandLine } from './args.js';
import { DEMO_HELP } from './help.js';
import type { CliIO } from './io.js';
import type { CliOutcome } from './outcome.js';
import { finish, PROGRAM } from './run.js';
import { cliCommand, pathForShell, shellQuote } from './shell-hint.js';
import { parseBucket } from './values.js';

const OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  duration: { type: 'string' },
  port: { type: 'string' },
  dir: { type: 'string' },
  otlp: { type: 'string' },
  seed: { type: 'string' },
} as const;

/** The demo's settings after parsing. */
export interface DemoOptions {
  /** `--help`. */
  help: boolean;
  /** Wall-clock length of the replay, ms. */
  durationMs: number;
  /** Prometheus port; 0 for a free one. */
  port: number;
  /** Log directory; undefined for a fresh `demo-output/<time>`. */
  dir: string | undefined;
  /** OTLP receiver URL; undefined for no push. */
  otlpUrl: string | undefined;
  /** Plan seed. */
  seed: number;
}

/** Default wall-clock length of the replay. */
export const DEFAULT_DURATION_MS = 15_000;
/** Default Prometheus port (the exporter's conventional one). */
export const DEFAULT_PORT = 9464;
/** OTLP push interval during the demo (unless `OTEL_METRIC_EXPORT_INTERVAL` is set), so a backend sees the run live. */
const DEMO_OTLP_INTERVAL_MS = 5_000;

const usage = (message: string): { problem: CliOutcome } => ({ problem: { kind: 'usage', command: 'demo', message } });

/**
 * Parses and checks the demo's command line. Pure.
 *
 * @param argv - Arguments after `demo`.
 * @returns The options, or a usage outcome naming the bad value.
 */
export function parseDemoArgs(argv: string[]): DemoOptions | { problem: CliOutcome } {
  const parsed = parseCommandLine('demo', argv, OPTIONS);
  if ('problem' in parsed) return parsed;
  const { values, positionals } = parsed;
  if (positionals.length > 0) return usage(`Unexpected argument '${positionals[0]}' (demo takes no inputs)`);
  let durationMs = DEFAULT_DURATION_MS;
  if (values.duration !== undefined) {
    const ms = parseBucket(values.duration);
    if (ms === undefined) return usage(`Expected --duration to be a positive duration (500ms, 20s, 2m), got '${values.duration}'`);
    durationMs = ms;
  }
  let port = DEFAULT_PORT;
  if (values.port !== undefined) {
    port = /^\d{1,5}$/.test(values.port) ? Number(values.port) : NaN;
    if (!(port <= 65535)) return usage(`Expected --port to be an integer from 0 to 65535 (0 = a free port), got '${values.port}'`);
  }
  if (values.dir === '') return usage('Expected --dir to be a directory path, got an empty string');
  const otlp = values.otlp;
  if (otlp !== undefined && !/^https?:$/.test(URL.canParse(otlp) ? new URL(otlp).protocol : ''))
    return usage(`Expected --otlp to be an http(s) URL such as http://127.0.0.1:4318/v1/metrics, got '${otlp}'`);
  let seed = DEFAULT_SEED;
  if (values.seed !== undefined) {
    seed = /^\d{1,10}$/.test(values.seed) ? Number(values.seed) : NaN;
    if (!(seed <= 0xffff_ffff)) return usage(`Expected --seed to be an integer from 0 to 4294967295, got '${values.seed}'`);
  }
  return { help: values.help === true, durationMs, port, dir: values.dir, otlpUrl: otlp, seed };
}

/** Creates a fresh `demo-output/<UTC time>` directory (with a `-2`, `-3`... suffix if it exists). */
function freshDefaultDir(): string {
  const stamp = new Date().toISOString().slice(0, 19).replace(/:/g, '-');
  fs.mkdirSync('demo-output', { recursive: true });
  for (let n = 1; ; n++) {
    const dir = path.join('demo-output', n === 1 ? stamp : `${stamp}-${n}`);
    try {
      fs.mkdirSync(dir);
      return dir;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
  }
}

const fail = (io: CliIO, message: string): number => {
  io.stderr.write(`${PROGRAM} demo: ${message}\n`);
  return 1;
};

/** The SDK's error handler passes errors to diag as JSON of their properties: show the message. */
function diagMessage(text: string): string {
  try {
    const parsed: unknown = JSON.parse(text);
    const message = (parsed as { message?: unknown } | null)?.message;
    if (typeof message === 'string') return message;
  } catch {
    // Not JSON: shown as is.
  }
  return text;
}

const reason = (error: unknown): string => (error instanceof Error ? error.message : String(error));

/**
 * Runs the demo.
 *
 * @param argv - Arguments after `demo`.
 * @param io - Process streams.
 * @returns The exit code: 0 done, 1 the log directory or the port cannot be used, 2 usage, 130 interrupted.
 */
export async function runDemo(argv: string[], io: CliIO): Promise<number> {
  const options = parseDemoArgs(argv);
  if ('problem' in options) return finish(options.problem, io);
  if (options.help) {
    io.stdout.write(DEMO_HELP);
    return 0;
  }

  let dir: string;
  try {
    dir = options.dir ?? freshDefaultDir();
    fs.mkdirSync(dir, { recursive: true });
  } catch (error) {
    return fail(io, `cannot create the log directory ${options.dir ?? 'demo-output'}: ${reason(error)}`);
  }
  const logPath = path.join(dir, 'invocations.jsonl');
  if ((fs.statSync(logPath, { throwIfNoEntry: false })?.size ?? 0) > 0)
    return fail(io, `${logPath} already holds a log; the demo writes a fresh one: choose another --dir`);

  let telemetry: Telemetry;
  try {
    telemetry = await createTelemetry({
      prometheus: { port: options.port },
      otlp:
        options.otlpUrl === undefined
          ? false
          : { url: options.otlpUrl, ...(io.env.OTEL_METRIC_EXPORT_INTERVAL ? {} : { intervalMs: DEMO_OTLP_INTERVAL_MS }) },
      serviceName: io.env.OTEL_SERVICE_NAME ?? 'invocation-metrics-demo',
    });
  } catch (error) {
    const cause = (error as { cause?: NodeJS.ErrnoException }).cause;
    if (error instanceof InvocationMetricsError && error.code === 'ERR_METRICS_LISTEN' && cause?.code === 'EADDRINUSE')
      return fail(io, `port ${options.port} on 127.0.0.1 is already in use; pass --port 0 for a free port, or another --port`);
    return fail(io, reason(error));
  }

  const plan = planRun(options.seed);
  const spanMs = planSpanMs(plan);
  const clock = new ReplayClock(Date.now());
  const progress = createDemoProgress(io.stderr, io.stderrIsTTY);
  let collector: InvocationMetricsCollector;
  try {
    collector = new InvocationMetricsCollector(dir, { warn: (m: unknown) => progress.message(`warning: ${String(m)}`) }, { telemetry, clock });
  } catch (error) {
    await telemetry.shutdown().catch(() => undefined);
    return fail(io, `cannot open ${logPath}: ${reason(error)}`);
  }

  if (options.otlpUrl !== undefined) {
    // The SDK reports a failed push only through the global diag logger (silent by default). The CLI is
    // the application here, so it may install one: push failures show up on stderr.
    const quiet = (): void => {};
    diag.setLogger({ error: (m: string) => progress.message(`otlp: ${diagMessage(m)}`), warn: quiet, info: quiet, debug: quiet, verbose: quiet }, DiagLogLevel.ERROR);
  }

  const seconds = (ms: number): string => `${(ms / 1000).toFixed(1)} s`;
  io.stderr.write(
    `demo: seed ${options.seed}, ${plan.length} invocations over ${formatDuration(spanMs)} of simulated time, replayed in ${seconds(options.durationMs)}\n` +
      `log: ${logPath}\n` +
      `metrics: ${telemetry.prometheusUrl ?? '-'}\n` +
      (options.otlpUrl === undefined ? '' : `otlp: ${options.otlpUrl}\n`),
  );

  // Ctrl-C (or SIGTERM) ends the replay early; a second one gets Node's default: the process exits at once.
  const abort = new AbortController();
  const onSignal = (): void => {
    progress.message('interrupted: ending in-flight invocations, flushing the log (Ctrl-C again to quit now)');
    abort.abort();
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  let result;
  try {
    result = await replayPlan({
      plan,
      collector,
      clock,
      scale: spanMs / options.durationMs,
      signal: abort.signal,
      onProgress: (p) => progress.update(p),
      onPhase: (phase, agents) => progress.message(`phase ${phase}: ${agents.join(', ')}`),
      onError: (error) => progress.message(`warning: ${reason(error)}`),
    });
  } finally {
    process.removeListener('SIGINT', onSignal);
    process.removeListener('SIGTERM', onSignal);
  }
  progress.finish(result.progress);

  let code = result.completed ? 0 : 130;
  try {
    await collector.close();
  } catch (error) {
    code = fail(io, `the log is incomplete: ${reason(error)}`);
  }
  io.stdout.write(renderDemoSummary(collector.computeAggregate(), { color: io.stdoutIsTTY && !io.env.NO_COLOR }));
  // Commands the user can paste as they are: a bare `invocation-metrics` is on no PATH after `npm ci`.
  const shellCwd = io.env.INIT_CWD !== undefined && path.isAbsolute(io.env.INIT_CWD) ? io.env.INIT_CWD : process.cwd();
  const cli = cliCommand(shellCwd, fileURLToPath(new URL('./main.js', import.meta.url)));
  const shown = shellQuote(pathForShell(dir, shellCwd));
  const report = shellQuote(pathForShell(path.join(dir, 'report.html'), shellCwd));
  io.stderr.write(
    `${result.completed ? 'done' : `interrupted (${result.interrupted} in flight recorded as failed, error class 'interrupted')`}: ` +
      `${collector.getCount()} records in ${logPath}\n` +
      `summarize it again with: ${cli} summarize ${shown}\n` +
      `or as an HTML report:    ${cli} report ${shown} --out ${report}\n`,
  );
  if (options.otlpUrl !== undefined) io.stderr.write(`otlp: pushing the last export to ${options.otlpUrl}\n`);
  try {
    await telemetry.shutdown();
  } catch (error) {
    io.stderr.write(`${PROGRAM} demo: warning: telemetry shutdown failed: ${reason(error)}\n`);
  } finally {
    if (options.otlpUrl !== undefined) diag.disable();
  }
  return code;
}
