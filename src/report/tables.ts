/**
 * The report's tables as data: one model built from the aggregate, rendered by the terminal, Markdown and
 * HTML renderers alike, so that the three outputs always show the same figures. Cells hold raw text;
 * each renderer escapes it for its own target.
 *
 * @module
 */
import type { CountMap, MetricsAggregate } from '../aggregate/types.js';
import { formatCost, formatDuration, formatInt, formatPercent } from './format.js';

/** A column of a {@link ReportTable}. */
export interface ReportColumn {
  /** Header text. */
  header: string;
  /** Alignment: text left, numbers right. */
  align: 'left' | 'right';
}

/** A table of the report, with unescaped cell text. */
export interface ReportTable {
  /** Stable identifier (`summary`, `agents`, `phases`, ...), usable as an HTML id. */
  id: string;
  /** Title shown above the table. */
  title: string;
  /** Columns. */
  columns: ReportColumn[];
  /** Rows of cells, one string per column; untrusted text (agent names...) is not escaped here. */
  rows: string[][];
  /**
   * Rows left out beyond the row limit (see {@link DEFAULT_MAX_ROWS}); the last row then says how many
   * (`… and 999,900 more agents`) with their summed counts. Absent when every row is shown.
   */
  omitted?: number;
}

/**
 * Most rows of a report table by default: 100. A table of more names (agents, phases, models, error
 * classes, transitions) shows the 100 with the most invocations (or durations, failures, escalations),
 * in key order, and one last row `… and K more` with the rest's summed counts: a run with a million
 * agents gives a report of bounded size instead of a crash.
 */
export const DEFAULT_MAX_ROWS = 100;

/**
 * The keys to show: all when at most `maxRows`, else the `maxRows` with the largest `rank` (ties in key
 * order), in key order. O(n log n) over the keys, and nothing spread into arguments.
 */
function shownKeys(keys: string[], rank: (key: string) => number, maxRows: number): { shown: string[]; rest: string[] } {
  if (keys.length <= maxRows) return { shown: keys, rest: [] };
  const order = keys.map((key, i) => ({ i, r: rank(key) })).sort((x, y) => y.r - x.r || x.i - y.i);
  const keep = new Uint8Array(keys.length);
  for (let j = 0; j < maxRows; j++) keep[order[j]!.i] = 1;
  const shown: string[] = [];
  const rest: string[] = [];
  keys.forEach((key, i) => (keep[i] === 1 ? shown : rest).push(key));
  return { shown, rest };
}

/** Sums a map's values over keys, in a loop. */
function sumOver(map: CountMap, keys: readonly string[]): number {
  let sum = 0;
  for (const key of keys) sum += map[key] ?? 0;
  return sum;
}

/**
 * A table of `shown` rows, and when keys were left out, a last row `… and K more <noun>` with the cells
 * that `restCells` gives by column (the others `-`).
 */
function bounded(table: ReportTable, rest: readonly string[], noun: string, restCells: () => Record<number, string>): ReportTable {
  if (rest.length === 0) return table;
  const cells = restCells();
  const row = [`… and ${formatInt(rest.length)} more ${noun}`];
  for (let c = 1; c < table.columns.length; c++) row.push(cells[c] ?? '-');
  return { ...table, rows: [...table.rows, row], omitted: rest.length };
}

const left = (header: string): ReportColumn => ({ header, align: 'left' });
const right = (header: string): ReportColumn => ({ header, align: 'right' });
const get = (map: CountMap, key: string): number => map[key] ?? 0;

/**
 * The headline figures as a two-column table (metric, value).
 *
 * @param a - The aggregate.
 * @returns The `summary` table.
 */
