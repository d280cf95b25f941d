/**
 * The Markdown report: the summary tables and a Mermaid Gantt chart of invocations, readable on GitHub
 * (paste it into a pull request or commit it next to the logs).
 *
 * @module
 */
import type { MetricsAggregate } from '../aggregate/types.js';
import { escapeMarkdownCell } from './escape.js';
import { formatInt } from './format.js';
import { DEFAULT_GANTT_LIMIT, selectGanttItems, type GanttItem } from './gantt.js';
import { renderMermaidGantt } from './mermaid.js';
import { reportTables, type ReportTable } from './tables.js';
import { diffTables, diffVerdict } from '../diff/tables.js';
import type { DiffResult } from '../diff/types.js';

/** Options of {@link renderMarkdownReport}. */
export interface MarkdownReportOptions {
  /**
   * Title of the report (the level-1 heading); escaped.
   * @default 'Invocation metrics report'
   */
  title?: string;
  /**
   * Per-invocation data for the Gantt chart. Without it the report has no Gantt chart (the aggregate
   * alone does not hold individual invocations).
   * @default undefined
   */
  invocations?: readonly GanttItem[];
  /**
   * Largest number of invocations the Gantt chart shows; beyond it the chart shows a subset (failures and
   * retries first, then the longest; see `selectGanttItems`) and the report says so.
   * @default 200
   */
  ganttLimit?: number;
  /**
   * The input files, listed under the title; escaped.
   * @default []
   */
  sources?: readonly string[];
  /**
   * Number of malformed log lines that were skipped, mentioned when greater than 0.
   * @default 0
   */
  skippedLines?: number;
  /**
   * Most rows of each table; beyond it, the rows with the most invocations and one `… and K more` row
   * (see `DEFAULT_MAX_ROWS`).
   * @default 100
   */
  maxRows?: number;
  /**
   * A comparison with a baseline run (`report --baseline`): a section before the tables with the diff's
   * tables (see `diffRuns`). `baseline` names the baseline run (its path); escaped.
   * @default undefined (no comparison)
   */
  comparison?: { diff: DiffResult; baseline: string };
}

/**
 * Renders one table as a GitHub-flavoured Markdown table (every cell escaped), or `_None._` when it has
 * no rows.
 *
 * @param table - The table.
 * @returns The Markdown text, ending in `\n`.
 */
export function renderMarkdownTable(table: ReportTable): string {
  if (table.rows.length === 0) return '_None._\n';
  const row = (cells: string[]): string => `| ${cells.map(escapeMarkdownCell).join(' | ')} |`;
  const rule = `| ${table.columns.map((c) => (c.align === 'right' ? '---:' : '---')).join(' | ')} |`;
  return `${[row(table.columns.map((c) => c.header)), rule, ...table.rows.map(row)].join('\n')}\n`;
}

function ganttSection(aggregate: MetricsAggregate, invocations: readonly GanttItem[], limit: number): string {
  const shown = selectGanttItems(invocations, limit);
  const total = Math.max(aggregate.totalInvocations, invocations.length);
  const note =
    shown.length < total
      ? `Showing ${formatInt(shown.length)} of ${formatInt(total)} invocations: failures and retries first, then the longest, drawn in start order.`
      : `All ${formatInt(total)} invocations.`;
  return [
    '## Timeline',
    '',
    `${note} Failed invocations are marked critical (red), retries active; times on the axis are in your local time zone.`,
    '',
    '```mermaid',
    renderMermaidGantt(shown).trimEnd(),
    '```',
    '',
  ].join('\n');
}

/**
 * Renders the Markdown report: title, sources, the summary, per-agent, per-phase, duration, per-model,
 * failure and escalation tables, and (when `invocations` are given) a Mermaid Gantt chart of invocations
 * by agent with failures and retries marked. Pure: the same input gives the same text.
 *
 * @param aggregate - The aggregate to report.
 * @param options - Report options.
 * @returns The Markdown document, ending in `\n`.
 * @example
 * ```ts
 * const md = renderMarkdownReport(computeAggregate(records), { invocations: records.map(toGanttItem) });
 * ```
 */
export function renderMarkdownReport(aggregate: MetricsAggregate, options: MarkdownReportOptions = {}): string {
  const parts = [`# ${escapeMarkdownCell(options.title ?? 'Invocation metrics report')}`, ''];
  if (options.sources !== undefined && options.sources.length > 0) {
    parts.push(`Sources: ${options.sources.map(escapeMarkdownCell).join(', ')}`, '');
  }
  if ((options.skippedLines ?? 0) > 0) parts.push(`Skipped ${formatInt(options.skippedLines ?? 0)} malformed log line(s).`, '');
  if (options.comparison !== undefined) {
    const { diff, baseline } = options.comparison;
    parts.push('## Compared with the baseline', '', `Baseline: ${escapeMarkdownCell(baseline)}. ${escapeMarkdownCell(diffVerdict(diff))}`, '');
    for (const table of diffTables(diff, options.maxRows)) parts.push(`### ${table.title}`, '', renderMarkdownTable(table));
  }
  for (const table of reportTables(aggregate, options.maxRows)) {
    parts.push(`## ${table.title}`, '', renderMarkdownTable(table));
  }
  if (options.invocations !== undefined) {
    parts.push(ganttSection(aggregate, options.invocations, options.ganttLimit ?? DEFAULT_GANTT_LIMIT));
  }
  return `${parts.join('\n').trimEnd()}\n`;
}
