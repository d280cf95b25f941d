/**
 * The HTML report's stylesheet, inlined into the page (the report makes no network request, so no
 * external stylesheet or web font: the system UI font stack is used).
 *
 * @module
 */

/** CSS of the HTML report. */
export const REPORT_CSS = `
:root { color-scheme: light; --fg: #1f2937; --muted: #6b7280; --line: #e5e7eb; --bg: #f3f4f6; --card: #fff; --accent: #3b6fd8; }
* { box-sizing: border-box; }
body { margin: 0; background: var(--bg); color: var(--fg); font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", "DejaVu Sans", sans-serif; }
main { max-width: 1180px; margin: 0 auto; padding: 28px 24px 48px; }
header h1 { margin: 0 0 4px; font-size: 24px; font-weight: 650; letter-spacing: -0.01em; }
header p { margin: 2px 0; color: var(--muted); overflow-wrap: anywhere; }
h2 { margin: 0 0 10px; font-size: 15px; font-weight: 620; }
.kpis { display: grid; grid-template-columns: repeat(4, 1fr); gap: 12px; margin: 20px 0; }
@media (max-width: 720px) { .kpis { grid-template-columns: repeat(2, 1fr); } }
.kpi { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 12px 14px; }
.kpi .label { color: var(--muted); font-size: 12px; }
.kpi .value { font-size: 22px; font-weight: 650; margin-top: 2px; font-variant-numeric: tabular-nums; white-space: nowrap; overflow: hidden; text-overflow: ellipsis; }
.kpi .sub { color: var(--muted); font-size: 12px; margin-top: 2px; }
.card { background: var(--card); border: 1px solid var(--line); border-radius: 10px; padding: 16px 18px; margin: 0 0 16px; min-width: 0; }
.card .note { color: var(--muted); font-size: 12px; margin: -4px 0 8px; }
.grid { display: grid; grid-template-columns: repeat(auto-fit, minmax(420px, 1fr)); gap: 16px; }
.grid > .card { margin: 0; }
.grid + .card, .grid + .grid { margin-top: 16px; }
svg.chart { display: block; width: 100%; height: auto; font-size: 12px; }
svg.chart text { fill: #374151; }
svg.chart .tick, svg.chart .note, svg.chart .small { fill: #6b7280; font-size: 11px; }
svg.chart .value { font-size: 11px; font-variant-numeric: tabular-nums; }
svg.chart .empty { fill: #9ca3af; }
svg.chart rect.bar:hover, svg.chart rect.invocation:hover { opacity: 0.8; }
svg.chart rect.hover:hover { fill: rgba(59, 111, 216, 0.12); }
.table-wrap { overflow-x: auto; }
table { border-collapse: collapse; width: 100%; font-size: 13px; font-variant-numeric: tabular-nums; }
th, td { padding: 6px 10px; border-bottom: 1px solid var(--line); text-align: left; white-space: nowrap; }
td:first-child { white-space: normal; overflow-wrap: anywhere; }
th { color: var(--muted); font-weight: 600; font-size: 12px; }
th.num, td.num { text-align: right; }
tbody tr:hover { background: #f9fafb; }
.none { color: var(--muted); font-style: italic; margin: 0; }
footer { color: var(--muted); font-size: 12px; margin-top: 24px; }
@media print { body { background: #fff; } .card, .kpi { break-inside: avoid; } }
`;
