/**
 * `invocation-metrics watch <log|dir>... [--metrics URL] [--interval MS] [--once]`: a live view of growing
 * logs. The parts: `watch-sources.ts` follows the files (appends, rotation, truncation),
 * `watch-state.ts` keeps the aggregate and the last minute, `watch-endpoint.ts` reads in flight from
 * Prometheus endpoints, `watch-screen.ts` draws. This file is the loop and the terminal.
 *
 * @module
 */
import fs from 'node:fs';
import { parseCommandLine } from './args.js';
import { WATCH_HELP } from './help.js';
import type { CliIO } from './io.js';
import type { CliOutcome } from './outcome.js';
import { parseBucket } from './values.js';
import { DEFAULT_MAX_LINE_BYTES } from '../log/lines.js';
import { openRegularFile } from '../log/safe-open.js';
import { UnsafeLogFileError } from '../errors.js';
import { combineInFlight, scrapeInFlight, type InFlight } from './watch-endpoint.js';
import { renderPlainLine, renderScreen, type ScreenView } from './watch-screen.js';
import { LogSources, type WatchInput } from './watch-sources.js';
import { WatchState } from './watch-state.js';

const OPTIONS = {
  help: { type: 'boolean', short: 'h' },
  metrics: { type: 'string', multiple: true },
  interval: { type: 'string' },
  once: { type: 'boolean' },
} as const;

/** Default time between two refreshes, in ms. */
export const DEFAULT_INTERVAL_MS = 1000;
/** Shortest `--interval`, in ms. */
export const MIN_INTERVAL_MS = 100;
/** Most bytes read per refresh, all files together: a large log at start is read over several ticks. */
export const READ_BUDGET_BYTES = 64 * 1024 * 1024;

// Alternate screen + hidden cursor, and back (DEC private modes 1049 and 25).
const ENTER = '\x1b[?1049h\x1b[?25l';
const LEAVE = '\x1b[?25h\x1b[?1049l';

/** The terminal and process side of a watch; tests of the command in-process give their own. */
export interface WatchTerminal {
  /** Columns and rows of stdout when it is a terminal. */
  size(): { columns: number; rows: number };
  /** Subscribes to resize, SIGINT and SIGTERM; returns the unsubscribe. */
  on(events: { resize(): void; stop(): void }): () => void;
}

const processTerminal: WatchTerminal = {
  size: () => ({ columns: process.stdout.columns || 80, rows: process.stdout.rows || 24 }),
  on(events) {
    process.stdout.on('resize', events.resize);
    process.on('SIGINT', events.stop);
    process.on('SIGTERM', events.stop);
    return () => {
      process.stdout.off('resize', events.resize);
      process.off('SIGINT', events.stop);
      process.off('SIGTERM', events.stop);
    };
  },
};

const usage = (message: string): CliOutcome => ({ kind: 'usage', command: 'watch', message });

/** Checks the inputs as given: each must exist; a file must be a regular file this process can read. */
function resolveInputs(paths: string[]): WatchInput[] | CliOutcome {
  const inputs: WatchInput[] = [];
  for (const path of paths) {
    const stats = fs.statSync(path, { throwIfNoEntry: false });
    if (stats === undefined) return { kind: 'missing-input', path };
    if (stats.isDirectory()) {
      inputs.push({ path, kind: 'dir' });
      continue;
    }
    try {
      const opened = openRegularFile(path, 'read', true);
      if (opened === undefined) return { kind: 'missing-input', path };
      fs.closeSync(opened.fd);
    } catch (error) {
      const reason = error instanceof UnsafeLogFileError ? `not followed: it is ${error.reason}` : ((error as NodeJS.ErrnoException).code ?? String(error));
      return { kind: 'unreadable-input', path, reason };
    }
    inputs.push({ path, kind: 'file' });
  }
  return inputs;
}

/**
 * Runs `watch` until SIGINT or SIGTERM (or after one refresh with `--once`).
 *
 * @param argv - Arguments after `watch`.
 * @param io - Process streams.
 * @param terminal - Size and signals; the real process by default.
 * @returns `ok` when stopped; a usage or input outcome before it starts.
 */
