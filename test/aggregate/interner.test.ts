import { describe, expect, it } from 'vitest';
import { Interner } from '../../src/aggregate/interner.js';

describe('Interner', () => {
  it('assigns dense ids in order of first sight', () => {
    const interner = new Interner<string>();
    expect(['b', 'a', 'b', '', 'a'].map((s) => interner.id(s))).toEqual([0, 1, 0, 2, 1]);
    expect(interner.values).toEqual(['b', 'a', '']);
    expect(interner.size).toBe(3);
  });

  it('treats prototype names as plain values', () => {
    const interner = new Interner<string>();
    expect(['__proto__', 'constructor', 'hasOwnProperty', 'toString', '__proto__'].map((s) => interner.id(s))).toEqual([0, 1, 2, 3, 0]);
  });

  it('interns numbers (phases)', () => {
    const interner = new Interner<number>();
    expect([3, 0, 3, 10].map((p) => interner.id(p))).toEqual([0, 1, 0, 2]);
  });

  it('builds the id map of another table, interning its new values', () => {
    const interner = new Interner<string>();
    interner.id('a');
    const map = interner.idMap(['c', 'a', 'b']);
    expect([...map]).toEqual([1, 0, 2]);
    expect(interner.values).toEqual(['a', 'c', 'b']);
  });
});
