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
 * @returns The `agents` table.
 */
export function agentTable(a: MetricsAggregate): ReportTable {
  return {
    id: 'agents',
    title: 'By agent',
    columns: [left('Agent'), right('Invocations'), right('Success'), right('Infra retries'), right('Code retries'), right('p50'), right('p95'), right('Tokens'), right('Cost')],
    rows: Object.keys(a.invocationsByAgent).map((agent) => {
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
}

/**
 * Duration statistics per agent (nearest-rank percentiles, see `DurationStats`).
 *
 * @param a - The aggregate.
 * @returns The `durations` table.
 */
export function durationTable(a: MetricsAggregate): ReportTable {
  return {
    id: 'durations',
    title: 'Duration by agent',
    columns: [left('Agent'), right('Count'), right('Min'), right('p50'), right('p90'), right('p95'), right('p99'), right('Max'), right('Mean')],
    rows: Object.entries(a.durationByAgent).map(([agent, d]) => [
      agent,
      formatInt(d.count),
      ...[d.min, d.p50, d.p90, d.p95, d.p99, d.max, d.mean].map(formatDuration),
    ]),
  };
}

/**
 * Per-phase figures: invocations, retries, tokens, cost.
 *
 * @param a - The aggregate.
 * @returns The `phases` table.
 */
export function phaseTable(a: MetricsAggregate): ReportTable {
  return {
    id: 'phases',
    title: 'By phase',
    columns: [left('Phase'), right('Invocations'), right('Retries'), right('Tokens'), right('Cost')],
    rows: Object.keys(a.invocationsByPhase).map((phase) => [
      phase,
      formatInt(get(a.invocationsByPhase, phase)),
      formatInt(get(a.retriesByPhase, phase)),
      formatInt(get(a.tokensByPhase, phase)),
      formatCost(get(a.costByPhase, phase)),
    ]),
  };
}

/**
 * Per-model figures; records without a model count under `(none)`.
 *
 * @param a - The aggregate.
 * @returns The `models` table.
 */
export function modelTable(a: MetricsAggregate): ReportTable {
  return {
    id: 'models',
    title: 'By model',
    columns: [left('Model'), right('Invocations'), right('Tokens'), right('Cost')],
    rows: Object.keys(a.invocationsByModel).map((model) => [
      model,
      formatInt(get(a.invocationsByModel, model)),
      formatInt(get(a.tokensByModel, model)),
      formatCost(get(a.costByModel, model)),
    ]),
  };
}

/**
 * Failures per error class, and escalations per routing transition, as two small count tables.
 *
 * @param a - The aggregate.
 * @returns The `failures` and `escalations` tables (each possibly without rows).
 */
export function failureTables(a: MetricsAggregate): [ReportTable, ReportTable] {
  return [
    {
      id: 'failures',
      title: 'Failures by error class',
      columns: [left('Error class'), right('Failures')],
      rows: Object.entries(a.failuresByErrorClass).map(([k, n]) => [k, formatInt(n)]),
    },
    {
      id: 'escalations',
      title: 'Escalations by routing transition',
      columns: [left('From -> to'), right('Escalations')],
      rows: Object.entries(a.escalationsByTier).map(([k, n]) => [k, formatInt(n)]),
    },
  ];
}

/**
 * Every table of the report, in reading order. Tables without rows are kept (renderers may say "none").
 *
 * @param a - The aggregate.
 * @returns The tables.
 */
export function reportTables(a: MetricsAggregate): ReportTable[] {
  return [summaryTable(a), agentTable(a), phaseTable(a), durationTable(a), modelTable(a), ...failureTables(a)];
}