export async function runWatch(argv: string[], io: CliIO, terminal: WatchTerminal = processTerminal): Promise<CliOutcome> {
  const parsed = parseCommandLine('watch', argv, OPTIONS);
  if ('problem' in parsed) return parsed.problem;
  const { values, positionals } = parsed;
  if (values.help === true) {
    io.stdout.write(WATCH_HELP);
    return { kind: 'ok' };
  }
  if (positionals.length === 0) return usage('Expected at least one <log|dir>');
  let intervalMs = DEFAULT_INTERVAL_MS;
  if (values.interval !== undefined) {
    const ms = parseBucket(values.interval);
    if (ms === undefined || ms < MIN_INTERVAL_MS) return usage(`Expected --interval to be at least ${MIN_INTERVAL_MS} ms (250ms, 2s; a bare number is ms), got '${values.interval}'`);
    intervalMs = ms;
  }
  const urls = values.metrics ?? [];
  for (const url of urls) {
    const protocol = URL.canParse(url) ? new URL(url).protocol : undefined;
    if (protocol !== 'http:' && protocol !== 'https:') return usage(`Expected --metrics to be an http:// or https:// URL, got '${url}'`);
  }
  const inputs = resolveInputs(positionals);
  if (!Array.isArray(inputs)) return inputs;

  const tty = io.stdoutIsTTY;
  // On a terminal the notices are on the screen; stderr gets them too unless it is that same terminal.
  const state = new WatchState(Date.now, tty && io.stderrIsTTY ? undefined : (text) => io.stderr.write(`invocation-metrics watch: ${text}\n`));
  const sources = new LogSources(inputs, { maxLineBytes: DEFAULT_MAX_LINE_BYTES });
  const color = !io.env.NO_COLOR;
  let inFlight: InFlight | { error: string } | undefined;
  let files = 0;
  let catchingUp = true;
  const aborter = new AbortController();

  const scrape = async (timeoutMs: number): Promise<void> => {
    if (urls.length === 0) return;
    inFlight = combineInFlight(urls, await Promise.all(urls.map((u) => scrapeInFlight(u, timeoutMs, aborter.signal))));
  };
  const view = (force: boolean): ScreenView => ({ snapshot: state.snapshot(force, catchingUp), inFlight, files, inputs: positionals.join(' '), nowMs: Date.now(), catchingUp });
  const readAll = (): void => {
    for (;;) {
      const polled = sources.poll(state.sink, READ_BUDGET_BYTES);
      files = polled.files;
      if (polled.atEnd) break;
    }
    catchingUp = false;
  };

  if (values.once === true) {
    try {
      readAll();
      await scrape(Math.max(intervalMs, 2000));
      const v = view(true);
      io.stdout.write(tty ? `${renderScreen(v, terminal.size().columns, terminal.size().rows).join('\n')}\n` : `${renderPlainLine(v)}\n`);
    } finally {
      sources.close();
    }
    return { kind: 'ok' };
  }

  return new Promise<CliOutcome>((resolve) => {
    let timer: NodeJS.Timeout | undefined;
    let scraping = false;
    let stopped = false;
    let lastFrame = 0;
    const draw = (force: boolean): void => {
      lastFrame = performance.now();
      const v = view(force);
      if (!tty) {
        io.stdout.write(`${renderPlainLine(v)}\n`);
        return;
      }
      const { columns, rows } = terminal.size();
      const lines = renderScreen(v, columns, rows);
      // Each row cleared whole before it is written (EL 2), then everything below: no flicker, and a line
      // as wide as the terminal never leaves the cursor in a pending wrap that a later clear would eat into.
      let frame = lines.map((line, i) => `\x1b[${i + 1};1H\x1b[2K${i === 0 && color ? `\x1b[7m${line}\x1b[0m` : line}`).join('');
      if (lines.length < rows) frame += `\x1b[${lines.length + 1};1H\x1b[J`;
      io.stdout.write(frame);
    };
    const tick = (): void => {
      timer = undefined;
      if (stopped) return;
      try {
        step();
      } catch (error) {
        // Whatever went wrong, the terminal is given back before the message is printed.
        stop({ kind: 'invalid-data', reason: (error as Error).message });
      }
    };
    const step = (): void => {
      const polled = sources.poll(state.sink, READ_BUDGET_BYTES);
      files = polled.files;
      if (polled.atEnd) catchingUp = false;
      if (!scraping && urls.length > 0) {
        scraping = true;
        void scrape(Math.max(250, Math.min(intervalMs, 5000))).finally(() => (scraping = false));
      }
      const sinceFrame = performance.now() - lastFrame;
      if (sinceFrame >= intervalMs || lastFrame === 0) draw(false);
      // Behind (a large log at start): read on at once, drawing at the interval.
      const wait = polled.atEnd ? Math.max(0, intervalMs - (performance.now() - lastFrame)) : 0;
      timer = setTimeout(tick, wait);
    };
    const unsubscribe = terminal.on({ resize: () => !stopped && tty && draw(false), stop: () => stop({ kind: 'ok' }) });
    const stop = (outcome: CliOutcome): void => {
      if (stopped) return;
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      unsubscribe();
      aborter.abort();
      if (tty) io.stdout.write(LEAVE);
      try {
        // The last figures stay on the normal screen. Not recomputed: a large log's aggregate would delay the exit.
        io.stdout.write(`${renderPlainLine(view(false))}\n`);
      } finally {
        sources.close();
        resolve(outcome);
      }
    };
    if (tty) io.stdout.write(ENTER);
    tick();
  });
}
