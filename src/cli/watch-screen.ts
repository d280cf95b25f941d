/**
 * The frames of `watch`, pure: a snapshot in, lines out. {@link renderScreen} fits a terminal of any size
 * (every line clipped to its width, the agent and phase tables cut to its height with a `… and K more`
 * row); {@link renderPlainLine} is the one line per refresh written when stdout is not a terminal.
 * Every name from a record goes through `escapeTerminal` (agent names are untrusted).
 *
 * @module
 */
import type { MetricsAggregate } from '../aggregate/types.js';
import { escapeTerminal } from '../report/escape.js';
import { formatCompact, formatCostShort, formatDuration, formatInt, formatPercent } from '../report/format.js';
import { ACTIVE_GAUGE, type InFlight } from './watch-endpoint.js';
import type { WatchSnapshot } from './watch-state.js';
import { clipToWidth, padToWidth, textWidth } from './watch-width.js';

/** What a frame shows beside the snapshot. */
export interface ScreenView {
  snapshot: WatchSnapshot;
  /** In flight from the endpoints; `undefined` without `--metrics`. */
  inFlight: InFlight | { error: string } | undefined;
  /** Files followed. */
  files: number;
  /** The inputs as given, for the title. */
  inputs: string;
  /** Epoch ms of the frame. */
  nowMs: number;
  /** Whether the files are still being read to their end (a large log at start). */
  catchingUp: boolean;
}

const NO_ENDPOINT = 'n/a (needs --metrics URL: a log line is written when a call ends)';

const clip = clipToWidth;
const pad = padToWidth;
const num = (text: string, width: number): string => text.padStart(width);

function inFlightText(view: ScreenView): string {
  const f = view.inFlight;
  if (f === undefined) return NO_ENDPOINT;
  if ('error' in f) return `? (endpoint: ${escapeTerminal(f.error)})`;
  return `${formatInt(f.total)} (from the endpoint${f.series === 0 ? `: no ${ACTIVE_GAUGE} series yet` : ''})`;
}

function headline(view: ScreenView): string[] {
  const { aggregate: a, window: w, records, totals, aggregatedRecords } = view.snapshot;
  const retries = a === undefined ? '0' : `${formatInt(a.totalRetries)}: infra ${formatInt(a.infraRetries)}, code ${formatInt(a.codeRetries)}`;
  const lag = aggregatedRecords < records && a !== undefined ? `   (tables: first ${formatInt(aggregatedRecords)})` : '';
  return [
    `in flight    ${inFlightText(view)}`,
    `invocations  ${formatInt(records)}   ${formatInt(w.invocations)}/min   success ${records === 0 ? 'n/a' : formatPercent(totals.successes / records)}   peak parallel ${a?.peakParallelInvocations ?? 0}`,
    `cost         ${formatCostShort(totals.cost)}   ${formatCostShort(w.cost)}/min (${formatCostShort(w.cost * 60)}/h)`,
    `tokens       ${formatCompact(totals.tokens)}   ${formatCompact(w.tokens)}/min`,
    `retries      ${retries}   escalations ${formatInt(a?.escalationCount ?? 0)}   skipped lines ${formatInt(view.snapshot.skipped)}${lag}`,
  ];
}

interface Table {
  header: string;
  rows: string[];
  /** The row that stands for `k` rows left out. */
  more: (k: number) => string;
}

function agentTable(a: MetricsAggregate, inFlight: InFlight | undefined, nameWidth: number): Table {
  // Agents with calls running and none ended yet have a row too.
  const names = new Set([...Object.keys(a.invocationsByAgent), ...(inFlight?.byAgent.keys() ?? [])]);
  const calls = (name: string): number => a.invocationsByAgent[name] ?? 0;
  const agents = [...names].sort((x, y) => calls(y) - calls(x) || (x < y ? -1 : 1));
  const row = (name: string, calls: string, ok: string, cost: string, tokens: string, retries: string, running: string): string =>
    `${pad(name, nameWidth)} ${num(calls, 7)} ${num(ok, 6)} ${num(cost, 9)} ${num(tokens, 7)} ${num(retries, 11)} ${num(running, 7)}`;
  return {
    header: row('agent', 'calls', 'ok', 'cost', 'tokens', 'retr i/c', inFlight === undefined ? '' : 'running'),
    rows: agents.map((name) => {
      const n = calls(name);
      const running = inFlight?.byAgent.get(name);
      return row(
        escapeTerminal(name),
        formatInt(n),
        n === 0 ? '' : formatPercent((a.successesByAgent[name] ?? 0) / n),
        formatCostShort(a.costByAgent[name] ?? 0),
        formatCompact(a.tokensByAgent[name] ?? 0),
        `${formatInt(a.infraRetriesByAgent[name] ?? 0)}/${formatInt(a.codeRetriesByAgent[name] ?? 0)}`,
        inFlight === undefined ? '' : formatInt(running ?? 0),
      );
    }),
    more: (k) => `… and ${formatInt(k)} more agents`,
  };
}

