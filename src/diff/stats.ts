/**
 * The significance tests of `diff`, pure and dependency-free: each returns a two-sided p-value (1 when
 * the data cannot show a difference, `undefined` when a side has too few values to test at all). The
 * formulas are the textbook ones; the choice of test per row and the thresholds are in `compare.ts`.
 *
 * @module
 */

/**
 * The complementary error function, by the Chebyshev fit of Numerical Recipes (`erfcc`), whose
 * fractional error is below 1.2e-7 everywhere: good enough for p-values that are compared with a level
 * such as 0.05 / 200, and it stays relative (not absolute) in the far tail, where Holm's adjustment looks.
 */
function erfc(x: number): number {
  const z = Math.abs(x);
  const t = 1 / (1 + 0.5 * z);
  const poly =
    -z * z - 1.26551223 +
    t * (1.00002368 + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277))))))));
  const r = t * Math.exp(poly);
  return x >= 0 ? r : 2 - r;
}

/**
 * Two-sided p-value of a standard normal statistic: P(|Z| >= |z|).
 *
 * @param z - The statistic.
 * @returns The p-value in [0, 1].
 */
export function normalTwoSided(z: number): number {
  if (Number.isNaN(z)) return 1;
  return Math.min(1, erfc(Math.abs(z) / Math.SQRT2));
}

/** ln Γ(x) for x > 0 (Lanczos, g = 7, 9 terms). */
function logGamma(x: number): number {
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059, 12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (x < 0.5) return Math.log(Math.PI / Math.sin(Math.PI * x)) - logGamma(1 - x);
  const y = x - 1;
  let a = c[0]!;
  const t = y + 7.5;
  for (let i = 1; i < 9; i++) a += c[i]! / (y + i);
  return 0.5 * Math.log(2 * Math.PI) + (y + 0.5) * Math.log(t) - t + Math.log(a);
}

/** The continued fraction of the incomplete beta function (modified Lentz). */
function betaFraction(a: number, b: number, x: number): number {
  const tiny = 1e-300;
  let c = 1;
  let d = 1 - ((a + b) * x) / (a + 1);
  d = Math.abs(d) < tiny ? tiny : d;
  d = 1 / d;
  let h = d;
  for (let m = 1; m <= 300; m++) {
    const m2 = 2 * m;
    for (const aa of [(m * (b - m) * x) / ((a + m2 - 1) * (a + m2)), (-(a + m) * (a + b + m) * x) / ((a + m2) * (a + m2 + 1))]) {
      d = 1 + aa * d;
      d = Math.abs(d) < tiny ? tiny : d;
      c = 1 + aa / c;
      c = Math.abs(c) < tiny ? tiny : c;
      d = 1 / d;
      h *= d * c;
    }
    if (Math.abs(d * c - 1) < 1e-15) break;
  }
  return h;
}

/** The regularized incomplete beta function I_x(a, b). */
function incompleteBeta(x: number, a: number, b: number): number {
  if (x <= 0) return 0;
  if (x >= 1) return 1;
  const front = Math.exp(logGamma(a + b) - logGamma(a) - logGamma(b) + a * Math.log(x) + b * Math.log(1 - x));
  return x < (a + 1) / (a + b + 2) ? (front * betaFraction(a, b, x)) / a : 1 - (front * betaFraction(b, a, 1 - x)) / b;
}

/**
 * Two-sided p-value of Student's t statistic with `df` degrees of freedom (`df` need not be whole:
 * Welch's approximation gives fractional ones).
 *
 * @param t - The statistic.
 * @param df - Degrees of freedom, > 0.
 * @returns The p-value in [0, 1].
 */
export function studentTwoSided(t: number, df: number): number {
  if (Number.isNaN(t) || !(df > 0)) return 1;
  if (!Number.isFinite(t)) return 0;
  return Math.min(1, incompleteBeta(df / (df + t * t), df / 2, 0.5));
}

/** Values of one side of a test, with the moments a Welch test needs. */
export interface Moments {
  /** Number of values. */
  n: number;
  /** Mean. */
  mean: number;
  /** Unbiased variance (n - 1 in the denominator); 0 when n < 2. */
  variance: number;
}

/**
 * Mean and unbiased variance, by Welford's update (stable for values of very different sizes).
 *
 * @param values - The values.
 * @returns Their moments.
 */
export function momentsOf(values: ArrayLike<number>): Moments {
  let mean = 0;
  let m2 = 0;
  for (let i = 0; i < values.length; i++) {
    const x = values[i]!;
    const delta = x - mean;
    mean += delta / (i + 1);
    m2 += delta * (x - mean);
  }
  const n = values.length;
  return { n, mean, variance: n > 1 ? m2 / (n - 1) : 0 };
}

