import { describe, expect, it } from 'vitest';
import { toGanttItem } from '../../src/report/gantt.js';
import { renderMermaidGantt } from '../../src/report/mermaid.js';
import { HOSTILE_AGENTS, hostileRun, rec, sampleRun } from './helpers/records.js';

describe('renderMermaidGantt', () => {
  it('draws one section per agent in name order, with epoch-ms start and end, crit failures and active retries', () => {
    const text = renderMermaidGantt(sampleRun().map(toGanttItem));
    const lines = text.split('\n');
    expect(lines.slice(0, 5)).toEqual(['gantt', '  title Invocations by agent', '  dateFormat x', '  axisFormat %H:%M:%S', '  todayMarker off']);
    expect(lines.filter((l) => l.startsWith('  section '))).toEqual(['  section coder', '  section planner', '  section reviewer']);
    const t0 = Date.UTC(2026, 10, 20, 9);
    expect(text).toContain(`P1 inv-2 failed timeout :crit, t1, ${t0 + 5000}, ${t0 + 35_000}`);
    expect(text).toMatch(/P1 inv-4 retry 2 :active, t3, /);
    expect(text).toMatch(/P2 inv-5 failed :crit, t5, /);
  });

  it('draws a zero-length invocation 1 ms long', () => {
    const start = Date.UTC(2026, 10, 20, 9);
    expect(renderMermaidGantt([toGanttItem(rec('a', 0, { durationMs: 0 }))])).toContain(`:t1, ${start}, ${start + 1}`);
  });

  it('switches the axis to dates for runs longer than a day', () => {
    expect(renderMermaidGantt([toGanttItem(rec('a', 0)), toGanttItem(rec('a', 90_000))])).toContain('axisFormat %m-%d %H:%M');
  });

  it('keeps hostile names from ending a name, starting a comment or closing the fence', () => {
    const text = renderMermaidGantt(hostileRun().map(toGanttItem));
    const body = text.split('\n').slice(5).filter(Boolean);
    for (const line of body) {
      const name = line.startsWith('  section ') ? line.slice(10) : line.slice(0, line.lastIndexOf(' :'));
      expect(name).not.toMatch(/[:;#`<>{}]|%%/);
    }
    expect(body).toHaveLength(HOSTILE_AGENTS.length * 2);
    expect(text).toContain('section colon semi hash comment');
  });
});