export function summaryTable(a: MetricsAggregate): ReportTable {
  const span =
    a.firstStart === null || a.lastEnd === null ? '-' : `${formatDuration(a.wallClockSpanMs)} (${a.firstStart} to ${a.lastEnd})`;
  return {
    id: 'summary',
    title: 'Summary',
    columns: [left('Metric'), left('Value')],
    rows: [
      ['Invocations', formatInt(a.totalInvocations)],
      ['Success rate', `${formatPercent(a.successRate)} (${formatInt(a.totalSuccesses)} of ${formatInt(a.totalInvocations)})`],
      ['Peak parallelism', formatInt(a.peakParallelInvocations)],
      ['Total cost', formatCost(a.totalCost)],
      [
        'Tokens',
        `${formatInt(a.totalTokens)} (input ${formatInt(a.totalInputTokens)}, output ${formatInt(a.totalOutputTokens)}, cached ${formatInt(a.totalCachedTokens)})`,
      ],
      // With no input tokens the share is 0 / 0: not a 0% hit rate.
      ['Cache-hit share of input', a.totalInputTokens === 0 ? 'n/a (no input tokens recorded)' : formatPercent(a.cacheHitShare)],
      ['Retries', `${formatInt(a.totalRetries)} (infra ${formatInt(a.infraRetries)}, code ${formatInt(a.codeRetries)})`],
      ['Escalations', formatInt(a.escalationCount)],
      ['Output parse failures', formatInt(a.outputParseFailures)],
      ['Busy time (sum of durations)', formatDuration(a.totalDurationMs)],
      ['Wall-clock span', span],
    ],
  };
}

/**
 * Per-agent figures: invocations, success rate, retries split infra/code, p50/p95 duration, tokens, cost.
 *
 * @param a - The aggregate.
 * @param maxRows - Most rows shown (see {@link DEFAULT_MAX_ROWS}). @default 100
 * @returns The `agents` table.
 */
export function agentTable(a: MetricsAggregate, maxRows = DEFAULT_MAX_ROWS): ReportTable {
  const { shown, rest } = shownKeys(Object.keys(a.invocationsByAgent), (k) => get(a.invocationsByAgent, k), maxRows);
  const table: ReportTable = {
    id: 'agents',
    title: 'By agent',
    columns: [left('Agent'), right('Invocations'), right('Success'), right('Infra retries'), right('Code retries'), right('p50'), right('p95'), right('Tokens'), right('Cost')],
    rows: shown.map((agent) => {
      const n = get(a.invocationsByAgent, agent);
      const d = a.durationByAgent[agent];
      return [
        agent,
        formatInt(n),
        formatPercent(n === 0 ? 0 : get(a.successesByAgent, agent) / n),
        formatInt(get(a.infraRetriesByAgent, agent)),
        formatInt(get(a.codeRetriesByAgent, agent)),
        d === undefined ? '-' : formatDuration(d.p50),
        d === undefined ? '-' : formatDuration(d.p95),
        formatInt(get(a.tokensByAgent, agent)),
        formatCost(get(a.costByAgent, agent)),
      ];
    }),
  };
  return bounded(table, rest, 'agents', () => ({
    1: formatInt(sumOver(a.invocationsByAgent, rest)),
    3: formatInt(sumOver(a.infraRetriesByAgent, rest)),
    4: formatInt(sumOver(a.codeRetriesByAgent, rest)),
    7: formatInt(sumOver(a.tokensByAgent, rest)),
    8: formatCost(sumOver(a.costByAgent, rest)),
  }));
}

/**
 * Duration statistics per agent (nearest-rank percentiles, see `DurationStats`).
 *
 * @param a - The aggregate.
 * @param maxRows - Most rows shown (see {@link DEFAULT_MAX_ROWS}). @default 100
 * @returns The `durations` table.
 */
export function durationTable(a: MetricsAggregate, maxRows = DEFAULT_MAX_ROWS): ReportTable {
  const stats = a.durationByAgent;
  const { shown, rest } = shownKeys(Object.keys(stats), (k) => stats[k]!.count, maxRows);
  const table: ReportTable = {
    id: 'durations',
    title: 'Duration by agent',
    columns: [left('Agent'), right('Count'), right('Min'), right('p50'), right('p90'), right('p95'), right('p99'), right('Max'), right('Mean')],
    rows: shown.map((agent) => {
      const d = stats[agent]!;
      return [agent, formatInt(d.count), ...[d.min, d.p50, d.p90, d.p95, d.p99, d.max, d.mean].map(formatDuration)];
    }),
  };
  return bounded(table, rest, 'agents', () => {
    let count = 0;
    for (const k of rest) count += stats[k]!.count;
    return { 1: formatInt(count) };
  });
}

