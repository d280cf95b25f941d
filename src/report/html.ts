/**
 * The HTML report: one self-contained file (no network: styles, SVG charts and data inline; a
 * Content-Security-Policy forbids every fetch and every script as a second line of defence behind the
 * escaping of every record string).
 *
 * @module
 */
import type { CountMap, MetricsAggregate } from '../aggregate/types.js';
import { boundedAggregateData } from './bounded-data.js';
import { escapeHtml, jsonForScript } from './escape.js';
import { formatCompact, formatCost, formatCostShort, formatCostTick, formatDuration, formatInt, formatPercent, formatWidth, plural } from './format.js';
import { DEFAULT_GANTT_LIMIT, selectGanttItems, type GanttItem } from './gantt.js';
import { REPORT_CSS } from './html-style.js';
import { renderBarChart, type BarRow } from './svg-bars.js';
import { renderParallelismChart } from './svg-series.js';
import { renderTimelineChart } from './svg-timeline.js';
import { COLORS } from './svg.js';
import { reportTables, type ReportTable } from './tables.js';
import { diffTables, diffVerdict } from '../diff/tables.js';
import type { DiffResult } from '../diff/types.js';

/** Options of {@link renderHtmlReport}. */
export interface HtmlReportOptions {
  /**
   * Title of the report (page title and heading); escaped.
   * @default 'Invocation metrics report'
   */
  title?: string;
  /**
   * Per-invocation data for the timeline chart. Without it the report has no timeline.
   * @default undefined
   */
  invocations?: readonly GanttItem[];
  /**
   * Largest number of invocations the timeline shows; beyond it a subset (failures and retries first,
   * then the longest; see `selectGanttItems`), and the report says so.
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
   * A comparison with a baseline run (`report --baseline`): a section after the headline figures with
   * the diff's tables (see `diffRuns`). `baseline` names the baseline run (its path); escaped.
   * @default undefined (no comparison)
   */
  comparison?: { diff: DiffResult; baseline: string };
}

/** Nothing may be fetched and no script may run: the page is data, styles and SVG only. */
const CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:";

function kpi(label: string, value: string, sub = ''): string {
  return `<div class="kpi"><div class="label">${escapeHtml(label)}</div><div class="value">${escapeHtml(value)}</div>${
    sub ? `<div class="sub">${escapeHtml(sub)}</div>` : ''
  }</div>`;
}

function kpis(a: MetricsAggregate): string {
  return `<section class="kpis" id="kpis">${[
    kpi('Invocations', formatInt(a.totalInvocations), plural(Object.keys(a.invocationsByAgent).length, 'agent', 'agents')),
    kpi('Success rate', formatPercent(a.successRate), `${formatInt(a.totalInvocations - a.totalSuccesses)} failed`),
    kpi('Peak parallelism', formatInt(a.peakParallelInvocations), 'concurrent invocations'),
    // The headline is already exact below $1, so the line under it says something else: the mean.
    kpi('Total cost', formatCostShort(a.totalCost), a.totalInvocations > 1 ? `avg ${formatCost(a.totalCost / a.totalInvocations)} per invocation` : ''),
    kpi('Tokens', formatCompact(a.totalTokens), a.totalInputTokens === 0 ? 'cache hit n/a: no input tokens recorded' : `cache hit ${formatPercent(a.cacheHitShare)} of input`),
    kpi('Retries', formatInt(a.totalRetries), `infra ${formatInt(a.infraRetries)} · code ${formatInt(a.codeRetries)}`),
    kpi('Escalations', formatInt(a.escalationCount), 'to another tier or model'),
    kpi('Wall-clock span', a.firstStart === null ? '-' : formatDuration(a.wallClockSpanMs), `busy ${formatDuration(a.totalDurationMs)}`),
  ].join('')}</section>`;
}

/** The comparison section: the verdict, then the diff's tables. */
function comparisonSection(comparison: { diff: DiffResult; baseline: string }, maxRows: number | undefined): string {
  const tables = diffTables(comparison.diff, maxRows)
    .map((t) => `<h3>${escapeHtml(t.title)}</h3>${renderHtmlTable(t)}`)
    .join('\n');
  return `<section class="card" id="comparison"><h2>Compared with the baseline</h2><p class="note">Baseline: ${escapeHtml(comparison.baseline)}. ${escapeHtml(
    diffVerdict(comparison.diff),
  )}</p>${tables}</section>`;
}

