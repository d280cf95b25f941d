/**
 * The demo's end-of-run summary: the same text tables as `summarize` prints, followed by the slowest
 * agents. Pure.
 *
 * @module
 */
import type { MetricsAggregate } from '../aggregate/types.js';
import { formatDuration, formatInt } from '../report/format.js';
import type { ReportTable } from '../report/tables.js';
import { renderTextSummary, renderTextTable } from '../report/text.js';

/**
 * The agents with the largest p95 duration (nearest rank, as in the aggregate), slowest first; ties by
 * agent name.
 *
 * @param a - The aggregate.
 * @param limit - Rows at most.
 * @returns The `slowest` table.
 */
export function slowestAgentsTable(a: MetricsAggregate, limit = 5): ReportTable {
  const rows = Object.entries(a.durationByAgent)
    .sort(([x, dx], [y, dy]) => dy.p95 - dx.p95 || (x < y ? -1 : x > y ? 1 : 0))
    .slice(0, limit);
  return {
    id: 'slowest',
    title: `Slowest agents (top ${limit} by p95 duration)`,
    columns: [
      { header: 'Agent', align: 'left' },
      { header: 'Invocations', align: 'right' },
      { header: 'p50', align: 'right' },
      { header: 'p95', align: 'right' },
      { header: 'Max', align: 'right' },
    ],
    rows: rows.map(([agent, d]) => [agent, formatInt(d.count), formatDuration(d.p50), formatDuration(d.p95), formatDuration(d.max)]),
  };
}

/**
 * Renders the demo's summary: headline figures (peak parallelism, cost, tokens, retries infra vs code,
 * escalations), the per-agent, per-phase and per-model tables, failures by error class, escalations by
 * transition, then the slowest agents.
 *
 * @param a - The aggregate of the run.
 * @param options - `color`: ANSI styles (on a terminal, unless `NO_COLOR`).
 * @returns The text.
 */
export function renderDemoSummary(a: MetricsAggregate, options: { color?: boolean } = {}): string {
  return `${renderTextSummary(a, options)}\n${renderTextTable(slowestAgentsTable(a), options.color ?? false)}`;
}
