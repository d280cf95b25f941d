/**
 * The tests' p-values against reference values computed with SciPy 1.17 (`scipy.stats`: `norm.sf`,
 * `t.sf`, `ttest_ind(equal_var=False)`, `mannwhitneyu(method='asymptotic')`, `chi2_contingency(correction=False)`),
 * and Holm's adjustment against its definition.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { runs } from '../helpers/property.js';
import { holmAdjust, mannWhitneyTest, momentsOf, normalTwoSided, poissonTest, studentTwoSided, twoProportionTest, welchTest } from '../../src/diff/stats.js';

describe('normal and Student tails', () => {
  it('match the standard tables, far tail included', () => {
    expect(normalTwoSided(1.959963985)).toBeCloseTo(0.05, 6);
    expect(normalTwoSided(3)).toBeCloseTo(0.0026998, 6);
    // 2 * norm.sf(8): the error stays relative in the tail Holm looks at.
    expect(normalTwoSided(8) / 1.2441921e-15).toBeCloseTo(1, 5);
    expect(normalTwoSided(0)).toBe(1);
    expect(normalTwoSided(Number.NaN)).toBe(1);
  });

  it('Student t: 2 * pt(-t, df) for whole and fractional df', () => {
    expect(studentTwoSided(12.706205, 1)).toBeCloseTo(0.05, 6);
    expect(studentTwoSided(2.228139, 10)).toBeCloseTo(0.05, 6);
    expect(studentTwoSided(-2.228139, 10)).toBeCloseTo(0.05, 6);
    expect(studentTwoSided(1.959964, 1e7)).toBeCloseTo(0.05, 5);
    expect(studentTwoSided(1.5, 6.45)).toBeCloseTo(0.180882, 6); // 2 * t.sf(1.5, 6.45)
    expect(studentTwoSided(Infinity, 3)).toBe(0);
  });
});

describe('Welch t-test', () => {
  it('equals ttest_ind(equal_var=False)', () => {
    expect(welchTest(momentsOf([1, 2, 3, 4, 5]), momentsOf([2, 3, 4, 5, 9]))).toBeCloseTo(0.2937255, 6);
  });

  it('constant samples: 1 when equal, 0 when not; fewer than 2 values: not tested', () => {
    expect(welchTest(momentsOf([2, 2, 2]), momentsOf([2, 2]))).toBe(1);
    expect(welchTest(momentsOf([2, 2, 2]), momentsOf([3, 3]))).toBe(0);
    expect(welchTest(momentsOf([1]), momentsOf([1, 2, 3]))).toBeUndefined();
  });

  it('moments are Welford-stable for large offsets', () => {
    const m = momentsOf([1e9 + 4, 1e9 + 7, 1e9 + 13, 1e9 + 16]);
    expect(m.mean).toBe(1e9 + 10);
    expect(m.variance).toBeCloseTo(30, 9);
  });
});

describe('Mann-Whitney U', () => {
  it('equals mannwhitneyu(method="asymptotic", use_continuity=True)', () => {
    // U = 0, mean 12.5, sd sqrt(25 * 11 / 12): z = 12 / 4.787 = 2.5067, p = 0.012186
    expect(mannWhitneyTest([1, 2, 3, 4, 5], [6, 7, 8, 9, 10])).toBeCloseTo(0.012186, 5);
    // Ties (three values shared by both sides): the tie-corrected variance.
    expect(mannWhitneyTest([1, 2, 2, 3, 3, 3], [2, 3, 3, 4, 4, 5])).toBeCloseTo(0.0784029, 6);
  });

  it('equals the definition: U counted over every pair (ties half), with the tie-corrected variance', () => {
    // Few distinct values, so that ties (within and across sides) are the rule; -0 and 0 tie.
    const values = fc.array(fc.constantFrom(-0, 0, 1, 1.5, 2, 3, 1e9), { minLength: 1, maxLength: 40 });
    fc.assert(
      fc.property(values, values, (a, b) => {
        let u = 0;
        for (const x of a) for (const y of b) u += x > y ? 1 : x === y ? 0.5 : 0;
        const n = a.length + b.length;
        const counts = new Map<number, number>();
        for (const v of [...a, ...b]) counts.set(v === 0 ? 0 : v, (counts.get(v === 0 ? 0 : v) ?? 0) + 1);
        let ties = 0;
        for (const t of counts.values()) ties += t ** 3 - t;
        const variance = ((a.length * b.length) / 12) * (n + 1 - ties / (n * (n - 1)));
        const expected = variance > 0 ? normalTwoSided(Math.max(0, Math.abs(u - (a.length * b.length) / 2) - 0.5) / Math.sqrt(variance)) : 1;
        expect(mannWhitneyTest(a, b)).toBeCloseTo(expected, 12);
      }),
      { numRuns: runs(300) },
    );
  });

  it('is symmetric, ignores order, and gives 1 when every value is equal', () => {
    const a = [5, 1, 9, 3, 3, 7];
    const b = [8, 2, 10, 11, 6];
    expect(mannWhitneyTest(a, b)).toBeCloseTo(mannWhitneyTest(b, a)!, 12);
    expect(mannWhitneyTest([...a].reverse(), b)).toBe(mannWhitneyTest(a, b));
    expect(mannWhitneyTest([4, 4, 4], [4, 4])).toBe(1);
    expect(mannWhitneyTest([], [1])).toBeUndefined();
  });
});

describe('counts and proportions', () => {
  it('two-proportion z-test: the chi-square test of the 2x2 table without correction', () => {
    expect(twoProportionTest(10, 100, 20, 100)).toBeCloseTo(0.0476704, 6);
    expect(twoProportionTest(0, 50, 0, 70)).toBe(1);
    expect(twoProportionTest(1, 0, 1, 10)).toBeUndefined();
  });

  it('Poisson counts: z = (b - a) / sqrt(a + b)', () => {
    expect(poissonTest(100, 100)).toBe(1);
    expect(poissonTest(100, 144)).toBeCloseTo(normalTwoSided(44 / Math.sqrt(244)), 12);
    expect(poissonTest(0, 0)).toBe(1);
  });
});

describe('Holm', () => {
  it('steps down and keeps the adjusted values monotone, in the input order', () => {
    expect(holmAdjust([0.01, 0.04, 0.03, 0.005])).toEqual([0.03, 0.06, 0.06, 0.02]);
    expect(holmAdjust([0.5, 0.9])).toEqual([1, 1]);
    expect(holmAdjust([])).toEqual([]);
  });
});