function card(title: string, body: string, note = ''): string {
  return `<section class="card"><h2>${escapeHtml(title)}</h2>${note ? `<p class="note">${escapeHtml(note)}</p>` : ''}${body}</section>`;
}

/** Rows of a one-series chart from a map, largest first (ties in key order), or in key order. */
function rowsOf(map: CountMap, sortByValue: boolean, label = (k: string): string => k): BarRow[] {
  const rows = Object.entries(map).map(([k, v]) => ({ label: label(k), values: [v] }));
  return sortByValue ? rows.sort((x, y) => (y.values[0] ?? 0) - (x.values[0] ?? 0)) : rows;
}

/**
 * Coordinate widths matching the cards' content widths at the page's maximum width (1180 px), so that
 * chart text shows at its nominal size; narrower windows scale the charts down.
 */
const FULL = 1090;
const HALF = 520;

function charts(a: MetricsAggregate): string {
  const bars = (id: string, label: string, name: string, color: string, rows: BarRow[], kind: 'cost' | 'tokens' | 'count'): string =>
    renderBarChart({
      id,
      label,
      series: [{ name, color }],
      rows,
      format: kind === 'cost' ? formatCost : kind === 'tokens' ? formatCompact : formatInt,
      tickFormat: kind === 'cost' ? formatCostTick : kind === 'tokens' ? formatCompact : formatInt,
      integer: kind === 'count',
      width: HALF,
    });
  const phase = (k: string): string => `phase ${k}`;
  const durations = renderBarChart({
    id: 'chart-duration-agent',
    label: 'Duration percentiles by agent',
    mode: 'grouped',
    series: [
      { name: 'p50', color: COLORS.primary },
      { name: 'p95', color: COLORS.secondary },
      { name: 'p99', color: COLORS.danger },
    ],
    rows: Object.entries(a.durationByAgent).map(([agent, d]) => ({ label: agent, values: [d.p50, d.p95, d.p99] })),
    format: formatDuration,
    width: FULL,
  });
  const retryAgents = Object.keys(a.retriesByAgent).filter((k) => (a.retriesByAgent[k] ?? 0) > 0);
  const retries = renderBarChart({
    id: 'chart-retries-agent',
    label: 'Retries by agent, infra vs code',
    series: [
      { name: 'infra', color: COLORS.secondary },
      { name: 'code', color: COLORS.tertiary },
    ],
    rows: retryAgents.map((k) => ({ label: k, values: [a.infraRetriesByAgent[k] ?? 0, a.codeRetriesByAgent[k] ?? 0] })),
    format: formatInt,
    integer: true,
    width: HALF,
  });
  const pair = (left: string, right: string): string => `<div class="grid">${left}${right}</div>`;
  const failed = a.totalInvocations - a.totalSuccesses;
  return [
    pair(
      card('Cost by agent', bars('chart-cost-agent', 'Cost by agent', 'cost', COLORS.primary, rowsOf(a.costByAgent, true), 'cost')),
      card('Tokens by agent', bars('chart-tokens-agent', 'Tokens by agent', 'tokens', COLORS.tertiary, rowsOf(a.tokensByAgent, true), 'tokens')),
    ),
    pair(
      card('Cost by phase', bars('chart-cost-phase', 'Cost by phase', 'cost', COLORS.primary, rowsOf(a.costByPhase, false, phase), 'cost')),
      card('Tokens by phase', bars('chart-tokens-phase', 'Tokens by phase', 'tokens', COLORS.tertiary, rowsOf(a.tokensByPhase, false, phase), 'tokens')),
    ),
    card('Duration percentiles by agent', durations, 'Nearest-rank p50, p95 and p99 of durationMs.'),
    pair(
      card('Retries: infra vs code', retries, `${plural(a.totalRetries, 'retry', 'retries')}: ${formatInt(a.infraRetries)} infra (the previous attempt had an errorClass), ${formatInt(a.codeRetries)} code.`),
      card(
        'Escalations',
        bars('chart-escalations', 'Escalations by routing transition', 'escalations', COLORS.secondary, rowsOf(a.escalationsByTier, true), 'count'),
        `${plural(a.escalationCount, 'retry', 'retries')} ran on another tier or model than the previous attempt.`,
      ),
    ),
    pair(
      card('Failures by error class', bars('chart-failures', 'Failures by error class', 'failures', COLORS.danger, rowsOf(a.failuresByErrorClass, true), 'count'), `${plural(failed, 'failed invocation', 'failed invocations')}.`),
      card('Cost by model', bars('chart-cost-model', 'Cost by model', 'cost', COLORS.success, rowsOf(a.costByModel, true), 'cost')),
    ),
  ].join('\n');
}