function phaseTable(a: MetricsAggregate, nameWidth: number): Table {
  const phases = Object.keys(a.invocationsByPhase);
  const row = (name: string, calls: string, cost: string, tokens: string, retries: string): string =>
    `${pad(name, nameWidth)} ${num(calls, 7)} ${num('', 6)} ${num(cost, 9)} ${num(tokens, 7)} ${num(retries, 11)}`;
  return {
    header: row('phase', 'calls', 'cost', 'tokens', 'retries'),
    rows: phases.map((p) =>
      row(p, formatInt(a.invocationsByPhase[p]!), formatCostShort(a.costByPhase[p] ?? 0), formatCompact(a.tokensByPhase[p] ?? 0), formatInt(a.retriesByPhase[p] ?? 0)),
    ),
    more: (k) => `… and ${formatInt(k)} earlier phases`,
  };
}

/**
 * A table in `lines` lines, header included: the first rows of an agent table (the busiest), the last
 * rows of a phase table (the latest), and a `… and K more` row for the rest.
 */
function fit(table: Table, lines: number, keepLast: boolean): string[] {
  if (lines <= 0) return [];
  const room = lines - 1;
  if (table.rows.length <= room) return [table.header, ...table.rows];
  const kept = Math.max(0, room - 1);
  const shown = keepLast ? table.rows.slice(table.rows.length - kept) : table.rows.slice(0, kept);
  const more = table.more(table.rows.length - kept);
  return keepLast ? [table.header, more, ...shown] : [table.header, ...shown, more];
}

/** One line: the slowest calls that ended in the last minute. */
function slowestLine(view: ScreenView): string[] {
  const calls = view.snapshot.window.slowest;
  if (calls.length === 0) return [];
  const parts = calls.map(
    (c) => `${formatDuration(c.durationMs)} ${escapeTerminal(c.agent)}/${c.phase}${c.taskId === undefined ? '' : ` ${escapeTerminal(c.taskId)}`}${c.success ? '' : ' failed'}`,
  );
  return [`slowest, last min  ${parts.join(' · ')}`];
}

/**
 * The lines of a full-screen frame.
 *
 * @param view - What to show.
 * @param width - Terminal columns (at least 20 are assumed).
 * @param height - Terminal rows.
 * @returns At most `height` lines, none wider than `width` columns.
 */
export function renderScreen(view: ScreenView, width: number, height: number): string[] {
  const time = new Date(view.nowMs).toISOString().slice(11, 19);
  const status = `${view.files} file${view.files === 1 ? '' : 's'}${view.catchingUp ? ', reading…' : ''}  ${time} UTC`;
  const title = `invocation-metrics watch ${escapeTerminal(view.inputs)}`;
  const top = [`${pad(clip(title, Math.max(0, width - status.length - 2)), Math.max(0, width - textWidth(status)))}${status}`, ...headline(view)];
  const bottom = [...slowestLine(view), ...view.snapshot.notices.slice(-1).map((n) => `! ${escapeTerminal(n)}`)];
  const a = view.snapshot.aggregate;
  const lines = [...top];
  if (a !== undefined) {
    const nameWidth = Math.max(12, Math.min(40, width - 55));
    const inFlight = view.inFlight === undefined || 'error' in view.inFlight ? undefined : view.inFlight;
    const agents = agentTable(a, inFlight, nameWidth);
    const phases = phaseTable(a, nameWidth);
    // The lines left for both tables, after a blank line before each and one before the bottom part.
    const room = Math.max(0, height - top.length - bottom.length - 2 - (bottom.length > 0 ? 1 : 0));
    const phaseWant = phases.rows.length + 1;
    const agentWant = agents.rows.length + 1;
    let phaseLines = Math.min(phaseWant, Math.max(2, Math.floor(room / 3)));
    const agentLines = Math.min(agentWant, Math.max(0, room - phaseLines));
    phaseLines = Math.min(phaseWant, Math.max(0, room - agentLines));
    lines.push('', ...fit(agents, agentLines, false), '', ...fit(phases, phaseLines, true));
  }
  if (bottom.length > 0) lines.push('', ...bottom);
  // A terminal too small for all of it keeps the top (the headline figures).
  return lines.slice(0, Math.max(0, height)).map((l) => clip(l.trimEnd(), width));
}

/**
 * The one line per refresh written when stdout is not a terminal: `key=value` pairs, stable and easy to
 * parse (`in_flight=n/a` without an endpoint, `?` when it failed). `retries` to `escalations` come from
 * the aggregate, which covers the first `aggregated` records (all of them unless it lags).
 *
 * @param view - What to show.
 * @returns The line, without its newline.
 */
export function renderPlainLine(view: ScreenView): string {
  const { aggregate: a, window: w, records, totals } = view.snapshot;
  const f = view.inFlight;
  const inFlight = f === undefined ? 'n/a' : 'error' in f ? '?' : String(f.total);
  const pairs: [string, string | number][] = [
    ['invocations', records],
    ['per_min', w.invocations],
    ['in_flight', inFlight],
    ['success', records === 0 ? 'n/a' : (totals.successes / records).toFixed(4)],
    ['cost_usd', totals.cost.toFixed(4)],
    ['cost_usd_per_min', w.cost.toFixed(4)],
    ['tokens', totals.tokens],
    ['tokens_per_min', w.tokens],
    ['retries', a?.totalRetries ?? 0],
    ['infra', a?.infraRetries ?? 0],
    ['code', a?.codeRetries ?? 0],
    ['escalations', a?.escalationCount ?? 0],
    ['skipped', view.snapshot.skipped],
    ['files', view.files],
    ['aggregated', view.snapshot.aggregatedRecords],
  ];
  return `${new Date(view.nowMs).toISOString()} ${pairs.map(([k, v]) => `${k}=${v}`).join(' ')}`;
}
