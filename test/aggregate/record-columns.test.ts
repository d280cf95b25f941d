import { describe, expect, it } from 'vitest';
import { COLUMN_NAMES, RecordColumns } from '../../src/aggregate/record-columns.js';

function fillRow(c: RecordColumns, i: number, value: number): void {
  c.start[i] = value;
  c.durationMs[i] = value;
  c.cost[i] = value;
  c.attempt[i] = value;
  c.agent[i] = value;
  c.phase[i] = value;
  c.taskId[i] = value % 2 === 0 ? -1 : value;
  c.model[i] = value;
  c.tier[i] = value;
  c.errorClass[i] = value;
  c.flags[i] = value % 4;
}

describe('RecordColumns', () => {
  it('grows every column and keeps the rows', () => {
    const c = new RecordColumns();
    for (let i = 0; i < 5000; i++) {
      c.reserve(1);
      fillRow(c, i, i);
      c.length = i + 1;
    }
    expect(c.start.length).toBeGreaterThanOrEqual(5000);
    for (const name of COLUMN_NAMES) expect(c[name].length).toBe(c.start.length);
    expect(c.agent[4999]).toBe(4999);
    expect(c.taskId[4998]).toBe(-1);
    expect(c.flags[4999]).toBe(3);
  });

  it('views without copying, copies into fresh buffers', () => {
    const c = new RecordColumns();
    c.reserve(2);
    fillRow(c, 0, 1);
    fillRow(c, 1, 2);
    c.length = 2;
    const view = c.view();
    const copy = c.copy();
    for (const name of COLUMN_NAMES) {
      expect(view[name].length).toBe(2);
      expect(view[name].buffer).toBe(c[name].buffer);
      expect(copy[name].length).toBe(2);
      expect(copy[name].buffer).not.toBe(c[name].buffer);
    }
    c.start[0] = 99;
    expect(view.start[0]).toBe(99);
    expect(copy.start[0]).toBe(1);
  });

  it('appends other columns, translating ids and keeping -1', () => {
    const a = new RecordColumns();
    a.reserve(1);
    fillRow(a, 0, 0);
    a.length = 1;
    const b = new RecordColumns();
    b.reserve(2);
    fillRow(b, 0, 1);
    fillRow(b, 1, 0);
    b.length = 2;
    const shift = Int32Array.from([7, 8]);
    a.append(b.view(), 2, { agent: shift, phase: shift, taskId: shift, model: shift, tier: shift, errorClass: shift });
    expect(a.length).toBe(3);
    expect([...a.view().agent]).toEqual([0, 8, 7]);
    expect([...a.view().taskId]).toEqual([-1, 8, -1]);
    expect([...a.view().start]).toEqual([0, 1, 0]);
    expect([...a.view().flags]).toEqual([0, 1, 0]);
  });

  it('adopts the buffers of other columns at their whole capacity, and refuses them when it holds rows or is shared', () => {
    const spent = new RecordColumns();
    spent.reserve(3000);
    for (let i = 0; i < 3000; i++) fillRow(spent, i, i + 1);
    spent.length = 3000;
    const spare = spent.view();
    const c = new RecordColumns();
    expect(c.adopt(spare)).toBe(true);
    for (const name of COLUMN_NAMES) expect(c[name].buffer).toBe(spare[name].buffer);
    expect(c.length).toBe(0);
    expect(c.start.length).toBe(spent.start.length);
    // Rows written after the adoption are the only ones read: the old contents never show.
    c.reserve(2);
    fillRow(c, 0, 7);
    c.length = 1;
    expect([...c.view().agent]).toEqual([7]);
    expect(c.copy().start.length).toBe(1);
    // Not over rows held, not into shared columns, not from columns of unequal capacities.
    expect(c.adopt(new RecordColumns().view())).toBe(false);
    const shared = new RecordColumns();
    shared.share();
    expect(shared.adopt(spare)).toBe(false);
    expect(new RecordColumns().adopt({ ...spare, flags: new Uint8Array(10) })).toBe(false);
    expect(new RecordColumns().adopt(shared.view())).toBe(false);
  });
});
