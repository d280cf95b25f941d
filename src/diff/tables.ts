/**
 * A diff as report tables (unescaped cells, as `src/report/tables.ts` builds them): the terminal, the
 * Markdown and the HTML renderers each escape them for their target.
 *
 * @module
 */
import { formatCost, formatDuration, formatInt, formatPercent } from '../report/format.js';
import { DEFAULT_MAX_ROWS, type ReportColumn, type ReportTable } from '../report/tables.js';
import type { DiffMetric, DiffResult, DiffRow } from './types.js';

const left = (header: string): ReportColumn => ({ header, align: 'left' });
const right = (header: string): ReportColumn => ({ header, align: 'right' });

/** The text of a flagged row's last cell. */
export const BEYOND_NOISE = 'yes';

/**
 * A row's value for people, in the metric's unit: `93.5%`, `$1.2300`, `12.3 s`, `1,204`; `-` for `null`.
 *
 * @param metric - The row's metric.
 * @param value - The value.
 * @returns The text.
 */
export function formatValue(metric: DiffMetric, value: number | null): string {
  if (value === null) return '-';
  if (metric === 'success-rate') return formatPercent(value);
  if (metric === 'cost') return formatCost(value);
  if (metric.startsWith('duration.')) return formatDuration(value);
  return formatInt(value);
}

const signed = (text: string, negative: boolean): string => (negative ? `-${text}` : `+${text}`);

/**
 * A row's change for people: `+12 (+5.0%)`, `-2.1 pp` for the success rate, `+$0.0100 (new)` from 0.
 *
 * @param row - The row.
 * @returns The text; `-` when a side has no value.
 */
export function formatChange(row: DiffRow): string {
  const { change, relativeChange, metric } = row;
  if (change === null) return '-';
  if (change === 0) return '0';
  if (metric === 'success-rate') return `${signed((Math.abs(change) * 100).toFixed(1), change < 0)} pp`;
  const abs = formatValue(metric, Math.abs(change));
  const percent = relativeChange === null ? '' : (Math.abs(relativeChange) * 100).toFixed(1);
  // A change that rounds to 0.0% is shown without a sign rather than as `-0.0%`.
  const rel = relativeChange === null ? 'new' : percent === '0.0' ? '0.0%' : `${signed(percent, relativeChange < 0)}%`;
  return `${signed(abs, change < 0)} (${rel})`;
}

/**
 * A p-value for people: `<0.001`, else three decimals; `-` when not tested.
 *
 * @param p - The p-value or `null`.
 * @returns The text.
 */
export function formatP(p: number | null): string {
  if (p === null) return '-';
  return p < 0.001 ? '<0.001' : p.toFixed(3);
}

const cells = (row: DiffRow): string[] => [
  row.metric,
  formatValue(row.metric, row.baseline),
  formatValue(row.metric, row.candidate),
  formatChange(row),
  formatP(row.adjustedP),
  row.beyondNoise ? BEYOND_NOISE : '',
];

const VALUE_COLUMNS = [right('baseline'), right('candidate'), right('change'), right('p (Holm)'), left('beyond noise')];

/**
 * The rows of a scope to show: all when at most `maxRows`; else the flagged rows first, then those of
 * the keys with the most invocations (either side), shown in their diff order.
 */
function shownRows(rows: DiffRow[], maxRows: number): { shown: DiffRow[]; omitted: DiffRow[] } {
  if (rows.length <= maxRows) return { shown: rows, omitted: [] };
  const invocations = new Map<string | null, number>();
  for (const r of rows) if (r.metric === 'invocations') invocations.set(r.key, Math.max(r.baseline ?? 0, r.candidate ?? 0));
  const order = rows.map((r, i) => ({ i, flagged: r.beyondNoise ? 1 : 0, rank: invocations.get(r.key) ?? 0 }));
  order.sort((x, y) => y.flagged - x.flagged || y.rank - x.rank || x.i - y.i);
  const keep = new Uint8Array(rows.length);
  for (let j = 0; j < maxRows; j++) keep[order[j]!.i] = 1;
  const shown: DiffRow[] = [];
  const omitted: DiffRow[] = [];
  rows.forEach((r, i) => (keep[i] === 1 ? shown : omitted).push(r));
  return { shown, omitted };
}

function scopeTable(id: string, title: string, keyHeader: string, rows: DiffRow[], maxRows: number): ReportTable {
  const { shown, omitted } = shownRows(rows, maxRows);
  const table: ReportTable = { id, title, columns: [left(keyHeader), left('metric'), ...VALUE_COLUMNS], rows: shown.map((r) => [r.key ?? '', ...cells(r)]) };
  if (omitted.length === 0) return table;
  const flagged = omitted.filter((r) => r.beyondNoise).length;
  const row = [`… and ${formatInt(omitted.length)} more rows`, '', '', '', '', '', flagged > 0 ? `${formatInt(flagged)} of them` : 'none'];
  return { ...table, rows: [...table.rows, row], omitted: omitted.length };
}

/**
 * The diff's tables: the whole run, by agent, by phase. The agent and phase tables show at most
 * `maxRows` rows each (flagged rows first, then those of the busiest agents or phases) and one last row
 * `… and K more rows` that says how many of those are beyond noise.
 *
 * @param diff - The diff.
 * @param maxRows - Most rows of the agent and phase tables. @default 100
 * @returns The tables `diff-total`, `diff-agents`, `diff-phases`.
 */
export function diffTables(diff: DiffResult, maxRows = DEFAULT_MAX_ROWS): ReportTable[] {
  const total = diff.rows.filter((r) => r.scope === 'total');
  return [
    { id: 'diff-total', title: 'Whole run', columns: [left('metric'), ...VALUE_COLUMNS], rows: total.map(cells) },
    scopeTable('diff-agents', 'By agent', 'agent', diff.rows.filter((r) => r.scope === 'agent'), maxRows),
    scopeTable('diff-phases', 'By phase', 'phase', diff.rows.filter((r) => r.scope === 'phase'), maxRows),
  ];
}

/**
 * One paragraph that says how many rows are beyond noise and how that was decided, with the thresholds
 * applied.
 *
 * @param diff - The diff.
 * @returns The sentence (plain text).
 */
export function diffVerdict(diff: DiffResult): string {
  const o = diff.options;
  const what = diff.flagged === 0 ? 'No change beyond noise' : `${formatInt(diff.flagged)} ${diff.flagged === 1 ? 'row' : 'rows'} beyond noise`;
  return (
    `${what}: ${formatInt(diff.tests)} tests at a family-wise level of ${o.alpha} (Holm), ` +
    `flagged when also moved by at least ${(o.minRelativeChange * 100).toFixed(1)}% (success rate: ${(o.minRateChange * 100).toFixed(1)} pp). ` +
    `Durations: Mann-Whitney U; cost: Welch's t on the cost per invocation; tokens: z-test of the mean per invocation assuming a CV of ${o.tokensCv}; ` +
    `retries and escalations: their share of invocations; invocations: Poisson.`
  );
}
