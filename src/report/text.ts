/**
 * Plain-text tables for the terminal (the `summarize` command's default output).
 *
 * @module
 */
import type { MetricsAggregate } from '../aggregate/types.js';
import { escapeTerminal } from './escape.js';
import { parallelismTable } from './parallelism-table.js';
import { agentTable, DEFAULT_MAX_ROWS, failureTables, modelTable, phaseTable, summaryTable, type ReportTable } from './tables.js';

/** Options of {@link renderTextSummary}. */
export interface TextSummaryOptions {
  /**
   * Use ANSI styles (bold titles and headers, dim rules). The CLI enables it on a TTY unless `NO_COLOR`
   * is set.
   * @default false
   */
  color?: boolean;
  /**
   * Most rows of each table; beyond it, the rows with the most invocations and one `… and K more` row
   * (see `DEFAULT_MAX_ROWS`).
   * @default 100
   */
  maxRows?: number;
}

const BOLD = (s: string): string => `\x1b[1m${s}\x1b[22m`;
const DIM = (s: string): string => `\x1b[2m${s}\x1b[22m`;
// Code points, not UTF-16 units, so that an emoji in an agent name does not skew the columns.
const width = (s: string): number => [...s].length;

/**
 * Renders one table as aligned text: a title, a header, a rule and the rows, columns two spaces apart.
 *
 * @param table - The table.
 * @param color - Use ANSI styles.
 * @returns Lines of text, each ending in `\n`.
 */
export function renderTextTable(table: ReportTable, color = false): string {
  const rows = table.rows.map((r) => r.map(escapeTerminal));
  // Loops, not Math.max(...rows): spreading 125,000 rows into arguments overflows the call stack.
  const widths = table.columns.map((c) => width(c.header));
  for (const r of rows) for (let i = 0; i < widths.length; i++) widths[i] = Math.max(widths[i]!, width(r[i] ?? ''));
  const line = (cells: string[]): string =>
    cells
      .map((cell, i) => {
        const pad = ' '.repeat((widths[i] ?? 0) - width(cell));
        return table.columns[i]?.align === 'right' ? pad + cell : cell + pad;
      })
      .join('  ')
      .trimEnd();
  const header = line(table.columns.map((c) => c.header));
  const rule = widths.map((w) => '-'.repeat(w)).join('  ');
  const out = [color ? BOLD(table.title) : table.title, color ? BOLD(header) : header, color ? DIM(rule) : rule];
  if (rows.length === 0) out.push('(none)');
  else for (const r of rows) out.push(line(r));
  return `${out.join('\n')}\n`;
}

/**
 * Renders the terminal summary: the headline, per-agent and per-phase tables, per model, when there are
 * any, failures by error class and escalations by transition, and last the parallelism over time in the
 * aggregate's buckets (`--bucket`; at most 40 rows, see `parallelismTable`). Each name table shows at
 * most `maxRows` rows and says how many more there are. Untrusted text has its control characters
 * escaped (no ANSI injection from an agent name).
 *
 * @param aggregate - The aggregate.
 * @param options - Rendering options.
 * @returns The text, tables separated by blank lines.
 */
export function renderTextSummary(aggregate: MetricsAggregate, options: TextSummaryOptions = {}): string {
  const color = options.color ?? false;
  const maxRows = options.maxRows ?? DEFAULT_MAX_ROWS;
  const tables = [summaryTable(aggregate), agentTable(aggregate, maxRows), phaseTable(aggregate, maxRows), modelTable(aggregate, maxRows)];
  for (const t of failureTables(aggregate, maxRows)) if (t.rows.length > 0) tables.push(t);
  tables.push(parallelismTable(aggregate));
  // The summary is a key/value list: its header row says nothing, so it is drawn without one.
  const [head, ...rest] = tables;
  const summary = head === undefined ? '' : renderKeyValue(head, color);
  return [summary, ...rest.map((t) => renderTextTable(t, color))].join('\n');
}

function renderKeyValue(table: ReportTable, color: boolean): string {
  let keyWidth = 0;
  for (const r of table.rows) keyWidth = Math.max(keyWidth, width(r[0] ?? ''));
  const lines = table.rows.map(([k = '', v = '']) => `${k.padEnd(keyWidth)}  ${escapeTerminal(v)}`);
  return `${[color ? BOLD(table.title) : table.title, ...lines].join('\n')}\n`;
}
