/**
 * The Mermaid Gantt chart of invocations by agent, as GitHub renders it inside a ```` ```mermaid ```` block.
 *
 * Syntax notes (Mermaid's Gantt grammar): `dateFormat x` reads start and end as epoch milliseconds, so no
 * time zone is involved in parsing (the axis shows the viewer's local time); tasks are given an explicit
 * end time rather than a duration, because millisecond durations are not understood by older Mermaid
 * versions. Tags: `crit` marks a failed invocation, `active` a retry (attempt > 1).
 *
 * @module
 */
import { sanitizeMermaidText } from './escape.js';
import type { GanttItem } from './gantt.js';

/** Options of {@link renderMermaidGantt}. */
export interface MermaidGanttOptions {
  /**
   * Chart title; sanitized like any other text.
   * @default 'Invocations by agent'
   */
  title?: string;
}

const MAX_LABEL = 48;

function label(item: GanttItem): string {
  const id = item.id.length > MAX_LABEL ? `${item.id.slice(0, MAX_LABEL - 3)}...` : item.id;
  // The fixed `P<phase>` prefix keeps a name such as `title x` or `section y` from being read as a keyword.
  let text = `P${item.phase} ${id}`;
  if (item.attempt > 1) text += ` retry ${item.attempt}`;
  if (!item.success) text += item.errorClass ? ` failed ${item.errorClass}` : ' failed';
  return sanitizeMermaidText(text);
}

function axisFormat(items: readonly GanttItem[]): string {
  let min = Infinity;
  let max = -Infinity;
  for (const i of items) {
    min = Math.min(min, i.startMs);
    max = Math.max(max, i.startMs + i.durationMs);
  }
  return max - min > 86_400_000 ? '%m-%d %H:%M' : '%H:%M:%S';
}

/**
 * Renders a Mermaid Gantt chart: one section per agent (sorted like the aggregate's keys), one task per
 * item in start order. Every name is passed through {@link sanitizeMermaidText}. A zero-length
 * invocation is drawn 1 ms long so that it stays visible.
 *
 * @param items - The invocations to draw, typically from `selectGanttItems()`.
 * @param options - Rendering options.
 * @returns The diagram source, without the surrounding code fence, ending in `\n`.
 */
export function renderMermaidGantt(items: readonly GanttItem[], options: MermaidGanttOptions = {}): string {
  const lines = [
    'gantt',
    `  title ${sanitizeMermaidText(options.title ?? 'Invocations by agent')}`,
    '  dateFormat x',
    `  axisFormat ${axisFormat(items)}`,
    '  todayMarker off',
  ];
  const byAgent = new Map<string, GanttItem[]>();
  for (const item of items) {
    const list = byAgent.get(item.agent);
    if (list === undefined) byAgent.set(item.agent, [item]);
    else list.push(item);
  }
  let n = 0;
  for (const agent of [...byAgent.keys()].sort()) {
    lines.push(`  section ${sanitizeMermaidText(agent)}`);
    for (const item of byAgent.get(agent)!) {
      const tags: string[] = [];
      if (!item.success) tags.push('crit');
      if (item.attempt > 1) tags.push('active');
      const start = Math.round(item.startMs);
      const end = Math.max(start + 1, Math.round(item.startMs + item.durationMs));
      tags.push(`t${++n}`, String(start), String(end));
      lines.push(`    ${label(item)} :${tags.join(', ')}`);
    }
  }
  return `${lines.join('\n')}\n`;
}