/**
 * Welch's t-test of equal means (unequal variances, Welch–Satterthwaite degrees of freedom).
 *
 * @param a - The baseline's moments.
 * @param b - The candidate's moments.
 * @returns The two-sided p-value; `undefined` when a side has fewer than 2 values. Two constant samples
 *   give 1 when their values are equal and 0 when not (the difference is certain).
 */
export function welchTest(a: Moments, b: Moments): number | undefined {
  if (a.n < 2 || b.n < 2) return undefined;
  const va = a.variance / a.n;
  const vb = b.variance / b.n;
  const se2 = va + vb;
  if (se2 === 0) return a.mean === b.mean ? 1 : 0;
  const t = (b.mean - a.mean) / Math.sqrt(se2);
  const df = (se2 * se2) / ((va * va) / (a.n - 1) + (vb * vb) / (b.n - 1));
  return studentTwoSided(t, df);
}

/**
 * Two-proportion z-test (pooled variance) of `ka / na` against `kb / nb`.
 *
 * @returns The two-sided p-value; `undefined` when a side has no trials. Both rates 0 (or both 1) give 1.
 */
export function twoProportionTest(ka: number, na: number, kb: number, nb: number): number | undefined {
  if (na <= 0 || nb <= 0) return undefined;
  const pooled = (ka + kb) / (na + nb);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / na + 1 / nb));
  if (se === 0) return 1;
  return normalTwoSided((kb / nb - ka / na) / se);
}

/**
 * Test of two Poisson counts observed over the same exposure (two runs of the same workload): under the
 * null hypothesis `b` given `a + b` is Binomial(a + b, 1/2); its normal approximation is
 * `z = (b - a) / sqrt(a + b)`.
 *
 * @returns The two-sided p-value; 1 when both counts are 0.
 */
export function poissonTest(a: number, b: number): number {
  if (a + b === 0) return 1;
  return normalTwoSided((b - a) / Math.sqrt(a + b));
}

/**
 * Mann-Whitney U test (Wilcoxon rank-sum) by its normal approximation, with the tie correction of the
 * variance and a continuity correction of 0.5. It asks whether a value of one side tends to be larger
 * than one of the other, whatever the shape of the distributions: durations are skewed, so a test of
 * means would be driven by a few long invocations.
 *
 * @param a - The baseline's values (not modified).
 * @param b - The candidate's values (not modified).
 * @returns The two-sided p-value; `undefined` when a side is empty; 1 when every value is equal.
 */
export function mannWhitneyTest(a: ArrayLike<number>, b: ArrayLike<number>): number | undefined {
  const na = a.length;
  const nb = b.length;
  if (na === 0 || nb === 0) return undefined;
  // Each side sorted on its own (a typed array's native numeric sort, several times faster than an
  // index sort with a comparator), then one merge that ranks tie groups across both sides.
  const sa = Float64Array.from(a).sort();
  const sb = Float64Array.from(b).sort();
  let rankSumA = 0;
  let ties = 0;
  let before = 0;
  for (let i = 0, j = 0; i < na || j < nb; ) {
    const v = j >= nb || (i < na && sa[i]! <= sb[j]!) ? sa[i]! : sb[j]!;
    const i0 = i;
    while (i < na && sa[i] === v) i++;
    const j0 = j;
    while (j < nb && sb[j] === v) j++;
    const ta = i - i0;
    const t = ta + j - j0;
    rankSumA += ta * (before + (t + 1) / 2); // the mean of the 1-based ranks before+1 .. before+t
    ties += t * t * t - t;
    before += t;
  }
  const n = na + nb;
  const u = rankSumA - (na * (na + 1)) / 2;
  const mean = (na * nb) / 2;
  const variance = ((na * nb) / 12) * (n + 1 - ties / (n * (n - 1)));
  if (!(variance > 0)) return 1;
  const diff = Math.abs(u - mean);
  return normalTwoSided(Math.max(0, diff - 0.5) / Math.sqrt(variance));
}

/**
 * Holm's step-down adjustment for multiple comparisons: it keeps the probability of flagging any
 * unchanged row at or below the level, whatever the dependence between the tests, and is uniformly more
 * powerful than Bonferroni.
 *
 * @param pValues - The raw p-values.
 * @returns The adjusted p-values, in the same order (compare each with the level).
 */
export function holmAdjust(pValues: readonly number[]): number[] {
  const m = pValues.length;
  // Indices sorted by p-value (ties in input order): no object per test.
  const order = Array.from({ length: m }, (_, i) => i).sort((x, y) => pValues[x]! - pValues[y]! || x - y);
  const adjusted = new Array<number>(m);
  let running = 0;
  for (let rank = 0; rank < m; rank++) {
    const i = order[rank]!;
    running = Math.max(running, Math.min(1, (m - rank) * pValues[i]!));
    adjusted[i] = running;
  }
  return adjusted;
}