/**
 * Per-phase figures: invocations, retries, tokens, cost.
 *
 * @param a - The aggregate.
 * @param maxRows - Most rows shown (see {@link DEFAULT_MAX_ROWS}). @default 100
 * @returns The `phases` table.
 */
export function phaseTable(a: MetricsAggregate, maxRows = DEFAULT_MAX_ROWS): ReportTable {
  const { shown, rest } = shownKeys(Object.keys(a.invocationsByPhase), (k) => get(a.invocationsByPhase, k), maxRows);
  const table: ReportTable = {
    id: 'phases',
    title: 'By phase',
    columns: [left('Phase'), right('Invocations'), right('Retries'), right('Tokens'), right('Cost')],
    rows: shown.map((phase) => [
      phase,
      formatInt(get(a.invocationsByPhase, phase)),
      formatInt(get(a.retriesByPhase, phase)),
      formatInt(get(a.tokensByPhase, phase)),
      formatCost(get(a.costByPhase, phase)),
    ]),
  };
  return bounded(table, rest, 'phases', () => ({
    1: formatInt(sumOver(a.invocationsByPhase, rest)),
    2: formatInt(sumOver(a.retriesByPhase, rest)),
    3: formatInt(sumOver(a.tokensByPhase, rest)),
    4: formatCost(sumOver(a.costByPhase, rest)),
  }));
}

/**
 * Per-model figures; records without a model count under `(none)`.
 *
 * @param a - The aggregate.
 * @param maxRows - Most rows shown (see {@link DEFAULT_MAX_ROWS}). @default 100
 * @returns The `models` table.
 */
export function modelTable(a: MetricsAggregate, maxRows = DEFAULT_MAX_ROWS): ReportTable {
  const { shown, rest } = shownKeys(Object.keys(a.invocationsByModel), (k) => get(a.invocationsByModel, k), maxRows);
  const table: ReportTable = {
    id: 'models',
    title: 'By model',
    columns: [left('Model'), right('Invocations'), right('Tokens'), right('Cost')],
    rows: shown.map((model) => [
      model,
      formatInt(get(a.invocationsByModel, model)),
      formatInt(get(a.tokensByModel, model)),
      formatCost(get(a.costByModel, model)),
    ]),
  };
  return bounded(table, rest, 'models', () => ({
    1: formatInt(sumOver(a.invocationsByModel, rest)),
    2: formatInt(sumOver(a.tokensByModel, rest)),
    3: formatCost(sumOver(a.costByModel, rest)),
  }));
}

/**
 * Failures per error class, and escalations per routing transition, as two small count tables.
 *
 * @param a - The aggregate.
 * @param maxRows - Most rows shown in each (see {@link DEFAULT_MAX_ROWS}). @default 100
 * @returns The `failures` and `escalations` tables (each possibly without rows).
 */
export function failureTables(a: MetricsAggregate, maxRows = DEFAULT_MAX_ROWS): [ReportTable, ReportTable] {
  const counts = (id: string, title: string, [key, count]: [string, string], map: CountMap, noun: string): ReportTable => {
    const { shown, rest } = shownKeys(Object.keys(map), (k) => get(map, k), maxRows);
    const table = { id, title, columns: [left(key), right(count)], rows: shown.map((k) => [k, formatInt(get(map, k))]) };
    return bounded(table, rest, noun, () => ({ 1: formatInt(sumOver(map, rest)) }));
  };
  return [
    counts('failures', 'Failures by error class', ['Error class', 'Failures'], a.failuresByErrorClass, 'error classes'),
    counts('escalations', 'Escalations by routing transition', ['From -> to', 'Escalations'], a.escalationsByTier, 'transitions'),
  ];
}

/**
 * Every table of the report, in reading order. Tables without rows are kept (renderers may say "none").
 *
 * @param a - The aggregate.
 * @param maxRows - Most rows shown in each (see {@link DEFAULT_MAX_ROWS}). @default 100
 * @returns The tables.
 */
export function reportTables(a: MetricsAggregate, maxRows = DEFAULT_MAX_ROWS): ReportTable[] {
  return [summaryTable(a), agentTable(a, maxRows), phaseTable(a, maxRows), durationTable(a, maxRows), modelTable(a, maxRows), ...failureTables(a, maxRows)];
}
