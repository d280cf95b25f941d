import { describe, expect, it } from 'vitest';
import { compareCodeUnits, sortedNameMap, sortedPhaseMap } from '../../src/aggregate/sorted-map.js';

describe('compareCodeUnits', () => {
  it('orders as the default sort() does, by UTF-16 code units', () => {
    const names = ['b', 'B', 'a', 'é', 'e', '😀', '\uffff', 'Z', '10', '9', ''];
    expect([...names].sort(compareCodeUnits)).toEqual([...names].sort());
  });
});

describe('sortedNameMap', () => {
  it('has no prototype, so prototype names are plain keys', () => {
    const map = sortedNameMap([
      ['constructor', 1],
      ['__proto__', 2],
      ['hasOwnProperty', 3],
      ['toString', 4],
    ]);
    expect(Object.getPrototypeOf(map)).toBeNull();
    expect(Object.keys(map)).toEqual(['__proto__', 'constructor', 'hasOwnProperty', 'toString']);
    expect(map.__proto__).toBe(2);
    expect(JSON.stringify(map)).toBe('{"__proto__":2,"constructor":1,"hasOwnProperty":3,"toString":4}');
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  it('inserts keys in code-unit order (integer-like keys still enumerate first, numerically)', () => {
    const map = sortedNameMap([
      ['b', 1],
      ['é', 2],
      ['A', 3],
      ['10', 4],
      ['9', 5],
      ['😀', 6],
    ]);
    expect(Object.keys(map)).toEqual(['9', '10', 'A', 'b', 'é', '😀']);
  });
});

describe('sortedPhaseMap', () => {
  it('orders phases numerically, including ones beyond array-index range', () => {
    const map = sortedPhaseMap([
      [10, 'x'],
      [2 ** 40, 'z'],
      [9, 'y'],
      [0, 'w'],
    ]);
    expect(Object.getPrototypeOf(map)).toBeNull();
    expect(Object.keys(map)).toEqual(['0', '9', '10', String(2 ** 40)]);
  });
});