/**
 * Renders one table as HTML, every cell escaped; `None.` when it has no rows.
 *
 * @param table - The table.
 * @returns The HTML fragment.
 */
export function renderHtmlTable(table: ReportTable): string {
  if (table.rows.length === 0) return '<p class="none">None.</p>';
  const cls = (i: number): string => (table.columns[i]?.align === 'right' ? ' class="num"' : '');
  const head = table.columns.map((c, i) => `<th${cls(i)}>${escapeHtml(c.header)}</th>`).join('');
  const body = table.rows.map((r) => `<tr>${r.map((cell, i) => `<td${cls(i)}>${escapeHtml(cell)}</td>`).join('')}</tr>`).join('\n');
  return `<div class="table-wrap"><table id="table-${escapeHtml(table.id)}"><thead><tr>${head}</tr></thead><tbody>\n${body}\n</tbody></table></div>`;
}

function timeline(a: MetricsAggregate, items: readonly GanttItem[], limit: number): string {
  const shown = selectGanttItems(items, limit);
  const total = Math.max(a.totalInvocations, items.length);
  const note =
    shown.length < total
      ? `Showing ${formatInt(shown.length)} of ${formatInt(total)} invocations: failures and retries first, then the longest. Hover a bar for details.`
      : `All ${formatInt(total)} invocations. Hover a bar for details.`;
  return card('Timeline of invocations', renderTimelineChart(shown, 'chart-timeline', FULL), note);
}

/**
 * Renders the HTML report: headline figures, parallelism over time, a timeline of invocations (when
 * `invocations` are given), cost and tokens by agent and by phase, duration percentiles by agent, retries
 * infra vs code, escalations, failures, every table, and the aggregate itself as JSON in a
 * `<script type="application/json" id="invocation-metrics-data">` block (for tools; it is data, not
 * code; maps of more than 1,000 names are cut to the 1,000 with the most invocations, and
 * `omittedKeys` says how many were left out: see `boundedAggregateData`). Pure: the same input gives
 * the same document.
 *
 * @param aggregate - The aggregate to report.
 * @param options - Report options.
 * @returns The complete HTML document.
 * @example
 * ```ts
 * await writeFile('report.html', renderHtmlReport(computeAggregate(records), { invocations: records.map(toGanttItem) }));
 * ```
 */
export function renderHtmlReport(aggregate: MetricsAggregate, options: HtmlReportOptions = {}): string {
  const a = aggregate;
  const title = options.title ?? 'Invocation metrics report';
  const span = a.firstStart === null ? 'No invocations' : `${a.firstStart} to ${a.lastEnd ?? ''} (UTC)`;
  const sub: string[] = [`<p>${escapeHtml(span)}</p>`];
  if (options.sources !== undefined && options.sources.length > 0) sub.push(`<p>Sources: ${options.sources.map(escapeHtml).join(', ')}</p>`);
  if ((options.skippedLines ?? 0) > 0) sub.push(`<p>Skipped ${formatInt(options.skippedLines ?? 0)} malformed log line(s).</p>`);
  const body = [
    `<header><h1>${escapeHtml(title)}</h1>${sub.join('')}</header>`,
    kpis(a),
    options.comparison === undefined ? '' : comparisonSection(options.comparison, options.maxRows),
    card('Parallelism over time', renderParallelismChart(a.parallelismOverTime, a.bucketMs, { width: FULL }), `Largest number of invocations running at one instant in each ${formatWidth(a.bucketMs)} bucket.`),
    options.invocations === undefined ? '' : timeline(a, options.invocations, options.ganttLimit ?? DEFAULT_GANTT_LIMIT),
    charts(a),
    ...reportTables(a, options.maxRows).map((t) => card(t.title, renderHtmlTable(t))),
    '<footer>Generated by invocation-metrics. Self-contained: no network access, no scripts.</footer>',
  ].join('\n');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${CSP}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(title)}</title>
<style>${REPORT_CSS}</style>
</head>
<body>
<main>
${body}
</main>
<script type="application/json" id="invocation-metrics-data">${jsonForScript(boundedAggregateData(a))}</script>
</body>
</html>
`;
}
