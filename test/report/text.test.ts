import { describe, expect, it } from 'vitest';
import { computeAggregate } from '../../src/aggregate/index.js';
import { renderTextSummary, renderTextTable } from '../../src/report/text.js';
import { rec, sampleRun } from './helpers/records.js';

describe('renderTextTable', () => {
  it('aligns columns, right for numbers, and says (none) without rows', () => {
    const table = { id: 't', title: 'T', columns: [{ header: 'Name', align: 'left' as const }, { header: 'N', align: 'right' as const }], rows: [['a', '1'], ['long name', '100']] };
    expect(renderTextTable(table)).toBe('T\nName         N\n---------  ---\na            1\nlong name  100\n');
    expect(renderTextTable({ ...table, rows: [] })).toBe('T\nName  N\n----  -\n(none)\n');
  });
});

describe('renderTextSummary', () => {
  it('shows the headline, agents, phases and models; failures and escalations only when there are some', () => {
    const text = renderTextSummary(computeAggregate(sampleRun()));
    expect(text).toMatch(/^Summary\nInvocations {19}6\n/);
    for (const title of ['By agent', 'By phase', 'By model', 'Failures by error class', 'Escalations by routing transition']) expect(text).toContain(`\n${title}\n`);
    expect(renderTextSummary(computeAggregate([rec('a', 0)]))).not.toContain('Failures by error class');
  });

  it('escapes control characters in names', () => {
    expect(renderTextSummary(computeAggregate([rec('\x1b[2Jevil', 0)]))).toContain('\\u{1b}[2Jevil');
  });
});
